// Item fields from common RSS modules when the core element is missing: Dublin Core and DCMI terms,
// iTunes podcasts, Media RSS. Cases from feedparser's suite (BSD-2-Clause, tests/fixtures/feeds/feedparser)
// and written for veille.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ParsedItem } from '../../src/domain/types.js';
import { parseFeed } from '../../src/parse/parse-feed.js';

function feedparserFixture(name: string): string {
  return readFileSync(new URL(`../fixtures/feeds/feedparser/${name}`, import.meta.url), 'utf8');
}

async function firstItem(feed: string): Promise<ParsedItem | undefined> {
  const parsed = await parseFeed(feed, { contentType: null, url: 'https://feeds.example/feed' });
  return parsed.items[0];
}

const MEDIA = 'xmlns:media="http://search.yahoo.com/mrss/"';

describe('fallback fields from RSS modules', () => {
  it.each([
    { name: 'dc:description is the summary', feed: feedparserFixture('rss-item_dc_description.xml'), field: 'summary', value: 'Example description' },
    { name: 'itunes:summary is the summary', feed: feedparserFixture('itunes-itunes_item_summary.xml'), field: 'summary', value: 'Example summary' },
    { name: 'itunes:author is the author', feed: feedparserFixture('itunes-itunes_item_author_map_author.xml'), field: 'author', value: 'Mark Pilgrim' },
    // DCMI terms `issued` (https://www.dublincore.org/specifications/dublin-core/dcmi-terms/#issued).
    { name: 'dcterms:issued is the publication date', feed: feedparserFixture('rss-item_dcterms_issued.xml'), field: 'published', value: '2003-12-31T10:14:55Z' },
    { name: 'media:title is the title', feed: feedparserFixture('media-rss-item_media_title1.xml'), field: 'title', value: 'bar' },
    { name: 'media:description inside media:group is the summary (Atom 0.3)', feed: feedparserFixture('media-rss-media_group.xml'), field: 'summary', value: 'Test Description' },
    {
      name: 'YouTube-style Atom entry: the summary from media:group',
      feed: `<feed xmlns="http://www.w3.org/2005/Atom" ${MEDIA}><entry><id>yt:video:1</id><title>T</title><media:group><media:title>T</media:title><media:description>Federated learning, explained</media:description></media:group></entry></feed>`,
      field: 'summary',
      value: 'Federated learning, explained',
    },
    // Media RSS: type="plain" is the default; only type="html" is markup.
    {
      name: 'plain media:description is escaped',
      feed: `<rss version="2.0" ${MEDIA}><channel><item><media:description>a &lt;b&gt; c</media:description></item></channel></rss>`,
      field: 'summary',
      value: 'a &lt;b&gt; c',
    },
    {
      name: 'html media:description is kept as markup',
      feed: `<rss version="2.0" ${MEDIA}><channel><item><media:description type="html">a &lt;b&gt;c&lt;/b&gt;</media:description></item></channel></rss>`,
      field: 'summary',
      value: 'a <b>c</b>',
    },
    {
      name: 'the core element wins over the module one',
      feed: '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><item><description>core</description><dc:description>module</dc:description></item></channel></rss>',
      field: 'summary',
      value: 'core',
    },
  ] as const)('$name', async ({ feed, field, value }) => {
    expect((await firstItem(feed))?.[field]).toBe(value);
  });
});

describe('categories from RSS modules', () => {
  it.each([
    { name: 'nested itunes:category (names are attributes)', feed: feedparserFixture('itunes-itunes_item_category_nested.xml'), categories: ['Technology', 'Gadgets'] },
    { name: 'several media:category', feed: feedparserFixture('media-rss-item_media_category_multiple.xml'), categories: ['cat1', 'cat2'] },
    {
      name: 'RSS category first, then the modules',
      feed: `<rss version="2.0" ${MEDIA}><channel><item><media:category scheme="urn:x">IA</media:category><category>Open source</category></item></channel></rss>`,
      categories: ['Open source', 'IA'],
    },
  ])('$name', async ({ feed, categories }) => {
    expect((await firstItem(feed))?.categories).toEqual(categories);
  });
});
