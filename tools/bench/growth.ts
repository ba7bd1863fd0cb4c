// The growth checks of issue 13: each stage's real entry point on inputs built from a pathological
// shape, at a size n and 8n. Linear stages take about 8 times as long on the larger input; a
// quadratic one 64 times. Run by tests/stress/growth.test.ts, one cell per worker thread
// (growth-cell.ts), so that a stage that never ends can be stopped.

import { normalizeFeedItems } from '../../src/clean/normalize.js';
import { sanitizeContent, sanitizeHtml } from '../../src/clean/sanitize.js';
import { htmlToText, summarize } from '../../src/clean/text.js';
import { groupItems } from '../../src/cluster/group-stories.js';
import type { ClusterItem } from '../../src/domain/story.js';
import { siteLocale } from '../../src/domain/site-locale.js';
import type { FeedEntry, FeedMeta, ParsedFeed, ThemeInfo } from '../../src/domain/types.js';
import { decodeFeedBytes } from '../../src/fetch/charset.js';
import { discoverFeedLinks } from '../../src/fetch/discover.js';
import { languageSample, settleLanguage } from '../../src/language/item-language.js';
import { parseFeed } from '../../src/parse/parse-feed.js';
import { renderAtom, renderJsonFeed, renderRss } from '../../src/publish/feeds.js';
import { parseOpml, renderOpml } from '../../src/publish/opml.js';
import { renderIndexPage } from '../../src/publish/pages.js';
import { createTagger } from '../../src/tag/tagger.js';
import { loadTaxonomy } from '../../src/tag/taxonomy.js';
import { THEMES_FILE } from '../repo-paths.js';

/** A pathological input, written in each stage's own format. */
export interface Shape {
  readonly name: string;
  /** Markup or text of about `size` characters: an item's content or title, a page's head. */
  fragment(size: number): string;
  /** How the fragment sits in a feed's `<description>`: as it is (XML markup) or in a CDATA section. */
  readonly inFeed: 'raw' | 'cdata';
  /** An OPML `<body>` holding the shape; by default one outline whose title is the fragment. */
  opmlBody?(size: number): string;
  /** A web page holding the shape, for discovery; by default the fragment in the page's head. */
  page?(size: number): string;
}

function repeat(unit: string, size: number): string {
  return unit.repeat(Math.max(1, Math.floor(size / unit.length)));
}

/** `count(size)` numbered copies of a unit, `render(i)`, joined. */
function numbered(size: number, unitSize: number, render: (index: number) => string): string {
  const parts: string[] = [];
  for (let index = 0; index < Math.max(1, Math.floor(size / unitSize)); index += 1) parts.push(render(index));
  return parts.join('');
}

const FEED_OUTLINE = '<outline type="rss" text="f" xmlUrl="https://example.org/feed.xml"/>';

/** The shapes of issue 13, and two more that break line and word handling. */
export const SHAPES: readonly Shape[] = [
  { name: 'unclosed <', fragment: (size) => repeat('<', size), inFeed: 'cdata' },
  { name: 'unclosed <!--', fragment: (size) => repeat('<!--', size), inFeed: 'cdata' },
  { name: 'bare &', fragment: (size) => repeat('&', size), inFeed: 'raw' },
  { name: 'unclosed <![CDATA[', fragment: (size) => repeat('<![CDATA[', size), inFeed: 'cdata' },
  {
    name: 'deep nesting',
    fragment: (size) => `${repeat('<div>', size / 2)}x${repeat('</div>', (size / 2) * 1.2)}`,
    inFeed: 'raw',
    opmlBody: (size) => `${repeat('<outline text="d">', size / 2)}${FEED_OUTLINE}${repeat('</outline>', (size / 2) * (10 / 18))}`,
  },
  {
    name: 'long names',
    fragment: (size) => `<${repeat('a', size / 2)}>x</${repeat('a', size / 2)}>`,
    inFeed: 'raw',
    opmlBody: (size) => `<${repeat('a', size / 2)}>${FEED_OUTLINE}</${repeat('a', size / 2)}>`,
  },
  {
    name: 'many attributes',
    fragment: (size) => `<p${numbered(size, 12, (i) => ` a${i}="x"`)}>x</p>`,
    inFeed: 'raw',
    opmlBody: (size) => `<outline type="rss" text="f" xmlUrl="https://example.org/feed.xml"${numbered(size, 12, (i) => ` a${i}="x"`)}/>`,
  },
  { name: 'run of one letter', fragment: (size) => repeat('a', size), inFeed: 'raw' },
  { name: 'run of spaces', fragment: (size) => `a${repeat(' ', size)}b`, inFeed: 'raw' },
  {
    name: 'many links',
    fragment: (size) => numbered(size, 48, (i) => `<a href="https://example.org/p/${i}">lien</a> `),
    inFeed: 'cdata',
    opmlBody: (size) => numbered(size, 72, (i) => `<outline type="rss" text="f${i}" xmlUrl="https://example.org/feed/${i}"/>`),
    page: (size) =>
      `<html><head>${numbered(size, 72, (i) => `<link rel="alternate" type="application/rss+xml" href="/feed/${i}">`)}</head></html>`,
  },
  { name: 'repeated words', fragment: (size) => repeat('Open source models and federated learning for privacy. ', size), inFeed: 'raw' },
];

/** A stage's input for one shape and size, built before timing; `run` is what is timed. */
export interface PreparedRun {
  run(): unknown;
}

export interface Stage {
  readonly name: string;
  /** n, in characters of the shape's fragment, so that one call takes a few milliseconds at least. */
  readonly size: number;
  prepare(shape: Shape, size: number): PreparedRun;
}

const BASE = 'https://example.org/';


function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** An RSS 2.0 feed with one item whose description holds the shape. */
export function feedOf(shape: Shape, size: number): string {
  const fragment = shape.fragment(size);
  const description = shape.inFeed === 'raw' ? fragment : `<![CDATA[${fragment.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<rss version="2.0"><channel><title>Growth</title><link>https://example.org/</link><description>d</description>',
    `<item><title>Item</title><link>https://example.org/item</link><guid>g1</guid><description>${description}</description></item>`,
    '</channel></rss>',
  ].join('\n');
}

function opmlOf(shape: Shape, size: number): string {
  const body = shape.opmlBody?.(size) ?? `<outline type="rss" text="${escapeXml(shape.fragment(size))}" xmlUrl="https://example.org/feed.xml"/>`;
  return `<?xml version="1.0"?>\n<opml version="2.0"><head><title>Growth</title></head><body>${body}</body></opml>`;
}

function pageOf(shape: Shape, size: number): string {
  return shape.page?.(size) ?? `<!doctype html><html><head><title>t</title>${shape.fragment(size)}</head><body></body></html>`;
}

function parsedFeedOf(fragment: string): ParsedFeed {
  return {
    format: 'rss',
    title: fragment,
    link: BASE,
    description: fragment,
    language: 'en',
    base: null,
    ttlMinutes: null,
    updatePeriodMinutes: null,
    skipHours: [],
    skipDays: [],
    items: [
      {
        guid: 'g1',
        link: `${BASE}item`,
        title: fragment,
        summary: fragment,
        content: fragment,
        author: fragment,
        published: fragment,
        updated: null,
        categories: [fragment],
        language: null,
        base: null,
      },
    ],
  };
}

/** Items of about 64 characters of the fragment each; with links, all share one story page. */
function clusterItemsOf(shape: Shape, size: number): ClusterItem[] {
  const fragment = shape.fragment(size);
  const sharesLinks = shape.name === 'many links';
  const items: ClusterItem[] = [];
  for (let i = 0; i * 64 < fragment.length; i += 1) {
    const chunk = fragment.slice(i * 64, (i + 1) * 64);
    items.push({
      id: `item-${i}`,
      sourceId: i % 4,
      link: sharesLinks ? `${BASE}story` : `${BASE}item/${i}`,
      links: sharesLinks ? [`${BASE}story`, `${BASE}other/${i % 8}`] : [],
      title: chunk,
      summary: chunk,
      language: i % 2 === 0 ? 'en' : 'fr',
      publishedAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
      storyId: null,
    });
  }
  return items;
}

const THEMES: readonly ThemeInfo[] = [{ id: 'privacy', label: 'Confidentialité', definition: null }];

function entryOf(fragment: string): FeedEntry {
  return {
    guid: 'urn:veille:item:g1',
    title: fragment,
    link: `${BASE}item`,
    summary: fragment,
    contentHtml: sanitizeHtml(fragment, BASE),
    author: fragment,
    publishedAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    language: 'en',
    source: { name: fragment, url: `${BASE}feed.xml`, siteUrl: BASE },
    themes: THEMES,
    imageUrl: null,
  };
}

const META: FeedMeta = {
  title: 'Veille IA',
  description: 'Growth',
  siteUrl: BASE,
  feedUrl: `${BASE}feed.xml`,
  language: 'fr',
  updatedAt: '2026-01-01T00:00:00Z',
  generator: 'veille growth',
};

/** Each stage's entry point, as the pipeline (or the CLI, for OPML and discovery) calls it. */
export const STAGES: readonly Stage[] = [
  {
    name: 'fetch decode',
    size: 256 * 1024,
    prepare(shape, size) {
      // No charset anywhere and a windows-1252 byte at the end: every rule is tried, then both decoders.
      const bytes = new Uint8Array([...Buffer.from(shape.fragment(size), 'utf8'), 0x92]);
      return { run: () => decodeFeedBytes(bytes, null) };
    },
  },
  {
    name: 'parse',
    size: 16 * 1024,
    prepare(shape, size) {
      const text = feedOf(shape, size);
      return { run: () => parseFeed(text, { contentType: 'application/rss+xml', url: `${BASE}feed.xml` }).catch(() => null) };
    },
  },
  {
    name: 'normalize',
    size: 32 * 1024,
    prepare(shape, size) {
      const feed = parsedFeedOf(shape.fragment(size));
      const context = { sourceKey: `${BASE}feed.xml`, baseUrl: `${BASE}feed.xml`, sourceLang: 'en', fetchedAt: new Date('2026-01-02T00:00:00Z') };
      return { run: () => normalizeFeedItems(feed, context) };
    },
  },
  {
    name: 'sanitize',
    size: 64 * 1024,
    prepare(shape, size) {
      const html = shape.fragment(size);
      return { run: () => sanitizeContent(html, BASE) };
    },
  },
  {
    name: 'text',
    size: 64 * 1024,
    prepare(shape, size) {
      const html = shape.fragment(size);
      return { run: () => summarize(htmlToText(html)) };
    },
  },
  {
    name: 'language',
    size: 256 * 1024,
    prepare(shape, size) {
      const text = shape.fragment(size);
      return { run: () => settleLanguage('en', languageSample(text, text, text), ['fr', 'en']) };
    },
  },
  {
    name: 'tag',
    size: 32 * 1024,
    prepare(shape, size) {
      const tagger = createTagger(loadTaxonomy(THEMES_FILE));
      const text = shape.fragment(size);
      return { run: () => tagger.tag({ title: text, summary: text, content: text, categories: [text], language: 'en' }) };
    },
  },
  {
    name: 'cluster',
    size: 64 * 1024,
    prepare(shape, size) {
      const items = clusterItemsOf(shape, size);
      return { run: () => groupItems([], items) };
    },
  },
  {
    name: 'publish',
    size: 64 * 1024,
    prepare(shape, size) {
      const fragment = shape.fragment(size);
      const entries = [entryOf(fragment)];
      const sources = [{ url: `${BASE}feed.xml`, name: fragment, lang: 'en', siteUrl: BASE, category: fragment }];
      const built = new Date('2026-01-02T00:00:00Z');
      return {
        run: () => [
          renderRss(META, entries),
          renderAtom(META, entries),
          renderJsonFeed(META, entries),
          renderIndexPage({ meta: { ...META, siteTitle: 'Veille IA' }, themes: THEMES, builtAt: built, locale: siteLocale('fr', 'Europe/Paris') }, entries),
          renderOpml('Veille IA', sources, built),
        ],
      };
    },
  },
  {
    name: 'discovery',
    size: 64 * 1024,
    prepare(shape, size) {
      const page = pageOf(shape, size);
      return { run: () => discoverFeedLinks(page, BASE) };
    },
  },
  {
    name: 'OPML import',
    size: 64 * 1024,
    prepare(shape, size) {
      const text = opmlOf(shape, size);
      return {
        run: () => {
          try {
            return parseOpml(text, 'growth.opml');
          } catch {
            return null;
          }
        },
      };
    },
  },
];
