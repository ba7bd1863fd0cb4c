// How many feed bodies a cycle holds at once (issue 15: a first import's peak memory). A fetch takes
// a permit that it keeps until its items are stored, so that processing slower than the network
// holds back new fetches instead of piling up bodies: at most fetch.concurrency feeds are fetched
// and not yet stored at once.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rssFeed, startFeedServer, type FeedServer } from '../helpers/feed-server.js';
import { makeCycleProject, type CycleProject } from './cycle-harness.js';

const SOURCES = 12;
const CONCURRENCY = 3;
const START = new Date('2026-11-26T08:00:00Z');

describe('bodies held while processing is slower than fetching', () => {
  let server: FeedServer;
  let project: CycleProject;
  let requests: number;

  beforeEach(async () => {
    requests = 0;
    const routes: Record<string, (request: IncomingMessage, response: ServerResponse) => void> = {};
    for (let index = 0; index < SOURCES; index += 1) {
      routes[`/${index}.xml`] = (_request, response) => {
        requests += 1;
        response.writeHead(200, { 'content-type': 'application/rss+xml' });
        response.end(rssFeed(`feed ${index}`, [{ title: `Feed ${index}: one`, link: `https://example.org/${index}`, guid: `feed-${index}-1` }]));
      };
    }
    server = await startFeedServer(routes);
    const sources = Array.from({ length: SOURCES }, (_, index) => `  - { url: "${server.base}/${index}.xml" }`).join('\n');
    project = makeCycleProject(
      `sources:\n${sources}\nfetch: { concurrency: ${CONCURRENCY}, perHostConcurrency: ${CONCURRENCY}, perHostDelayMs: 0 }\nsite: { language: en }`,
    );
  });

  afterEach(async () => {
    project.cleanup();
    await server.close();
  });

  it('fetches at most fetch.concurrency feeds ahead of the ones stored', async () => {
    // Processing waits until the fetches that could start meanwhile have answered.
    let servedWhileHeld = -1;
    let held: Promise<void> | null = null;
    const beforeProcess = (): Promise<void> =>
      (held ??= new Promise((resolve) => {
        setTimeout(() => {
          servedWhileHeld = requests;
          resolve();
        }, 400);
      }));
    const { summary } = await project.run(START, { beforeProcess });
    expect(summary.fetched).toBe(SOURCES);
    expect(summary.newItems).toBe(SOURCES);
    // Twice fetch.concurrency (6) before: the bodies waiting for the thread were up to twice as many.
    expect(servedWhileHeld).toBe(CONCURRENCY);
  });
});
