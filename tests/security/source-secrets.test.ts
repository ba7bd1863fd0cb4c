// Issue 13, finding 3: a source URL with a user name, a password or a token parameter was
// published in sources.opml, the <source> of feed.xml and atom.xml, feed.json and the /metrics
// labels. After a cycle, no published file, no metrics label, no status output and no log line
// holds the secret; the store keeps the URL whole, and the server is asked for it whole.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { createCycleMetrics, renderMetrics } from '../../src/worker/metrics.js';
import { THEMES_FILE, makeTempProject, runCli, type TempProject } from '../helpers/cli.js';
import { serveBody, serveStatus, startFeedServer, type FeedServer } from '../helpers/feed-server.js';

const SECRETS = ['s3cr3t', 'abcToken42', 'hunter2', 'zzzPass77'];

/** A published file as a reader gets it: its compressed forms decoded (their raw bytes hold any three letters by chance). */
function readPublished(file: string): string {
  const bytes = readFileSync(file);
  if (file.endsWith('.br')) return brotliDecompressSync(bytes).toString('utf8');
  if (file.endsWith('.gz')) return gunzipSync(bytes).toString('utf8');
  return bytes.toString('utf8');
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('secrets in source URLs', () => {
  let server: FeedServer;
  let project: TempProject;
  let port: string;
  let logs = '';

  beforeAll(async () => {
    server = await startFeedServer({
      // No channel <link>: the item's relative link resolves against the feed's URL, never its credentials.
      '/feed?token=abcToken42&x=1': serveBody(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Flux privé</title>' +
          '<item><title>Federated learning at AAAI</title><link>/posts/1</link><guid isPermaLink="false">p1</guid>' +
          '<pubDate>Mon, 23 Nov 2026 09:00:00 +0000</pubDate></item></channel></rss>',
        'application/rss+xml',
      ),
      '/gone?api_key=zzzPass77': serveStatus(404),
    });
    port = new URL(server.base).port;
    project = makeTempProject();
    writeFileSync(
      project.configFile,
      [
        'sources:',
        `  - { url: "http://alice:s3cr3t@127.0.0.1:${port}/feed?token=abcToken42&x=1" }`,
        `  - { url: "http://bob:hunter2@127.0.0.1:${port}/gone?api_key=zzzPass77", name: Disparu }`,
        'storage: { path: data/veille.db }',
        'publish: { dir: public }',
        `themes: ${JSON.stringify(THEMES_FILE)}`,
        // debug: each source's own line too (at info a source that did not fail has none).
        'log: { level: debug }',
        '',
      ].join('\n'),
    );
    const run = await runCli(['run', '--config', project.configFile]);
    expect(run.code).toBe(0);
    logs = run.stderr + run.stdout;
  });

  afterAll(async () => {
    await server.close();
    project.cleanup();
  });

  it('fetches the URL whole: the query reaches the server', () => {
    expect(server.requests).toContain('/feed?token=abcToken42&x=1');
    expect(server.requests).toContain('/gone?api_key=zzzPass77');
  });

  it('keeps the URL whole in the store', () => {
    const store = Store.open(join(project.dir, 'data/veille.db'));
    try {
      expect(store.listSources({ activeOnly: true }).map((source) => source.url)).toContain(
        `http://alice:s3cr3t@127.0.0.1:${port}/feed?token=abcToken42&x=1`,
      );
    } finally {
      store.close();
    }
  });

  it('publishes the source without its secrets', () => {
    const published = filesUnder(join(project.dir, 'public'));
    expect(published.map((file) => file.slice(project.dir.length))).toEqual(
      expect.arrayContaining(['/public/feed.xml', '/public/atom.xml', '/public/feed.json', '/public/sources.opml', '/public/index.html']),
    );
    expect(published.some((file) => file.endsWith('.br'))).toBe(true);
    for (const file of published) {
      const text = readPublished(file);
      for (const secret of SECRETS) expect(text, `${file} holds ${secret}`).not.toContain(secret);
    }
    const clean = `http://127.0.0.1:${port}/feed?x=1`;
    expect(readFileSync(join(project.dir, 'public/sources.opml'), 'utf8')).toContain(`xmlUrl="${clean}"`);
    expect(readFileSync(join(project.dir, 'public/feed.xml'), 'utf8')).toContain(`<source url="${clean}">`);
    expect(readFileSync(join(project.dir, 'public/feed.xml'), 'utf8')).toContain(`<link>http://127.0.0.1:${port}/posts/1</link>`);
  });

  it('labels the metrics without secrets', () => {
    const store = Store.open(join(project.dir, 'data/veille.db'));
    try {
      const text = renderMetrics(createCycleMetrics(), store.listSources({ activeOnly: true }), { now: new Date('2026-11-26T08:00:00Z'), staleAfterDays: 30 });
      expect(text).toContain(`veille_items{source="http://127.0.0.1:${port}/feed?x=1"} 1`);
      for (const secret of SECRETS) expect(text).not.toContain(secret);
    } finally {
      store.close();
    }
  });

  it.each([
    ['status --json', ['status', '--json']],
    ['status', ['status']],
  ])('%s shows no secret', async (_name, args) => {
    const status = await runCli([...args, '--config', project.configFile]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/FETCH_HTTP_STATUS/);
    for (const secret of SECRETS) expect(status.stdout + status.stderr).not.toContain(secret);
  });

  it('status hides the secret in an error stored by an older veille, which named the URL whole', async () => {
    const store = Store.open(join(project.dir, 'data/veille.db'));
    try {
      const gone = store.listSources({ activeOnly: true }).find((source) => source.name === 'Disparu');
      store.recordFailure(gone?.id ?? 0, {
        at: '2026-11-26T07:00:00Z',
        nextFetchAt: '2026-11-26T09:00:00Z',
        code: 'FETCH_HTTP_STATUS',
        // The source's URL, and a redirect target of another spelling with a token of its own.
        message: `fetch: ${gone?.url ?? ''} answered HTTP 500 Internal Server Error, then HTTP://127.0.0.1:${port}/elsewhere?token=other-s3cret&page=2`,
      });
    } finally {
      store.close();
    }
    const status = await runCli(['status', '--json', '--config', project.configFile]);
    expect(status.stdout).toContain(`fetch: http://127.0.0.1:${port}/gone answered HTTP 500`);
    expect(status.stdout).toContain(`http://127.0.0.1:${port}/elsewhere?page=2`);
    for (const secret of [...SECRETS, 'other-s3cret']) expect(status.stdout).not.toContain(secret);
  });

  it('logs the cycle without secrets', () => {
    expect(logs).toMatch(/"source":"http:\/\/127\.0\.0\.1:\d+\/feed\?x=1"/);
    for (const secret of SECRETS) expect(logs).not.toContain(secret);
  });
});
