// Bugs found while proving issue 7 ("Hostile input: nothing breaks and nothing leaks"), one test each.

import { describe, expect, it } from 'vitest';
import { normalizeSourceInfo } from '../../src/clean/normalize.js';
import type { FeedEntry, FeedMeta } from '../../src/domain/types.js';
import { parseFeed } from '../../src/parse/parse-feed.js';
import { renderAtom, renderJsonFeed, renderRss } from '../../src/publish/feeds.js';
import { renderOpml } from '../../src/publish/opml.js';
import { webUrlOrNull } from '../../src/domain/web-url.js';

const META: FeedMeta = {
  title: 'Veille IA',
  description: 'd',
  siteUrl: 'https://veille.example.org/',
  feedUrl: 'https://veille.example.org/atom.xml',
  language: 'fr',
  updatedAt: '2025-04-07T06:00:00Z',
  generator: 'veille test',
};

function entry(overrides: Partial<FeedEntry>): FeedEntry {
  return {
    guid: 'urn:veille:item:1',
    title: 't',
    link: 'https://ex.org/1',
    summary: '',
    contentHtml: '<p>c</p>',
    author: null,
    publishedAt: '2025-04-01T08:00:00Z',
    updatedAt: '2025-04-01T08:00:00Z',
    language: 'en',
    source: { name: 's', url: 'https://ex.org/feed', siteUrl: 'https://ex.org/' },
    themes: [],
    imageUrl: null,
    ...overrides,
  };
}

describe('a source feed’s <link> is published only when it is a web URL', () => {
  // The worker stores the feed's <link> as the source's site URL as found; Atom <source> and the
  // OPML export published it as an href, so `javascript:` reached readers.
  it.each(['javascript:alert(1)', ' jav\tascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:x', '/relative'])(
    'site URL %j is left out of Atom <source> and OPML htmlUrl',
    (siteUrl) => {
      const atom = renderAtom(META, [entry({ source: { name: 's', url: 'https://ex.org/feed', siteUrl } })]);
      expect(atom).not.toContain('rel="alternate" type="text/html" href="' + siteUrl);
      expect(atom).toContain('<link rel="self" href="https://ex.org/feed"/>');
      const opml = renderOpml('t', [{ url: 'https://ex.org/feed', name: 's', lang: null, siteUrl, category: null }], new Date(0));
      expect(opml).not.toContain('htmlUrl');
    },
  );

  it('item links and images that are not web URLs are left out of every feed format', () => {
    const hostile = entry({ link: 'javascript:alert(1)', imageUrl: 'javascript:alert(2)' });
    for (const text of [renderRss(META, [hostile]), renderAtom(META, [hostile]), renderJsonFeed(META, [hostile])]) {
      expect(text).not.toContain('javascript:');
    }
  });

  it('webUrlOrNull keeps http(s) URLs exactly as written', () => {
    expect(webUrlOrNull('https://a.example/?a=<b>')).toBe('https://a.example/?a=<b>');
    expect(webUrlOrNull('HTTP://A.example')).toBe('HTTP://A.example');
    expect(webUrlOrNull('mailto:a@b.c')).toBeNull();
    expect(webUrlOrNull(null)).toBeNull();
  });

  it('normalizeSourceInfo gives the worker a plain-text name and a web site URL', () => {
    expect(normalizeSourceInfo({ title: 'A &lt;b&gt; B <script>x</script>', link: 'javascript:alert(1)', base: null }, 'https://ex.org/feed')).toEqual({
      title: 'A <b> B',
      siteUrl: null,
    });
    expect(normalizeSourceInfo({ title: null, link: '/', base: null }, 'https://ex.org/feed')).toEqual({ title: null, siteUrl: 'https://ex.org/' });
  });
});

describe('parseFeed', () => {
  const parse = (text: string) => parseFeed(text, { contentType: null, url: 'https://feeds.example/feed' });

  // feedparser illformed/always_strip_doctype: an XHTML DOCTYPE pasted in front of <rss>.
  it('an (X)HTML DOCTYPE in front of an <rss> root is skipped, the feed is read', async () => {
    const feed = await parse(
      '<?xml version="1.0"?><!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://site.invalid/">\n<rss><channel><title>found</title></channel></rss>',
    );
    expect(feed.title).toBe('found');
  });

  it.each([
    ['<!DOCTYPE html><html><body>x</body></html>'],
    ['<!DOCTYPE html>'],
    ['<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "x"><!-- c --><HTML/>'],
  ])('a web page is still not a feed: %s', async (text) => {
    await expect(parse(text)).rejects.toMatchObject({ code: 'FETCH_NOT_A_FEED' });
  });

  // feedparser wellformed/atom10/entry_content_base64, atom/entry_title_base64: RFC 4287 §4.1.3.3.
  it.each([
    [
      'Atom 1.0 content of a binary MIME type',
      '<content type="application/octet-stream">\n  RXhhbXBsZSA8Yj5BdG9tPC9iPg==\n</content>',
      'content',
      'Example <b>Atom</b>',
    ],
    ['Atom 0.3 mode="base64" title', '<title mode="base64">RXhhbXBsZSA8Yj5BdG9tPC9iPg==</title>', 'title', 'Example <b>Atom</b>'],
    ['base64 plain text is escaped', '<title type="text/plain" mode="base64">YSA8IGI=</title>', 'title', 'a &lt; b'],
    ['not base64 after all: kept as text', '<title mode="base64">not base64!</title>', 'title', 'not base64!'],
  ])('%s is decoded', async (_name, element, field, expected) => {
    const feed = await parse(`<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>1</id>${element}</entry></feed>`);
    const item = feed.items[0];
    expect(field === 'content' ? item?.content : item?.title).toBe(expected);
  });
});
