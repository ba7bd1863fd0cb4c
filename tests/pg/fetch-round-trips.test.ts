// What one fetched feed costs the store on PostgreSQL (issue 20: a first import within 1.5× of
// SQLite): each message to the bridge's thread is a wait of the worker's thread and a round trip
// to the server. A feed's items, its source's attempt and success and its WebSub discovery are
// written in one transaction, and its items' full texts read in one query, so that a feed costs
// a few messages whatever its number of items (it was 12 for a feed of 5 new items). Of these, the
// thread waits for one (the stored rows read inside the transaction): the feed's COMMIT and its reads
// outside the transaction are awaited while the thread goes on (it waited for all 4).
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApp, configureApp } from '../../src/app/app.js';
import { runOneCycle } from '../../src/app/cycle.js';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/domain/ports.js';
import { Store } from '../../src/store/store.js';
import { loadTaxonomy } from '../../src/tag/taxonomy.js';
import { createFeedProcessor } from '../../src/worker/process-pool.js';
import { THEMES_FILE } from '../helpers/cli.js';

const PG_URL = process.env.VEILLE_TEST_PG_URL;
const FEEDS = 4;
const ITEMS = 5;

function rss(feed: number): string {
  const items = Array.from(
    { length: ITEMS },
    (_, n) =>
      `<item><title>Feed ${feed} story ${n} on federated learning</title><link>https://example.org/${feed}/${n}</link>` +
      `<guid>${feed}-${n}</guid><pubDate>Wed, 25 Nov 2026 0${n}:00:00 GMT</pubDate><description>Open source models, part ${n}.</description></item>`,
  ).join('');
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Feed ${feed}</title><link>https://example.org/${feed}</link>${items}</channel></rss>`;
}

describe.runIf(PG_URL !== undefined && PG_URL !== '')('a fetched feed on a PostgreSQL store', () => {
  let server: Server;
  let base = '';
  const dir = mkdtempSync(join(tmpdir(), 'veille-round-trips-'));

  beforeAll(async () => {
    server = createServer((request, response) => {
      const feed = Number(/feed-(\d+)\.xml/.exec(request.url ?? '')?.[1] ?? -1);
      response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss(feed));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it(`costs at most 4 messages to the bridge's thread for ${ITEMS} new items, one of them waited for, and stores them all`, async () => {
    const file = join(dir, 'veille.yaml');
    writeFileSync(
      file,
      [
        `sources:\n${Array.from({ length: FEEDS }, (_, feed) => `  - { url: "${base}/feed-${feed}.xml" }`).join('\n')}`,
        `themes: ${JSON.stringify(THEMES_FILE)}`,
        'publish: { dir: public }',
        // One fetch at a time: the messages between two sources' results are one feed's.
        'fetch: { concurrency: 1 }',
        'fullText: { maxPerCycle: 0 }',
        'processing: { threads: 1 }',
        '',
      ].join('\n'),
    );
    const config = loadConfig(file);
    const store = Store.open({ kind: 'postgres', url: PG_URL as string, passwordEnv: null, schema: `round_trips_${process.pid}` });
    try {
      const app = composeApp(configureApp(config, { clock: { now: () => new Date('2026-11-26T08:00:00Z') }, env: {}, logger: silentLogger }), {
        store,
        taxonomy: loadTaxonomy(config.themesFile),
      });
      const marks: number[] = [];
      const waits: number[] = [];
      const summary = await runOneCycle(app, {
        force: false,
        processors: (processing) => createFeedProcessor(processing),
        onProgress: () => {
          marks.push(store.roundTrips ?? 0);
          waits.push(store.waitedRoundTrips ?? 0);
        },
      });
      expect(summary.fetched).toBe(FEEDS);
      // Between the first source's result and the last one's: what the other feeds cost (a feed's
      // stored hashes are read when the processing thread takes it, which may be one result early).
      expect(marks).toHaveLength(FEEDS);
      const perFeed = ((marks[FEEDS - 1] as number) - (marks[0] as number)) / (FEEDS - 1);
      expect(perFeed).toBeLessThanOrEqual(4);
      expect(((waits[FEEDS - 1] as number) - (waits[0] as number)) / (FEEDS - 1)).toBeLessThanOrEqual(1);
      expect(store.recentItems(100)).toHaveLength(FEEDS * ITEMS);
      expect(store.listSources({ activeOnly: true }).every((source) => source.lastAttemptAt !== null && source.lastSuccessAt !== null)).toBe(true);
    } finally {
      store.close();
    }
  });
});
