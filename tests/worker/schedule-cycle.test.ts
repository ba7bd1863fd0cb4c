// The schedule across cycles: a feed's sy:updatePeriod sets its next fetch, and a 304 (not
// parsed) keeps using what the last full fetch said, writing nothing but the check.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../fetch/servers.js';
import { makeCycleProject, type CycleProject } from './cycle-harness.js';

const NOW = new Date('2026-11-26T08:00:00Z');
const MINUTE = 60_000;
const FEED = `<?xml version="1.0"?><rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><channel>
<title>Hourly twice</title><link>https://ex.org/</link><sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency>
<item><title>Federated learning news</title><link>https://ex.org/1</link><guid>1</guid></item></channel></rss>`;

describe('runCycle: schedule hints and 304', () => {
  let server: TestServer;
  let project: CycleProject;

  beforeAll(async () => {
    server = await startServer({
      '/feed.xml': (request: IncomingMessage, response: ServerResponse) => {
        // RFC 9110 §13.1.2: If-None-Match with the stored ETag → 304.
        if (request.headers['if-none-match'] === '"v1"') response.writeHead(304, { etag: '"v1"' }).end();
        else response.writeHead(200, { 'content-type': 'application/rss+xml', etag: '"v1"' }).end(FEED);
      },
    });
    project = makeCycleProject(`sources:\n  - { url: "${server.url('/feed.xml')}" }\nfetch: { perHostDelayMs: 0 }`);
  });

  afterAll(async () => {
    project.cleanup();
    await server.close();
  });

  const stored = () => project.store.listSources({ activeOnly: true })[0];

  it('schedules the next fetch from sy:updatePeriod / sy:updateFrequency (30 minutes)', async () => {
    const { results } = await project.run(NOW);
    expect(results.get(server.url('/feed.xml'))).toMatchObject({ kind: 'ok', inserted: 1, bytes: Buffer.byteLength(FEED) });
    expect(stored()?.nextFetchAt).toBe(new Date(NOW.getTime() + 30 * MINUTE).toISOString());
  });

  it('on a 304, receives no body, keeps the items and reuses the stored hints', async () => {
    const later = new Date(NOW.getTime() + 31 * MINUTE);
    const before = stored();
    const { results, summary } = await project.run(later);
    expect(results.get(server.url('/feed.xml'))).toMatchObject({ kind: 'not-modified', bytes: 0 });
    expect(summary).toMatchObject({ due: 1, notModified: 1, newItems: 0, updatedItems: 0 });
    const after = stored();
    expect(after).toMatchObject({
      lastAttemptAt: later.toISOString(),
      lastSuccessAt: later.toISOString(),
      nextFetchAt: new Date(later.getTime() + 30 * MINUTE).toISOString(),
      etag: '"v1"',
      itemCount: 1,
      feedHints: before?.feedHints,
      lastNewItemAt: before?.lastNewItemAt,
    });
  });
});
