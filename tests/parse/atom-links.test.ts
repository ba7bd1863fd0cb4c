// Atom entry links: the `alternate` one is the item's link (RFC 4287 §4.2.7.2), also when a sloppy
// feed writes the URL as the element's text instead of its href attribute.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../src/parse/parse-feed.js';

const ATOM = 'xmlns="http://www.w3.org/2005/Atom"';
const PRIORITY = readFileSync(new URL('../fixtures/feeds/feedparser/atom10-entry_link_no_href_link_priority.xml', import.meta.url), 'utf8');

describe('Atom entry link', () => {
  it.each([
    { name: 'feedparser: URL as text, alternate first', feed: PRIORITY, index: 0, link: 'http://www.example.com/alternate' },
    { name: 'feedparser: URL as text, alternate after an enclosure', feed: PRIORITY, index: 1, link: 'http://www.example.com/alternate' },
    {
      name: 'href wins over the text',
      feed: `<feed ${ATOM}><entry><id>1</id><link rel="alternate" href="https://ex.org/a">https://ex.org/text</link></entry></feed>`,
      index: 0,
      link: 'https://ex.org/a',
    },
    {
      name: 'no rel and no attributes: the text',
      feed: `<feed ${ATOM}><entry><id>1</id><link>https://ex.org/b</link></entry></feed>`,
      index: 0,
      link: 'https://ex.org/b',
    },
    { name: 'an empty link gives none', feed: `<feed ${ATOM}><entry><id>1</id><link rel="alternate"/></entry></feed>`, index: 0, link: null },
  ])('$name', async ({ feed, index, link }) => {
    const parsed = await parseFeed(feed, { contentType: null, url: 'https://feeds.example/feed' });
    expect(parsed.items[index]?.link).toBe(link);
  });
});
