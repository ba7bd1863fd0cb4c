// What `veille run` logs (issue 15): at the default level (info), a failing source named at warn
// and the cycle's summary, not one line per source; at debug, each source's line as well.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, THEMES_FILE } from '../helpers/cli.js';
import { rssFeed, serveStatus, startFeedServer, type FeedServer } from '../helpers/feed-server.js';

const FEED = rssFeed('AIhub', [{ title: 'Federated learning recap', link: 'https://aihub.org/fl', guid: 'fl-1', date: 'Mon, 23 Nov 2026 09:12:44 +0000' }]);

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly source?: string;
}

const lines = (stderr: string): LogLine[] =>
  stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);

describe('veille run: log lines', () => {
  let server: FeedServer;
  let dir: string;

  beforeAll(async () => {
    server = await startFeedServer({
      // RFC 9110 §13.1.2: If-None-Match with the stored ETag → 304.
      '/feed.xml': (request, response) => {
        if (request.headers['if-none-match'] === '"v1"') response.writeHead(304, { etag: '"v1"' }).end();
        else response.writeHead(200, { 'content-type': 'application/rss+xml', etag: '"v1"' }).end(FEED);
      },
      '/gone.xml': serveStatus(404),
    });
    dir = mkdtempSync(join(tmpdir(), 'veille-run-log-'));
  });

  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (level: string, now: string) => {
    const configFile = join(dir, `veille-${level}.yaml`);
    writeFileSync(
      configFile,
      `sources:\n  - { url: "${server.base}/feed.xml", name: AIhub }\n  - { url: "${server.base}/gone.xml", name: Gone }\n` +
        `storage: { path: data-${level}/veille.db }\npublish: { dir: public-${level} }\nfullText: { maxPerCycle: 0 }\n` +
        `fetch: { perHostDelayMs: 0 }\nthemes: ${JSON.stringify(THEMES_FILE)}\nlog: { level: ${level} }\n`,
    );
    return runCli(['run', '--config', configFile, '--log-format', 'json'], { env: { VEILLE_NOW: now } });
  };

  it('at info: the failing source at warn and the summary, no line per source (first cycle and all-304 cycle)', async () => {
    for (const now of ['2026-11-26T08:00:00Z', '2026-11-27T09:00:00Z']) {
      const result = await run('info', now);
      expect(result.code).toBe(0);
      const logged = lines(result.stderr);
      expect(logged.filter((line) => line.msg === 'source done')).toEqual([]);
      expect(logged.filter((line) => line.level === 40).map((line) => line.source)).toEqual([`${server.base}/gone.xml`]);
      expect(logged.filter((line) => line.msg.startsWith('Cycle done')).length).toBe(1);
    }
    const last = lines((await run('info', '2026-11-28T10:00:00Z')).stderr).find((line) => line.msg.startsWith('Cycle done'));
    expect(last?.msg).toMatch(/1 not modified, 1 failed/);
  });

  it('at debug: one line per source as well', async () => {
    const logged = lines((await run('debug', '2026-11-26T08:00:00Z')).stderr);
    expect(logged.filter((line) => line.msg === 'source done').map((line) => line.source)).toEqual([`${server.base}/feed.xml`]);
  });
});
