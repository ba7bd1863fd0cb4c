// A worker's cycle hands its stop signal to every fetch in flight: with fetch.concurrency 16 that is
// 16 listeners at once, by design. Node must not call it a leak (issue 17, finding 6: `npm start`
// printed "MaxListenersExceededWarning: ... 11 abort listeners added to [AbortSignal]").
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { rssFeed, startFeedServer, type FeedServer } from '../helpers/feed-server.js';
import { makeCycleProject, type CycleProject } from './cycle-harness.js';

const FEEDS = 16;

describe('the stop signal of a cycle with 16 fetches in flight', () => {
  let server: FeedServer | undefined;
  let project: CycleProject | undefined;
  afterEach(async () => {
    await server?.close();
    project?.cleanup();
  });

  it('raises no MaxListenersExceededWarning', async () => {
    // Every answer waits until all 16 requests are in: the 16 fetches are in flight together.
    const waiting: Array<{ response: ServerResponse; index: number }> = [];
    const answer = (response: ServerResponse, index: number) =>
      response
        .writeHead(200, { 'content-type': 'application/rss+xml' })
        .end(rssFeed(`Feed ${index}`, [{ title: `Item ${index}`, link: `https://example.org/${index}`, guid: `g${index}` }]));
    const routes = Object.fromEntries(
      Array.from({ length: FEEDS }, (_, index) => [
        `/feed-${index}.xml`,
        (_request: unknown, response: ServerResponse) => {
          waiting.push({ response, index });
          if (waiting.length === FEEDS) for (const held of waiting.splice(0)) answer(held.response, held.index);
        },
      ]),
    );
    server = await startFeedServer(routes);
    const sources = Array.from({ length: FEEDS }, (_, index) => `  - { url: "${server?.base}/feed-${index}.xml" }`).join('\n');
    project = makeCycleProject(`sources:\n${sources}\nfetch: { concurrency: ${FEEDS}, perHostConcurrency: ${FEEDS}, perHostDelayMs: 0 }`);
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    try {
      const { summary } = await project.run(new Date('2026-11-26T08:00:00Z'), { signal: new AbortController().signal });
      expect(summary.fetched).toBe(FEEDS);
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((warning) => warning.startsWith('MaxListenersExceededWarning'))).toEqual([]);
  });
});
