// Published feeds: golden files with a fixed clock, well-formed XML, escaping of hostile text,
// and the fields readers rely on (RSS 2.0, Atom 1.0 RFC 4287, JSON Feed 1.1).

import { describe, expect, it } from 'vitest';
import { isVeilleError } from '../../src/domain/errors.js';
import { renderAtom, renderJsonFeed, renderRss, toAtomId } from '../../src/publish/feeds.js';
import { ENTRIES, entry, sampleMeta } from './sample-site.js';
import { expectWellFormedXml, parseXml } from './xml-check.js';

const META = sampleMeta();

describe('golden files (fixed clock)', () => {
  it.each([
    ['feed.xml', () => renderRss(META, ENTRIES)],
    ['atom.xml', () => renderAtom(sampleMeta({ feedUrl: 'https://veille.example.org/atom.xml' }), ENTRIES)],
    ['feed.json', () => renderJsonFeed(sampleMeta({ feedUrl: 'https://veille.example.org/feed.json' }), ENTRIES)],
  ])('%s', async (name, render) => {
    await expect(render()).toMatchFileSnapshot(`__snapshots__/${name}`);
  });
});

describe('RSS 2.0', () => {
  const doc = parseXml(renderRss(META, ENTRIES));
  const channel = doc.rss.channel;
  const items = channel.item;

  it('is well-formed', () => expectWellFormedXml(renderRss(META, ENTRIES)));

  it('describes the channel', () => {
    expect(doc.rss['@version']).toBe('2.0');
    expect(channel.title).toBe('Veille IA');
    expect(channel.link).toEqual(['https://veille.example.org/']);
    expect(channel.language).toBe('fr');
    expect(channel.lastBuildDate).toBe('Sat, 05 Apr 2025 10:00:00 GMT');
    expect(channel.generator).toBe('veille 0.1.0');
    // RSS Best Practices: a self link through the Atom namespace.
    expect(channel['atom:link']).toMatchObject({ '@href': META.feedUrl, '@rel': 'self', '@type': 'application/rss+xml' });
  });

  it('keeps the order given', () => {
    expect(items.map((item: { guid: { '#text': string } }) => item.guid['#text'])).toEqual(ENTRIES.map((e) => e.guid));
  });

  it('writes every field of an item', () => {
    const item = items[1];
    expect(item.title).toBe(ENTRIES[1]?.title);
    expect(item.link[0]).toBe('https://aihub.org/2025/04/03/aaai-workshops/');
    expect(item.guid).toEqual({ '#text': 'urn:veille:item:aihub-aaai', '@isPermaLink': 'false' });
    expect(item.pubDate).toBe('Thu, 03 Apr 2025 14:00:00 GMT');
    expect(item['dc:creator']).toBe('Lucy Smith');
    expect(item.source).toEqual({ '#text': 'AIhub', '@url': 'https://aihub.org/feed/' });
    expect(item.category).toEqual(['Open source', 'Apprentissage fédéré', 'Événements et conférences']);
    expect(item['content:encoded']).toBe(ENTRIES[1]?.contentHtml);
  });

  it('leaves dc:creator out when the author is unknown', () => {
    expect(items[0]['dc:creator']).toBeUndefined();
  });

  it('gives the summary as HTML-escaped text, so readers show it literally', () => {
    const xml = renderRss(META, [entry({ guid: 'g', title: 't', summary: 'a <b> & c' })]);
    expect(parseXml(xml).rss.channel.item[0].description).toBe('a &lt;b&gt; &amp; c');
  });

  it('falls back to the content HTML when there is no summary', () => {
    const xml = renderRss(META, [entry({ guid: 'g', title: 't', summary: '', contentHtml: '<p>x</p>' })]);
    expect(parseXml(xml).rss.channel.item[0].description).toBe('<p>x</p>');
  });

  it('is valid with no entries', () => {
    const xml = renderRss(META, []);
    expectWellFormedXml(xml);
    expect(parseXml(xml).rss.channel.item).toBeUndefined();
  });
});

describe('Atom 1.0', () => {
  const meta = sampleMeta({ feedUrl: 'https://veille.example.org/atom.xml' });
  const xml = renderAtom(meta, ENTRIES);
  const feed = parseXml(xml).feed;

  it('is well-formed', () => expectWellFormedXml(xml));

  it('describes the feed (RFC 4287 §4.1.1)', () => {
    expect(feed['@xmlns']).toBe('http://www.w3.org/2005/Atom');
    expect(feed['@xml:lang']).toBe('fr');
    expect(feed.id).toBe('https://veille.example.org/atom.xml');
    expect(feed.updated).toBe('2025-04-05T10:00:00Z');
    expect(feed.link).toEqual([
      { '@rel': 'self', '@type': 'application/atom+xml', '@href': 'https://veille.example.org/atom.xml' },
      { '@rel': 'alternate', '@type': 'text/html', '@href': 'https://veille.example.org/' },
    ]);
  });

  it('writes every field of an entry', () => {
    const e = feed.entry[1];
    expect(e['@xml:lang']).toBe('en');
    expect(e.id).toBe('urn:veille:item:aihub-aaai');
    expect(e.title).toEqual({ '#text': ENTRIES[1]?.title, '@type': 'text' });
    expect(e.published).toBe('2025-04-03T14:00:00Z');
    expect(e.updated).toBe('2025-04-03T14:00:00Z');
    expect(e.link).toEqual([{ '@rel': 'alternate', '@type': 'text/html', '@href': 'https://aihub.org/2025/04/03/aaai-workshops/' }]);
    expect(e.author.name).toBe('Lucy Smith');
    expect(e.summary['@type']).toBe('text');
    expect(e.content).toEqual({ '#text': ENTRIES[1]?.contentHtml, '@type': 'html' });
    expect(e.category).toEqual([
      { '@term': 'open-source', '@label': 'Open source' },
      { '@term': 'federated-learning', '@label': 'Apprentissage fédéré' },
      { '@term': 'events', '@label': 'Événements et conférences' },
    ]);
    expect(e.source.title['#text']).toBe('AIhub');
    expect(e.source.link[0]).toEqual({ '@rel': 'self', '@href': 'https://aihub.org/feed/' });
  });

  it('names the source as author when the entry has none (RFC 4287 §4.1.2)', () => {
    expect(feed.entry[0].author.name).toBe('Le blog de l’IA ouverte');
  });

  it('leaves xml:lang out when the language is unknown', () => {
    const doc = parseXml(renderAtom(meta, [entry({ guid: 'g', title: 't', language: null })]));
    expect(doc.feed.entry[0]['@xml:lang']).toBeUndefined();
  });

  it.each([
    ['an IRI is kept', 'urn:veille:item:abc', 'urn:veille:item:abc'],
    ['an http URL is kept', 'https://a.example/p?id=1', 'https://a.example/p?id=1'],
    ['a bare hash gets a URN prefix', '3f2a9c', 'urn:veille:3f2a9c'],
    ['spaces are encoded', 'a b', 'urn:veille:a%20b'],
  ])('entry id: %s (RFC 4287 §4.2.6)', (_name, guid, id) => {
    expect(toAtomId(guid)).toBe(id);
  });
});

describe('JSON Feed 1.1', () => {
  const feed = JSON.parse(renderJsonFeed(sampleMeta({ feedUrl: 'https://veille.example.org/feed.json' }), ENTRIES));

  it('describes the feed', () => {
    expect(feed).toMatchObject({
      version: 'https://jsonfeed.org/version/1.1',
      title: 'Veille IA',
      home_page_url: 'https://veille.example.org/',
      feed_url: 'https://veille.example.org/feed.json',
      language: 'fr',
    });
  });

  it('writes every field of an item', () => {
    expect(feed.items[1]).toEqual({
      id: 'urn:veille:item:aihub-aaai',
      url: 'https://aihub.org/2025/04/03/aaai-workshops/',
      title: ENTRIES[1]?.title,
      summary: ENTRIES[1]?.summary,
      content_html: ENTRIES[1]?.contentHtml,
      image: 'https://aihub.org/wp-content/uploads/aaai.png',
      date_published: '2025-04-03T14:00:00Z',
      date_modified: '2025-04-03T14:00:00Z',
      authors: [{ name: 'Lucy Smith' }],
      tags: ['Open source', 'Apprentissage fédéré', 'Événements et conférences'],
      language: 'en',
      _veille: { source: { name: 'AIhub', url: 'https://aihub.org/feed/' }, themes: ['open-source', 'federated-learning', 'events'] },
    });
  });

  it('uses content_text when there is no HTML (every item needs one of them)', () => {
    expect(feed.items[2].content_html).toBeUndefined();
    expect(feed.items[2].content_text).toBe(ENTRIES[2]?.summary);
  });
});

describe('hostile text', () => {
  /** name, text, as read back; RSS text elements differ only where a `<` opens a tag (rssPlainText). */
  const cases: Array<[string, string, string]> = [
    ['a script tag', '<script>alert("x")</script> titre', '<script>alert("x")</script> titre'],
    ['a CDATA end', 'a ]]> b', 'a ]]> b'],
    ['control characters', 'a\u0000b\u0001c\u0008d\u000Be\u000Cf\u001Fg\u007Fh', 'abcdefgh'],
    ['non-characters and a lone surrogate', 'a\uFFFEb\uFFFFc\uD800d', 'abcd'],
    ['entities already escaped', 'AT&amp;T &lt;b&gt;', 'AT&amp;T &lt;b&gt;'],
    ['quotes and apostrophes', `l'"IA"`, `l'"IA"`],
    ['emoji (astral plane)', 'IA 🤖 ouverte', 'IA 🤖 ouverte'],
  ];
  const hostile = (title: string) =>
    entry({
      guid: 'urn:veille:item:hostile',
      title,
      summary: title,
      contentHtml: `<p>${title}</p>`,
      author: title,
      source: { name: title, url: 'https://x.example/feed?a=1&b="2"', siteUrl: null },
      themes: [{ id: 'security', label: title, definition: null }],
    });

  it.each(cases)('RSS: %s', (_name, title, expected) => {
    const xml = renderRss(META, [hostile(title)]);
    expectWellFormedXml(xml);
    const item = parseXml(xml).rss.channel.item[0];
    // RSS does not say whether <title> is text or HTML: a `<` that opens a tag is ‹ (issue 13, finding 9).
    const rssExpected = expected.replaceAll('<s', '‹s').replaceAll('</', '‹/');
    expect(String(item.title)).toBe(rssExpected);
    expect(String(item['dc:creator'])).toBe(rssExpected);
    expect(String(item.category[0])).toBe(rssExpected);
    expect(item.source['@url']).toBe('https://x.example/feed?a=1&b="2"');
  });

  it.each(cases)('Atom: %s', (_name, title, expected) => {
    const xml = renderAtom(META, [hostile(title)]);
    expectWellFormedXml(xml);
    const e = parseXml(xml).feed.entry[0];
    expect(String(e.title['#text'])).toBe(expected);
    expect(e.category[0]['@label']).toBe(expected);
  });

  it.each(cases)('JSON Feed: %s', (_name, title, expected) => {
    const item = JSON.parse(renderJsonFeed(META, [hostile(title)])).items[0];
    expect(item.title).toBe(expected);
    expect(item.tags).toEqual([expected]);
  });
});

describe('invalid dates', () => {
  it.each([
    ['RSS', renderRss],
    ['Atom', renderAtom],
    ['JSON Feed', renderJsonFeed],
  ])('%s: an entry with an unreadable date is a PUBLISH_FAILED error', (_name, render) => {
    const bad = entry({ guid: 'bad', title: 't', publishedAt: 'yesterday' });
    try {
      render(META, [bad]);
      expect.unreachable();
    } catch (error) {
      expect(isVeilleError(error, 'PUBLISH_FAILED')).toBe(true);
      expect((error as Error).message).toBe('publish: entry bad: invalid date "yesterday"');
    }
  });
});
