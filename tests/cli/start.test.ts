// `veille start`: publishes, serves the publish folder with validators, runs a cycle at once,
// and stops cleanly when asked.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempProject, runCli, type TempProject } from '../helpers/cli.js';
import { rssFeed, serveBody, startFeedServer, type FeedServer } from '../helpers/feed-server.js';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('veille start', () => {
  let feeds: FeedServer;
  let project: TempProject;

  beforeAll(async () => {
    feeds = await startFeedServer({
      '/feed.xml': serveBody(rssFeed('AIhub', [{ title: 'Federated learning news', link: 'https://aihub.org/a', guid: 'a', date: 'Mon, 23 Nov 2026 09:00:00 +0000' }]), 'application/rss+xml'),
    });
    project = makeTempProject();
  });

  afterAll(async () => {
    await feeds.close();
    project.cleanup();
  });

  it('serves the feeds with ETag and 304, health and metrics, then stops on the signal', async () => {
    const port = await freePort();
    project.writeConfig(`sources:\n  - { url: "${feeds.base}/feed.xml", name: AIhub }\nstorage: { path: data/veille.db }\npublish: { dir: public }\nserver: { host: 127.0.0.1, port: ${port} }\nfetch: { perHostDelayMs: 0 }`);
    let stop!: () => void;
    const stopSignal = new Promise<void>((resolve) => (stop = resolve));
    const running = runCli(['start', '--config', project.configFile], { env: {}, stopSignal });
    const base = `http://127.0.0.1:${port}`;

    const feed = await waitFor(async () => {
      const response = await fetch(`${base}/feed.json`);
      const body = (await response.json()) as { items: unknown[] };
      return body.items.length === 1 ? response : undefined;
    });
    expect(feed.headers.get('content-type')).toMatch(/^application\/feed\+json/);

    const rss = await fetch(`${base}/feed.xml`);
    expect(rss.status).toBe(200);
    expect(rss.headers.get('content-type')).toMatch(/^application\/rss\+xml/);
    const etag = rss.headers.get('etag');
    expect(etag).toBeTruthy();
    expect(rss.headers.get('last-modified')).toBeTruthy();
    const again = await fetch(`${base}/feed.xml`, { headers: { 'if-none-match': etag ?? '' } });
    expect(again.status).toBe(304);

    expect(await (await fetch(`${base}/healthz`)).json()).toMatchObject({ status: 'ok', sources: 1, failing: 0 });
    // The first cycle publishes before it is counted as done.
    await waitFor(async () => ((await (await fetch(`${base}/metrics`)).text()).match(/^veille_cycles_total 1$/m) ? true : undefined));

    stop();
    const result = await running;
    expect(result.code).toBe(0);
    await expect(fetch(`${base}/feed.xml`)).rejects.toThrow();
  });
});

describe('veille start, stopping and locking', () => {
  it('refuses a second worker on the same data folder, and stops within fetch.stopGraceMs during a fetch that never ends', async () => {
    // A server that accepts the request and never answers: the fetch would wait for its timeouts.
    const slow = await startFeedServer({ '/slow.xml': () => undefined });
    const project = makeTempProject();
    try {
      const port = await freePort();
      project.writeConfig(
        `sources:\n  - { url: "${slow.base}/slow.xml" }\nserver: { port: ${port} }\n` +
          'fetch: { headersTimeoutMs: 60000, bodyTimeoutMs: 60000, perHostDelayMs: 0, stopGraceMs: 300 }',
      );
      let stop!: () => void;
      const stopSignal = new Promise<void>((resolve) => (stop = resolve));
      const running = runCli(['start', '--config', project.configFile], { env: {}, stopSignal });
      await waitFor(async () => (slow.requests.length > 0 ? true : undefined));

      const second = await runCli(['start', '--config', project.configFile], { env: {} });
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/store: another veille \(pid \d+, "start" since .*\) is using .*veille\.db; commands such as run, digest and retag work beside it/);

      const stoppedAt = Date.now();
      stop();
      const result = await running;
      expect(result.code).toBe(0);
      expect(Date.now() - stoppedAt).toBeLessThan(3_000);
      expect(result.stderr).toContain('fetches still in flight are abandoned');
      // Abandoned on purpose: not a failure of the source, which stays due.
      const status = await runCli(['status', '--json', '--config', project.configFile], { env: {} });
      expect(JSON.parse(status.stdout).sources[0]).toMatchObject({ state: 'new', lastErrorCode: null });
      // The lock went with the worker.
      const after = await runCli(['status', '--config', project.configFile], { env: {} });
      expect(after.code).toBe(0);
    } finally {
      await slow.close();
      project.cleanup();
    }
  });

  it('lets a fetch in flight finish when stopped, and stores what it brought (issue 17, finding 2)', async () => {
    // The answer comes a little after the stop signal: within fetch.stopGraceMs (20 s by default).
    let answer!: () => void;
    const late = await startFeedServer({
      '/late.xml': (_request, response) => {
        answer = () =>
          response
            .writeHead(200, { 'content-type': 'application/rss+xml' })
            .end(rssFeed('Late', [{ title: 'Federated learning, late news', link: 'https://example.org/late', guid: 'late' }]));
      },
    });
    const project = makeTempProject();
    try {
      const port = await freePort();
      project.writeConfig(`sources:\n  - { url: "${late.base}/late.xml" }\nserver: { port: ${port} }\nfetch: { perHostDelayMs: 0 }`);
      let stop!: () => void;
      const stopSignal = new Promise<void>((resolve) => (stop = resolve));
      const running = runCli(['start', '--config', project.configFile], { env: {}, stopSignal });
      await waitFor(async () => (late.requests.length > 0 ? true : undefined));
      stop();
      // The worker has heard the signal before the answer leaves.
      await new Promise((resolve) => setTimeout(resolve, 100));
      answer();
      const result = await running;
      expect(result.code).toBe(0);
      const status = await runCli(['status', '--json', '--config', project.configFile], { env: {} });
      expect(JSON.parse(status.stdout).sources[0]).toMatchObject({ state: 'ok', items: 1 });
      const feed = JSON.parse(readFileSync(join(project.dir, 'public/feed.json'), 'utf8')) as { items: Array<{ title: string }> };
      expect(feed.items).toEqual([expect.objectContaining({ title: expect.stringContaining('Federated learning, late news') })]);
    } finally {
      await late.close();
      project.cleanup();
    }
  });
});
