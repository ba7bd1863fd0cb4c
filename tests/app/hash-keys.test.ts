// The keys processing hashes (an item's id, its raw key, its content hash, a body's key) are stored:
// hashed as one string at once (issue 15), each must stay the digest of the hash updates it was made
// of, on every fixture feed and on fields with lone surrogates and missing values.
import { readdirSync, readFileSync } from 'node:fs';
import type * as Crypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';

const calls = vi.hoisted(() => ({ createHash: 0 }));
vi.mock('node:crypto', async (importActual) => {
  const actual = await importActual<typeof Crypto>();
  return {
    ...actual,
    createHash: (...args: Parameters<typeof actual.createHash>) => {
      calls.createHash += 1;
      return actual.createHash(...args);
    },
  };
});

const { createHash } = await vi.importActual<typeof Crypto>('node:crypto');
const { processFeed } = await import('../../src/app/process-feed.js');
const { bodyKey, rawItemKeys } = await import('../../src/app/skip-keys.js');
const { computeItemId, normalizeFeed } = await import('../../src/clean/normalize.js');
const { parseFeed } = await import('../../src/parse/parse-feed.js');
const { hashItemContent } = await import('../../src/store/item-hash.js');
const { VERSION } = await import('../../src/system/version.js');
type Item = import('../../src/domain/types.js').Item;
type ParsedFeed = import('../../src/domain/types.js').ParsedFeed;

// The hashes as they were written before issue 15's change: the stored keys are these.
const sha = () => createHash('sha256');
const referenceContentHash = (item: Item): string => {
  const hash = sha();
  for (const part of [item.guid, item.link, item.title, item.summary, item.contentHtml, item.author, item.language]) hash.update(part ?? '\u0000').update('\u0001');
  hash.update(item.dateMissing ? '' : item.publishedAt).update(item.updatedAt ?? '');
  hash.update(JSON.stringify(item.categories)).update(item.imageUrl ?? '');
  return hash.digest('hex').slice(0, 32);
};
const contextPart = (c: typeof CONTEXT): string => JSON.stringify([VERSION, c.url, c.contentType, c.sourceKey, c.sourceLang, c.languages]);
const referenceRawKeys = (feed: ParsedFeed, c: typeof CONTEXT): string[] => {
  const shared = sha().update(contextPart(c)).update(JSON.stringify([feed.link, feed.base, feed.language]));
  return feed.items.map((item) =>
    shared
      .copy()
      .update(JSON.stringify([item.guid, item.guidIsPermaLink ?? null, item.link, item.title, item.summary, item.content, item.author, item.published, item.updated, item.categories, item.language, item.base]))
      .digest('base64url')
      .slice(0, 32),
  );
};
const referenceBodyKey = (text: string, c: typeof CONTEXT): string => sha().update(contextPart(c)).update('\u0000').update(text).digest('base64url');

const CONTEXT = { url: 'https://lab.example/feed.xml', contentType: 'application/rss+xml', sourceKey: 'lab', sourceLang: null, languages: ['fr', 'en'] };
const FEEDS_DIR = new URL('../fixtures/feeds/', import.meta.url);
const FIXTURES = readdirSync(FEEDS_DIR).filter((name) => /\.(xml|json)$/.test(name) && !name.includes('.expected.'));

// Lone surrogates in every field: a hash update encodes each as U+FFFD on its own.
const ODD = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Odd</title><link>https://odd.example/</link>
<item><title>tail \ud83d</title><link>https://odd.example/a</link><description>\udc00 head &lt;b&gt;x&lt;/b&gt;</description><guid>\ud800</guid><category>\udfff</category></item>
<item><title></title><description></description></item>
</channel></rss>`;

describe('stored keys hashed as one string', () => {
  it.each([...FIXTURES, 'odd'])('%s: ids, raw keys, content hashes and the body key are the digests of the updates', async (name) => {
    const text = name === 'odd' ? ODD : readFileSync(new URL(name, FEEDS_DIR), 'utf8');
    let feed: ParsedFeed;
    try {
      feed = await parseFeed(text, { contentType: CONTEXT.contentType, url: CONTEXT.url });
    } catch (error) {
      if (name === 'odd') throw error;
      return; // a fixture of a malformed feed: nothing is hashed
    }
    if (name === 'odd') expect(feed.items).toHaveLength(2);
    expect(rawItemKeys(feed, CONTEXT)).toEqual(referenceRawKeys(feed, CONTEXT));
    expect(bodyKey(text, CONTEXT)).toBe(referenceBodyKey(text, CONTEXT));
    // A body given as the bytes its text decodes from (fetch/charset.ts readFeedBytes) has the same key.
    expect(bodyKey(Buffer.from(text, 'utf8'), CONTEXT)).toBe(referenceBodyKey(text, CONTEXT));
    for (const item of normalizeFeed(feed, { sourceKey: CONTEXT.sourceKey, baseUrl: CONTEXT.url, sourceLang: null, fetchedAt: new Date('2026-12-07T08:00:00Z') })) {
      expect(hashItemContent(item)).toBe(referenceContentHash(item));
    }
  });

  it('keeps the ids of a GUID, a link and a title with a lone surrogate', () => {
    const parsed = { guid: null, link: null, title: 't\ud800', published: 'x', summary: null, content: null } as unknown as Parameters<typeof computeItemId>[1];
    const id = (key: string): string => sha().update(`lab\n${key}`, 'utf8').digest('hex').slice(0, 32);
    expect(computeItemId('lab', parsed, null)).toBe(id('t\ud800\nx'));
    expect(computeItemId('lab', { ...parsed, guid: ' g\udc00 ' }, null)).toBe(id('g\udc00'));
    expect(computeItemId('lab', parsed, 'https://odd.example/a')).toBe(id('https://odd.example/a'));
  });

  it('makes no hash object per item (issue 15: one-shot hashes)', async () => {
    calls.createHash = 0;
    const feed = await processFeed({ ...CONTEXT, text: ODD.replace('<title>Odd', '<title>Odd again'), fetchedAt: '2026-12-07T08:00:00.000Z' });
    expect(feed.items).toHaveLength(2);
    expect(calls.createHash).toBe(0);
  });
});
