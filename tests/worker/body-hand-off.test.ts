// Issue 15: a body that is valid UTF-8 goes to its processing thread as the bytes, decoded there, so
// that the main thread neither decodes it nor copies its text into the message; a body in another
// charset goes as the text the main thread decoded. Either way the thread makes the same items.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FeedJob } from '../../src/app/process-feed.js';
import { processFeed } from '../../src/app/process-feed.js';
import { parseDeadlineMs } from '../../src/app/parse-deadline.js';
import { rssFeed, serveBody, startFeedServer, type FeedServer } from '../helpers/feed-server.js';
import { makeCycleProject, type CycleProject } from './cycle-harness.js';

const START = new Date('2026-11-26T08:00:00Z');
const UTF8_FEED = rssFeed('Lab', [{ title: 'Un modèle ouvert — « français »', link: 'https://example.org/fr', guid: 'fr-1' }], 'fr');
// The same letters in windows-1252: é is 0xE9, not valid UTF-8.
const LATIN1_FEED = Buffer.from(
  rssFeed('Labo', [{ title: 'Un modèle publié', link: 'https://example.org/latin', guid: 'latin-1' }], 'fr').replace('encoding="UTF-8"', 'encoding="windows-1252"'),
  'latin1',
);

describe('the body handed to a processing thread', () => {
  let server: FeedServer;
  let project: CycleProject;

  beforeEach(async () => {
    server = await startFeedServer({
      '/utf8.xml': serveBody(UTF8_FEED, 'application/rss+xml; charset=utf-8'),
      '/latin.xml': serveBody(LATIN1_FEED, 'application/rss+xml; charset=windows-1252'),
    });
    project = makeCycleProject(
      `sources:\n  - { url: "${server.base}/utf8.xml" }\n  - { url: "${server.base}/latin.xml" }\nfetch: { perHostDelayMs: 0 }\nsite: { language: fr }`,
    );
  });

  afterEach(async () => {
    project.cleanup();
    await server.close();
  });

  it('is the UTF-8 bytes of a UTF-8 body and the decoded text of a windows-1252 one, and both give their items', async () => {
    const jobs = new Map<string, FeedJob>();
    const titles = new Map<string, string[]>();
    await project.run(START, {
      onProcessed: (job, feed) => {
        jobs.set(job.url, job);
        titles.set(job.url, feed.items.map(({ item }) => item.title));
      },
    });
    const utf8 = jobs.get(`${server.base}/utf8.xml`)?.text;
    expect(utf8).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(utf8 as Uint8Array).toString('utf8')).toBe(UTF8_FEED);
    expect(typeof jobs.get(`${server.base}/latin.xml`)?.text).toBe('string');
    expect(titles.get(`${server.base}/utf8.xml`)).toEqual(['Un modèle ouvert — « français »']);
    expect(titles.get(`${server.base}/latin.xml`)).toEqual(['Un modèle publié']);
  });
});

describe('processFeed and the deadline read a job given as bytes', () => {
  const job = (text: string | Uint8Array): FeedJob => ({
    text,
    contentType: 'application/rss+xml',
    url: 'https://lab.example/feed.xml',
    sourceKey: 'https://lab.example/feed.xml',
    sourceLang: null,
    languages: ['fr', 'en'],
    fetchedAt: '2026-11-26T08:00:00.000Z',
  });

  it('gives the same result from the UTF-8 bytes as from the text', async () => {
    const fromBytes = await processFeed(job(new TextEncoder().encode(UTF8_FEED)));
    expect(fromBytes).toEqual(await processFeed(job(UTF8_FEED)));
    expect(fromBytes.items.map(({ item }) => item.title)).toEqual(['Un modèle ouvert — « français »']);
  });

  it('counts the bytes of a UTF-8 job as it counts the text’s UTF-8', () => {
    const limits = { parseTimeoutMs: 1000, parseTimeoutMsPerMiB: 1024 * 1024 };
    expect(parseDeadlineMs(limits, new TextEncoder().encode(UTF8_FEED))).toBe(parseDeadlineMs(limits, UTF8_FEED));
    expect(parseDeadlineMs(limits, UTF8_FEED)).toBe(1000 + Buffer.byteLength(UTF8_FEED));
  });
});
