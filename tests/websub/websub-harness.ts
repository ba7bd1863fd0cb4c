// A veille that subscribes, on loopback: a temporary project whose source declares the loopback hub,
// veille's own server answering the callback (server.publicUrl), and a clock the test moves.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeApp, configureApp, type App } from '../../src/app/app.js';
import { runOneCycle } from '../../src/app/cycle.js';
import { maintainSubscriptions, webSubEndpoint } from '../../src/app/websub.js';
import { loadConfig, type Config } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/domain/ports.js';
import type { PushedFeed } from '../../src/domain/websub.js';
import { createHttpClient } from '../../src/fetch/http-client.js';
import { startServer, type RunningServer } from '../../src/publish/server.js';
import { Store } from '../../src/store/store.js';
import { loadTaxonomy } from '../../src/tag/taxonomy.js';
import { createFeedProcessor } from '../../src/worker/process-pool.js';
import { THEMES_FILE } from '../helpers/cli.js';
import type { CycleSummary } from '../../src/app/pipeline.js';

/** An RSS feed that declares `hub` and itself (`self`), as WebSub §4 asks of a publisher. */
export function hubFeed(self: string, hub: string, items: readonly { title: string; guid: string }[]): string {
  const entries = items
    .map((item) => `<item><title>${item.title}</title><link>https://example.org/${item.guid}</link><guid isPermaLink="false">${item.guid}</guid><pubDate>Thu, 26 Nov 2026 08:00:00 GMT</pubDate><description>${item.title}.</description></item>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>Hub source</title><link>https://example.org/</link><description>d</description><language>en</language>
<atom:link rel="hub" href="${hub}"/><atom:link rel="self" href="${self}"/>
${entries}
</channel></rss>`;
}

export interface WebSubProject {
  readonly config: Config;
  readonly store: Store;
  readonly app: App;
  /** veille's own server, answering the callback. */
  readonly server: RunningServer;
  /** Bodies the callback accepted, in order. */
  readonly pushed: { sourceId: number; feed: PushedFeed }[];
  setNow(at: Date): void;
  cycle(options?: { pushed?: ReadonlyMap<number, PushedFeed>; force?: boolean }): Promise<CycleSummary>;
  maintain(): Promise<void>;
  publishedTitles(): string[];
  cleanup(): Promise<void>;
}

/** `sources`: the YAML list of sources; `publish`: more keys of publish (its dir is the project's); `extra`: more config keys. */
export async function makeWebSubProject(sources: string, options: { publish?: string; extra?: string } = {}): Promise<WebSubProject> {
  const dir = mkdtempSync(join(tmpdir(), 'veille-websub-'));
  let endpoint: ReturnType<typeof webSubEndpoint> | null = null;
  const server = await startServer({
    dir: join(dir, 'public'),
    host: '127.0.0.1',
    port: 0,
    endpoints: [
      {
        path: '/websub/',
        prefix: true,
        methods: ['GET', 'POST'],
        handle: (request) => (endpoint as NonNullable<typeof endpoint>).handle(request),
      },
    ],
  });
  const file = join(dir, 'veille.yaml');
  writeFileSync(
    file,
    `sources:\n${sources}\nthemes: ${JSON.stringify(THEMES_FILE)}\nstorage: { path: veille.db }\nprocessing: { threads: 1 }\nlog: { level: warn }\n` +
      `fullText: { maxPerCycle: 0 }\nserver: { port: 0, publicUrl: "${server.url}" }\npublish: { dir: public${options.publish === undefined ? '' : `, ${options.publish}`} }\n` +
      // The hub is on loopback: the address policy lets it through only as configured.
      `fetch: { allowPrivateHosts: ["127.0.0.1"], perHostDelayMs: 0 }\n${options.extra ?? ''}`,
  );
  const config = loadConfig(file);
  const store = Store.open(config.storagePath);
  let now = new Date('2026-11-26T09:00:00Z');
  const clock = { now: () => now };
  const app = composeApp(configureApp(config, { clock, env: {}, logger: silentLogger }), { store, taxonomy: loadTaxonomy(config.themesFile) });
  const pushed: { sourceId: number; feed: PushedFeed }[] = [];
  endpoint = webSubEndpoint(app, (sourceId, feed) => pushed.push({ sourceId, feed }));
  const client = createHttpClient(app.fetchPolicy.untrusted);
  return {
    config,
    store,
    app,
    server,
    pushed,
    setNow: (at) => {
      now = at;
    },
    cycle: (options = {}) =>
      runOneCycle(app, { processors: createFeedProcessor, force: options.force ?? true, ...(options.pushed ? { pushed: options.pushed } : {}) }),
    maintain: () => maintainSubscriptions({ config, store, clock, logger: silentLogger, userAgent: app.userAgent, client }),
    publishedTitles: () =>
      (JSON.parse(readFileSync(join(config.publishDir, 'feed.json'), 'utf8')) as { items: { title: string }[] }).items.map((item) => item.title),
    cleanup: async () => {
      await client.close();
      await server.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
