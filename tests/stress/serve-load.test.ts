// Issue 7, load: autocannon against the compiled `veille serve` on loopback, 10 s each on
// /feed.xml without and with If-None-Match (the ETag of a first request). No error, no 4xx or
// 5xx; the figures are printed (and asserted only against sane floors: CI machines vary).

import autocannon from 'autocannon';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempProject, type TempProject } from '../helpers/cli.js';
import { rssFeed, serveBody, startFeedServer, type FeedServer } from '../helpers/feed-server.js';
import { freePort, IS_BUILT, runVeille, spawnVeille, waitFor, type Veille } from './processes.js';

const DURATION_S = 10;
const CONNECTIONS = 10;
const MIN_REQUESTS_PER_S = 500;
const MAX_P99_MS = 250;

describe.runIf(IS_BUILT)('veille serve under load', () => {
  let feeds: FeedServer;
  let project: TempProject;
  let server: Veille;
  let base: string;

  beforeAll(async () => {
    // A merged feed of realistic size: 100 items with a paragraph each.
    const items = Array.from({ length: 100 }, (_, n) => ({
      title: `Federated learning and open-source models, part ${n}`,
      link: `https://aihub.example/post-${n}`,
      guid: `post-${n}`,
      date: new Date(Date.parse('2026-11-25T08:00:00Z') - n * 3_600_000).toUTCString(),
      description: `<p>${'Privacy-preserving training across many devices, with open weights. '.repeat(8)}</p>`,
    }));
    feeds = await startFeedServer({ '/feed.xml': serveBody(rssFeed('AIhub', items), 'application/rss+xml') });
    project = makeTempProject();
    const port = await freePort();
    project.writeConfig(`sources:\n  - { url: "${feeds.base}/feed.xml", name: AIhub }\nserver: { host: 127.0.0.1, port: ${port} }\nfetch: { perHostDelayMs: 0 }`);
    const run = await runVeille(['run', '--config', project.configFile], { VEILLE_NOW: '2026-11-26T08:00:00Z' });
    expect(run, run.stderr).toMatchObject({ code: 0 });
    server = spawnVeille(['serve', '--config', project.configFile], {}, 120_000);
    base = `http://127.0.0.1:${port}`;
    await waitFor(async () => ((await fetch(`${base}/feed.xml`)).ok ? true : undefined));
  });

  afterAll(async () => {
    server?.child.kill('SIGTERM');
    if (server) expect((await server.exited).code).toBe(0);
    await feeds?.close();
    project?.cleanup();
  });

  async function load(headers: Record<string, string>): Promise<autocannon.Result> {
    return autocannon({ url: `${base}/feed.xml`, connections: CONNECTIONS, duration: DURATION_S, headers });
  }

  function summary(result: autocannon.Result): string {
    return `${Math.round(result.requests.average)} req/s (${result.requests.total} requests), latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`;
  }

  it('GET /feed.xml: every answer a 200, no error', async () => {
    const size = statSync(join(project.dir, 'public/feed.xml')).size;
    const result = await load({});
    console.log(`load, GET /feed.xml (${(size / 1024).toFixed(0)} KiB), ${CONNECTIONS} connections, ${DURATION_S} s: ${summary(result)}`);
    expect({ errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx }).toEqual({ errors: 0, timeouts: 0, non2xx: 0 });
    expect(result['2xx']).toBe(result.requests.total);
    expect(result.requests.average).toBeGreaterThan(MIN_REQUESTS_PER_S);
    expect(result.latency.p99).toBeLessThan(MAX_P99_MS);
  });

  it('GET /feed.xml with If-None-Match: every answer a 304, no error', async () => {
    // The plain file's ETag: autocannon accepts no encoding (each form has its own ETag, issue 22).
    const etag = (await fetch(`${base}/feed.xml`, { headers: { 'accept-encoding': 'identity' } })).headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    const result = await load({ 'if-none-match': etag ?? '' });
    console.log(`load, GET /feed.xml with If-None-Match, ${CONNECTIONS} connections, ${DURATION_S} s: ${summary(result)}`);
    expect({ errors: result.errors, timeouts: result.timeouts }).toEqual({ errors: 0, timeouts: 0 });
    expect(result['3xx']).toBe(result.requests.total);
    expect(result.requests.average).toBeGreaterThan(MIN_REQUESTS_PER_S);
    expect(result.latency.p99).toBeLessThan(MAX_P99_MS);
  });
});
