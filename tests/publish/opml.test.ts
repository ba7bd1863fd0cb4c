// OPML 2.0 (http://opml.org/spec2.opml): lossless round trip, import of real readers' exports,
// and clear OPML_INVALID errors.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isVeilleError } from '../../src/domain/errors.js';
import { parseOpml, renderOpml, type OpmlSource } from '../../src/publish/opml.js';
import { expectWellFormedXml } from './xml-check.js';

const NOW = new Date('2025-04-07T06:00:00Z');

function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/opml/${name}`, import.meta.url), 'utf8');
}

function source(overrides: Partial<OpmlSource> & Pick<OpmlSource, 'url'>): OpmlSource {
  return { name: null, lang: null, siteUrl: null, category: null, ...overrides };
}

describe('round trip', () => {
  it.each<[string, OpmlSource[]]>([
    ['no sources', []],
    ['every field', [source({ url: 'https://aihub.org/feed/', name: 'AIhub', lang: 'en', siteUrl: 'https://aihub.org/', category: 'Recherche' })]],
    ['only the URL', [source({ url: 'https://a.example/feed' })]],
    [
      'categories interleaved, order kept',
      [
        source({ url: 'https://a.example/1', name: 'A', category: 'X' }),
        source({ url: 'https://a.example/2', name: 'B' }),
        source({ url: 'https://a.example/3', name: 'C', category: 'X' }),
        source({ url: 'https://a.example/4', name: 'D', category: 'Y' }),
        source({ url: 'https://a.example/5', name: 'E', category: 'Y' }),
      ],
    ],
    [
      'characters to escape',
      [
        source({
          url: 'https://a.example/feed?x=1&y="2"',
          name: `L'IA <ouverte> & "libre" 🤖`,
          lang: 'fr-CA',
          siteUrl: 'https://a.example/?a=<b>',
          category: 'Actualité & débats/Sous-dossier',
        }),
      ],
    ],
  ])('%s', (_name, sources) => {
    const text = renderOpml('Veille IA', sources, NOW);
    expectWellFormedXml(text);
    expect(parseOpml(text, 'sources.opml')).toEqual(sources);
  });

  it('writes an OPML 2.0 head', () => {
    const text = renderOpml('Veille & IA', [], NOW);
    expect(text).toContain('<opml version="2.0">');
    expect(text).toContain('<title>Veille &amp; IA</title>');
    expect(text).toContain('<dateCreated>Mon, 07 Apr 2025 06:00:00 GMT</dateCreated>');
  });

  it('strips control characters from names', () => {
    const text = renderOpml('t', [source({ url: 'https://a.example/', name: 'a\u0001b' })], NOW);
    expectWellFormedXml(text);
    expect(parseOpml(text, 'x.opml')[0]?.name).toBe('ab');
  });
});

describe('real OPML files', () => {
  it.each<[string, string, number, OpmlSource[]]>([
    // Feedly-style flat export with text, title, htmlUrl, language="unknown".
    [
      'feedsmith: flat list with language="unknown"',
      'feedsmith-subscriptions.opml',
      13,
      [source({ url: 'https://www.theverge.com/rss/index.xml', name: 'The Verge', siteUrl: 'https://www.theverge.com/' })],
    ],
    // Nested folders; the folder's `text` wins over its `title`.
    [
      'newsboat: nested folders',
      'newsboat-example.opml',
      7,
      [
        source({ url: 'https://example.com/feed.xml', name: 'example.com website' }),
        source({ url: 'https://example.com/mirrors/distrowatch.rss', name: 'Distrowatch mirror' }),
        source({ url: 'https://example.com/feed.atom', name: 'example.com website (Atom feed)' }),
        source({ url: 'https://example.com/feed.rss09', name: 'example.com website (RSS 0.9 feed)' }),
        source({ url: 'https://blogs.example.com/~john/posts.rss', name: "John's musings", category: 'Blogs' }),
        source({ url: 'https://blogs.example.com/~mike/.rss', name: 'Notes by Mike', category: 'Blogs/friends' }),
        source({ url: 'https://fred.example.com/writing/index.php?type=rss', name: 'Fred on everything', category: 'eloquent' }),
      ],
    ],
    ['newsboat: text-only outline and nested folders', 'newsboat-example2.opml', 7, []],
    // OPML 2.0 `category` attribute, with empty htmlUrl and title.
    [
      'newsboat: category attribute',
      'newsboat-category.opml',
      1,
      [source({ url: 'http://feeds.bbci.co.uk/news/business/rss.xml?edition=int', category: 'tag one' })],
    ],
  ])('%s', (_name, file, count, expected) => {
    const sources = parseOpml(fixture(file), file);
    expect(sources).toHaveLength(count);
    expect(sources.slice(0, expected.length)).toEqual(expected);
  });

  it('newsboat example2: a feed named only by `text`, nested three deep', () => {
    const sources = parseOpml(fixture('newsboat-example2.opml'), 'x');
    expect(sources).toContainEqual(source({ url: 'https://example.com/five.atom', name: 'another title' }));
    expect(sources).toContainEqual(
      source({ url: 'https://third.example.com/~of/internet.rss', name: 'Really?', category: 'Rant boards/humans' }),
    );
  });

  // Shapes of other readers' exports, written here (not copied).
  it.each<[string, string, OpmlSource[]]>([
    [
      'Miniflux 2 export (folders by category, title and text)',
      `<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>Miniflux</title><dateCreated>Mon, 07 Apr 2025 06:00:00 UTC</dateCreated></head>
  <body>
    <outline text="IA">
      <outline title="AIhub" text="AIhub" xmlUrl="https://aihub.org/feed/" htmlUrl="https://aihub.org/"></outline>
    </outline>
  </body>
</opml>`,
      [source({ url: 'https://aihub.org/feed/', name: 'AIhub', siteUrl: 'https://aihub.org/', category: 'IA' })],
    ],
    [
      'FreshRSS export (type, description, extra namespaced attributes)',
      `<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0" xmlns:frss="https://freshrss.org/opml">
  <head><title>FreshRSS</title></head>
  <body>
    <outline text="Sans catégorie">
      <outline text="Le Monde &#8211; Pixels" type="rss" xmlUrl="https://www.lemonde.fr/pixels/rss_full.xml?a=1&amp;b=2" htmlUrl="https://www.lemonde.fr/pixels/" description="" frss:priority="10"/>
    </outline>
  </body>
</opml>`,
      [
        source({
          url: 'https://www.lemonde.fr/pixels/rss_full.xml?a=1&b=2',
          name: 'Le Monde – Pixels',
          siteUrl: 'https://www.lemonde.fr/pixels/',
          category: 'Sans catégorie',
        }),
      ],
    ],
    [
      'OPML 1.0 without declaration, lower-case attributes',
      `<opml version="1.0"><body><outline text="X" xmlurl="https://x.example/rss" htmlurl="https://x.example/"/></body></opml>`,
      [source({ url: 'https://x.example/rss', name: 'X', siteUrl: 'https://x.example/' })],
    ],
  ])('%s', (_name, text, expected) => {
    expect(parseOpml(text, 'export.opml')).toEqual(expected);
  });

  it('never expands DTD entities (no billion laughs)', () => {
    const text = `<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY a "AAAAAAAAAA"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<opml version="2.0"><body><outline text="&b;" xmlUrl="https://x.example/rss"/></body></opml>`;
    expect(parseOpml(text, 'evil.opml')).toEqual([source({ url: 'https://x.example/rss', name: '&b;' })]);
  });

  it('refuses external entities (XXE)', () => {
    const text = `<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<opml version="2.0"><body><outline text="&x;" xmlUrl="https://x.example/rss"/></body></opml>`;
    expect(() => parseOpml(text, 'evil.opml')).toThrow(/^evil\.opml: not well-formed XML: /);
  });

  it('is tolerant: a truncated export still gives its feeds', () => {
    const text = '<opml version="2.0"><body><outline text="IA"><outline text="A" xmlUrl="https://a.example/rss"/>';
    expect(parseOpml(text, 'cut.opml')).toEqual([source({ url: 'https://a.example/rss', name: 'A', category: 'IA' })]);
  });
});

describe('invalid OPML', () => {
  it.each([
    ['newsboat: root is not <opml>', fixture('newsboat-opml-element-missing.opml'), 'bad.opml: not an OPML file (no <opml> element)'],
    ['newsboat: no <body>', fixture('newsboat-body-element-missing.opml'), 'bad.opml: no <body> element'],
    [
      'newsboat: a command instead of a URL',
      fixture('newsboat-piped.opml'),
      'bad.opml: outline "Birdsite search": xmlUrl "|~/fetch_tweets.py" is not an http(s) URL',
    ],
    ['a feed outline without xmlUrl', '<opml><body><outline type="rss" text="Lost"/></body></opml>', 'bad.opml: feed outline "Lost" has no xmlUrl'],
    ['an empty file', '', 'bad.opml: not an OPML file (no <opml> element)'],
    ['an HTML page', '<!doctype html><html><body><p>hi</p></body></html>', 'bad.opml: not an OPML file (no <opml> element)'],
  ])('%s', (_name, text, message) => {
    try {
      parseOpml(text, 'bad.opml');
      expect.unreachable();
    } catch (error) {
      expect(isVeilleError(error, 'OPML_INVALID')).toBe(true);
      expect((error as Error).message).toBe(message);
    }
  });
});
