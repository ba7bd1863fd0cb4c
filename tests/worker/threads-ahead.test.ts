// Issue 15: on an import the processing threads start ahead of the first body (they used to start
// on it, and then spent their first quarter second loading), while a cycle whose feeds all answer
// 304 still starts none: a cycle expects a body from each source never fetched (pipeline.ts), and
// `veille run` on a store not made yet starts its threads before it loads the cycle (processors-ahead.ts).
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FeedProcessor, FeedProcessorOptions } from '../../src/app/process-feed.js';
import { processorsAhead } from '../../src/cli/processors-ahead.js';
import { loadConfig } from '../../src/config/load-config.js';
import { rssFeed, startFeedServer, type FeedServer } from '../helpers/feed-server.js';
import { makeCycleProject, type CycleProject } from './cycle-harness.js';

const STAND_IN = new URL('./stalling-thread.mjs', import.meta.url);
const HOUR = 3_600_000;
const START = new Date('2026-11-26T08:00:00Z');

describe('a cycle expects the bodies of the sources never fetched', () => {
  let server: FeedServer;
  let project: CycleProject;
  let starts: string;

  beforeEach(async () => {
    const body = (name: string): string => rssFeed(name, [{ title: `${name}: one`, link: `https://example.org/${name}`, guid: `${name}-1` }]);
    const conditional = (name: string) => (request: { headers: Record<string, string | string[] | undefined> }, response: import('node:http').ServerResponse) => {
      if (request.headers['if-none-match'] === `"${name}"`) response.writeHead(304).end();
      else response.writeHead(200, { 'content-type': 'application/rss+xml', etag: `"${name}"` }).end(body(name));
    };
    server = await startFeedServer({ '/a.xml': conditional('a'), '/b.xml': conditional('b'), '/c.xml': conditional('c') });
    project = makeCycleProject(
      `sources:\n  - { url: "${server.base}/a.xml" }\n  - { url: "${server.base}/b.xml" }\nfetch: { perHostDelayMs: 0 }\nsite: { language: en }`,
      { processing: '{ threads: 2 }' },
    );
    starts = mkdtempSync(join(tmpdir(), 'veille-ahead-'));
    process.env.VEILLE_TEST_THREAD_STARTS = starts;
  });

  afterEach(async () => {
    delete process.env.VEILLE_TEST_THREAD_STARTS;
    project.cleanup();
    rmSync(starts, { recursive: true, force: true });
    await server.close();
  });

  it('an import: told before its first feed is processed, one body a source; then a cycle of 304s is told none and starts no thread', async () => {
    const events: string[] = [];
    const record = { threadScript: STAND_IN, onExpectBodies: (count: number) => events.push(`expect ${count}`), onProcessed: () => events.push('processed') };
    const first = await project.run(START, record);
    expect(first.summary.newItems).toBe(2);
    expect(events).toEqual(['expect 2', 'processed', 'processed']);

    events.length = 0;
    for (const name of readdirSync(starts)) rmSync(join(starts, name));
    const again = await project.run(new Date(START.getTime() + HOUR), { ...record, force: true });
    expect(again.summary.notModified).toBe(2);
    expect(events).toEqual([]);
    expect(readdirSync(starts)).toHaveLength(0);
  });

  it('a source added to a fetched list: one body expected, not one for each source', async () => {
    await project.run(START, { threadScript: STAND_IN });
    const yaml = project.config.file;
    writeFileSync(
      yaml,
      `sources:\n  - { url: "${server.base}/a.xml" }\n  - { url: "${server.base}/b.xml" }\n  - { url: "${server.base}/c.xml" }\n` +
        `fetch: { perHostDelayMs: 0 }\nsite: { language: en }\nthemes: ${JSON.stringify(project.config.themesFile)}\nstorage: { path: veille.db }\n` +
        'publish: { dir: public }\nprocessing: { threads: 2 }\nlog: { level: warn }\nfullText: { maxPerCycle: 0 }\n',
    );
    const told: number[] = [];
    const next = await project.run(new Date(START.getTime() + HOUR), { threadScript: STAND_IN, force: true, onExpectBodies: (count) => told.push(count) });
    expect(next.summary.newItems).toBe(1);
    expect(told).toEqual([1]);
  });
});

describe('veille run starts its threads ahead on a store not made yet', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'veille-run-ahead-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const configWith = (yaml: string) => {
    const file = join(dir, 'veille.yaml');
    writeFileSync(file, `${yaml}\nstorage: { path: data/veille.db }\nprocessing: { threads: 2 }\n`);
    return loadConfig(file);
  };

  /** A stand-in pool that says what it was asked. */
  const recording = (told: string[]) => (options: FeedProcessorOptions): FeedProcessor => {
    told.push(`made with ${options.threads} threads`);
    return {
      threads: options.threads,
      process: () => Promise.reject(new Error('not in this test')),
      expectBodies: (count) => told.push(`expect ${count}`),
      close: () => {
        told.push('closed');
        return Promise.resolve();
      },
    };
  };

  it.each([
    ['three sources, no store yet: started with a body each expected', 'sources:\n  - { url: "http://127.0.0.1:9/a" }\n  - { url: "http://127.0.0.1:9/b" }\n  - { url: "http://127.0.0.1:9/c" }', false, ['made with 2 threads', 'expect 3']],
    ['a store already made: nothing started (the cycle decides from it)', 'sources:\n  - { url: "http://127.0.0.1:9/a" }', true, []],
    ['no source: nothing started', 'sources: []', false, []],
  ])('%s', async (_name, yaml, storeMade, expected) => {
    const config = configWith(yaml);
    if (storeMade) {
      mkdirSync(join(dir, 'data'));
      writeFileSync(config.storagePath, '');
    }
    const told: string[] = [];
    const ahead = await processorsAhead(config, recording(told));
    expect(told).toEqual(expected);
    await ahead?.close();
  });

  it('hands the cycle the pool it started, once; a pool the cycle never took is closed by close()', async () => {
    const told: string[] = [];
    const ahead = await processorsAhead(configWith('sources:\n  - { url: "http://127.0.0.1:9/a" }'), recording(told));
    expect(ahead).not.toBeNull();
    const options = { threads: 2, deadlineMs: () => 1_000 };
    const first = ahead?.factory(options);
    const second = ahead?.factory(options);
    expect(second).not.toBe(first);
    expect(told).toEqual(['made with 2 threads', 'expect 1', 'made with 2 threads']);
    await ahead?.close();
    expect(told.at(-1)).toBe('closed');
  });
});
