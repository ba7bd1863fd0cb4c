// A deadline per feed (issue 13, finding 1): a source whose processing overruns
// processing.parseTimeoutMs fails with PARSE_TIMEOUT and is backed off like any failure, the other
// source of the same cycle is stored and published, and the main thread answers HTTP meanwhile.
// The processing thread is a stand-in that loops forever on the stuck feed (a thread stuck in a
// regular expression) and processes the other one for real.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/publish/server.js';
import { rssFeed, serveBody, startFeedServer, type FeedServer } from '../helpers/feed-server.js';
import { makeCycleProject, type CycleProject } from './cycle-harness.js';

const NOW = new Date('2026-11-26T08:00:00Z');
const STAND_IN = new URL('./stalling-thread.mjs', import.meta.url);

let feeds: FeedServer;
let project: CycleProject;
let http: RunningServer;
const scratch = mkdtempSync(join(tmpdir(), 'veille-deadline-'));
const stalled = join(scratch, 'stalled');

beforeAll(async () => {
  const good = rssFeed('Good', [
    { title: 'Good: federated learning in hospitals', link: 'https://good.example/1', guid: 'good-1', date: 'Mon, 23 Nov 2026 09:00:00 GMT' },
    { title: 'Good: an open-source model', link: 'https://good.example/2', guid: 'good-2', date: 'Tue, 24 Nov 2026 09:00:00 GMT' },
  ]);
  const stuck = rssFeed('Stuck', [{ title: 'Stuck: never read', link: 'https://stuck.example/1', guid: 'stuck-1' }]).replace(
    '<channel>',
    `<channel><!-- veille-test-stall:${stalled} -->`,
  );
  feeds = await startFeedServer({
    '/stuck.xml': serveBody(stuck, 'application/rss+xml'),
    '/good.xml': serveBody(good, 'application/rss+xml'),
  });
  // One thread: the good feed waits behind the stuck one or goes first; either way it is stored.
  project = makeCycleProject(`sources:\n  - url: ${feeds.base}/stuck.xml\n  - url: ${feeds.base}/good.xml\nfetch: { perHostDelayMs: 0 }`, {
    processing: '{ threads: 1, parseTimeoutMs: 3000, parseTimeoutMsPerMiB: 0 }',
  });
  http = await startServer({
    dir: join(project.dir, 'public'),
    host: '127.0.0.1',
    port: 0,
    routes: { '/healthz': () => ({ status: 200, contentType: 'text/plain; charset=utf-8', body: 'ok\n' }) },
  });
});

afterAll(async () => {
  await http.close();
  await feeds.close();
  project.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

describe('a feed that overruns its deadline', () => {
  it('fails with PARSE_TIMEOUT and a back-off, the other source is stored, and /healthz answers while it runs', async () => {
    let settled = false;
    const cycle = project.run(NOW, { threadScript: STAND_IN }).finally(() => {
      settled = true;
    });
    // The thread writes the file when it starts looping; bounded wait.
    for (let tries = 0; tries < 400 && !existsSync(stalled) && !settled; tries += 1) await sleep(25);
    expect(existsSync(stalled)).toBe(true);
    const health = await fetch(new URL('/healthz', http.url));
    expect([health.status, await health.text(), settled]).toEqual([200, 'ok\n', false]);

    const { summary, results } = await cycle;
    expect(results.get(`${feeds.base}/stuck.xml`)).toMatchObject({ kind: 'failed', code: 'PARSE_TIMEOUT' });
    expect(results.get(`${feeds.base}/good.xml`)).toMatchObject({ kind: 'ok', inserted: 2 });
    expect(summary.failures).toEqual([
      expect.objectContaining({ code: 'PARSE_TIMEOUT', message: expect.stringMatching(/^parse: .*\/stuck\.xml: parsing and cleaning took longer than 3000 ms/) }),
    ]);
    const stuck = project.store.listSources({ activeOnly: true }).find((source) => source.url === `${feeds.base}/stuck.xml`);
    expect(stuck).toMatchObject({ lastErrorCode: 'PARSE_TIMEOUT', consecutiveFailures: 1 });
    expect(Date.parse(stuck?.nextFetchAt ?? '')).toBeGreaterThan(NOW.getTime());
    expect(project.publishedTitles()).toEqual(['Good: an open-source model (en anglais)', 'Good: federated learning in hospitals (en anglais)']);
  });
});
