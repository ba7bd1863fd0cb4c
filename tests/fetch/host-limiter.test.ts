// createHostLimiter: per-host and global caps, per-host spacing, FIFO order, no head-of-line blocking.

import { describe, expect, it, vi } from 'vitest';
import { createHostLimiter, DEFAULT_HOST_LIMITS, readHostKey } from '../../src/fetch/host-limiter.js';

interface Trace {
  readonly startedAt: Map<string, number[]>;
  readonly order: string[];
  maxGlobal: number;
  readonly maxPerHost: Map<string, number>;
}

/** Runs every URL through one limiter; each task takes `taskMs`. */
async function runAll(
  urls: readonly string[],
  limits: { globalConcurrency: number; perHostConcurrency: number; perHostDelayMs: number },
  taskMs = 20,
): Promise<Trace> {
  const limiter = createHostLimiter(limits);
  const trace: Trace = { startedAt: new Map(), order: [], maxGlobal: 0, maxPerHost: new Map() };
  const inFlight = new Map<string, number>();
  let global = 0;
  const origin = performance.now();
  await Promise.all(
    urls.map((url, index) =>
      limiter.run(url, async () => {
        const host = new URL(url).host;
        global += 1;
        inFlight.set(host, (inFlight.get(host) ?? 0) + 1);
        trace.maxGlobal = Math.max(trace.maxGlobal, global);
        trace.maxPerHost.set(host, Math.max(trace.maxPerHost.get(host) ?? 0, inFlight.get(host) ?? 0));
        trace.startedAt.set(host, [...(trace.startedAt.get(host) ?? []), performance.now() - origin]);
        trace.order.push(`${host}#${index}`);
        await sleep(taskMs);
        inFlight.set(host, (inFlight.get(host) ?? 0) - 1);
        global -= 1;
      }),
    ),
  );
  return trace;
}

/** Waits `ms` on the global timer, which vi.useFakeTimers controls (node:timers/promises it does not). */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const buildUrls = (host: string, count: number): string[] =>
  Array.from({ length: count }, (_, index) => `https://${host}/feed/${index}`);

describe('createHostLimiter', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_HOST_LIMITS).toEqual({ globalConcurrency: 16, perHostConcurrency: 2, perHostDelayMs: 250 });
  });

  it.each([
    { name: 'one host, per-host cap 2', urls: buildUrls('a.example', 8), limits: { globalConcurrency: 16, perHostConcurrency: 2, perHostDelayMs: 0 }, perHost: 2, global: 2 },
    { name: 'one host, per-host cap 1', urls: buildUrls('a.example', 4), limits: { globalConcurrency: 16, perHostConcurrency: 1, perHostDelayMs: 0 }, perHost: 1, global: 1 },
    {
      name: 'four hosts, global cap 3',
      urls: ['a', 'b', 'c', 'd'].flatMap((host) => buildUrls(`${host}.example`, 4)),
      limits: { globalConcurrency: 3, perHostConcurrency: 2, perHostDelayMs: 0 },
      perHost: 2,
      global: 3,
    },
    {
      name: 'six hosts, per-host cap 2 under a global cap of 16',
      urls: ['a', 'b', 'c', 'd', 'e', 'f'].flatMap((host) => buildUrls(`${host}.example`, 3)),
      limits: { globalConcurrency: 16, perHostConcurrency: 2, perHostDelayMs: 0 },
      perHost: 2,
      global: 12,
    },
  ])('never exceeds its caps: $name', async ({ urls, limits, perHost, global }) => {
    const trace = await runAll(urls, limits);
    expect(trace.order).toHaveLength(urls.length);
    expect(Math.max(...trace.maxPerHost.values())).toBe(perHost);
    expect(trace.maxGlobal).toBe(global);
  });

  it('spaces the starts on one host by the delay, without slowing other hosts', async () => {
    // Fake timers (performance.now and setTimeout): the starts are exact, whatever the machine's load.
    vi.useFakeTimers();
    try {
      const urls = [...buildUrls('slow.example', 4), ...buildUrls('other.example', 1)];
      const traced = runAll(urls, { globalConcurrency: 16, perHostConcurrency: 2, perHostDelayMs: 100 }, 5);
      await vi.runAllTimersAsync();
      const trace = await traced;
      expect(trace.startedAt.get('slow.example')).toEqual([0, 100, 200, 300]);
      expect(trace.startedAt.get('other.example')).toEqual([0]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('starts waiting tasks first in, first out', async () => {
    const urls = ['https://a.example/1', 'https://b.example/1', 'https://a.example/2', 'https://c.example/1', 'https://b.example/2'];
    const trace = await runAll(urls, { globalConcurrency: 1, perHostConcurrency: 1, perHostDelayMs: 0 }, 2);
    expect(trace.order).toEqual(['a.example#0', 'b.example#1', 'a.example#2', 'c.example#3', 'b.example#4']);
  });

  it('lets other hosts pass a host that is busy', async () => {
    const limiter = createHostLimiter({ globalConcurrency: 4, perHostConcurrency: 1, perHostDelayMs: 0 });
    const events: string[] = [];
    const first = limiter.run('https://busy.example/1', async () => {
      events.push('busy-1 start');
      await sleep(80);
      events.push('busy-1 end');
    });
    const second = limiter.run('https://busy.example/2', async () => {
      events.push('busy-2 start');
    });
    const other = limiter.run('https://free.example/1', async () => {
      events.push('free start');
    });
    await Promise.all([first, second, other]);
    expect(events).toEqual(['busy-1 start', 'free start', 'busy-1 end', 'busy-2 start']);
  });

  it('passes results and errors through and frees the slot after a failure', async () => {
    const limiter = createHostLimiter({ globalConcurrency: 1, perHostConcurrency: 1, perHostDelayMs: 0 });
    const failing = limiter.run('https://a.example/', async () => {
      throw new Error('boom');
    });
    const next = limiter.run('https://a.example/', async () => 42);
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe(42);
  });

  it.each([
    { url: 'https://aihub.org/feed/', key: 'aihub.org:443' },
    { url: 'http://AIHUB.org:80/feed/', key: 'aihub.org:80' },
    { url: 'http://127.0.0.1:8080/a', key: '127.0.0.1:8080' },
    { url: 'not a url', key: '' },
  ])('keys $url by hostname:port', ({ url, key }) => {
    expect(readHostKey(url)).toBe(key);
  });
});
