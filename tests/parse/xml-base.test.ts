// XML Base (https://www.w3.org/TR/xmlbase/; RFC 4287 §2 makes it part of Atom): an xml:base in scope
// is the base of an item's relative links and content; nested ones resolve against the one above,
// the outermost against the document's URL. Without one, veille's own rule stands (content relative
// to the item's page). Content-Location is not a base (RFC 7231 Appendix B dropped that use).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeFeed, normalizeSourceInfo } from '../../src/clean/normalize.js';
import { parseFeed } from '../../src/parse/parse-feed.js';

const DOCUMENT = 'https://feeds.example/blog/atom.xml';

function feedparserFixture(name: string): string {
  return readFileSync(new URL(`../fixtures/feeds/feedparser/${name}`, import.meta.url), 'utf8');
}

const ATOM = 'xmlns="http://www.w3.org/2005/Atom"';

describe('xml:base in scope', () => {
  it.each([
    {
      name: 'on the RSS root (feedparser base/rel_uri_with_unicode_character)',
      feed: feedparserFixture('base-rel_uri_with_unicode_character.xml'),
      feedBase: 'http://any.test/',
      itemBase: 'http://any.test/',
    },
    {
      name: 'relative on the feed and the entry: resolved in turn against the document URL',
      feed: `<feed ${ATOM} xml:base="archives/"><entry xml:base="2025/"><id>1</id></entry></feed>`,
      feedBase: 'https://feeds.example/blog/archives/',
      itemBase: 'https://feeds.example/blog/archives/2025/',
    },
    {
      name: 'on the entry only',
      feed: `<feed ${ATOM}><entry xml:base="http://example.com/"><id>1</id></entry></feed>`,
      feedBase: null,
      itemBase: 'http://example.com/',
    },
    {
      name: 'a javascript: base is ignored (feedparser base/unsafe_base)',
      feed: `<feed ${ATOM} xml:base="javascript:alert(1)"><entry><id>1</id></entry></feed>`,
      feedBase: null,
      itemBase: null,
    },
    { name: 'none declared', feed: `<feed ${ATOM}><entry><id>1</id></entry></feed>`, feedBase: null, itemBase: null },
  ])('$name', async ({ feed, feedBase, itemBase }) => {
    const parsed = await parseFeed(feed, { contentType: null, url: DOCUMENT });
    expect(parsed.base).toBe(feedBase);
    expect(parsed.items[0]?.base).toBe(itemBase);
  });
});

describe('links and content resolved against xml:base', () => {
  const context = { sourceKey: DOCUMENT, baseUrl: DOCUMENT, sourceLang: null, fetchedAt: new Date('2026-01-01T00:00:00Z') };

  it.each([
    {
      name: 'item link and content under an entry xml:base',
      feed: `<feed ${ATOM}><entry xml:base="https://blog.example/2025/"><id>1</id><link href="billet"/><content type="html">&lt;a href="../autre"&gt;x&lt;/a&gt;</content></entry></feed>`,
      link: 'https://blog.example/2025/billet',
      href: 'https://blog.example/autre',
    },
    {
      name: 'without xml:base, content is relative to the item page (veille’s rule, unchanged)',
      feed: `<feed ${ATOM}><entry><id>1</id><link href="https://blog.example/2025/billet"/><content type="html">&lt;a href="autre"&gt;x&lt;/a&gt;</content></entry></feed>`,
      link: 'https://blog.example/2025/billet',
      href: 'https://blog.example/2025/autre',
    },
  ])('$name', async ({ feed, link, href }) => {
    const [item] = normalizeFeed(await parseFeed(feed, { contentType: null, url: DOCUMENT }), context);
    expect(item?.link).toBe(link);
    expect(item?.contentHtml).toContain(`href="${href}"`);
  });

  it('the feed link (the source site) under the feed xml:base', async () => {
    const parsed = await parseFeed(`<feed ${ATOM} xml:base="https://blog.example/fr/"><link href="./"/></feed>`, { contentType: null, url: DOCUMENT });
    expect(normalizeSourceInfo(parsed, DOCUMENT).siteUrl).toBe('https://blog.example/fr/');
  });
});
