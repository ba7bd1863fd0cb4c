// Test helper: one feed document through the real stages (parseFeed → normalizeFeed → every
// publish renderer) and back as the text of each published surface.

import { siteLocale } from '../../src/domain/site-locale.js';
import { normalizeFeed } from '../../src/clean/normalize.js';
import type { FeedEntry, FeedMeta, Item, ParsedFeed, ThemeInfo } from '../../src/domain/types.js';
import { parseFeed } from '../../src/parse/parse-feed.js';
import { renderAtom, renderJsonFeed, renderRss } from '../../src/publish/feeds.js';
import { renderOpml } from '../../src/publish/opml.js';
import { renderIndexPage, renderThemePage } from '../../src/publish/pages.js';
import { buildIssue } from '../../src/digest/issue.js';
import type { DigestIssue } from '../../src/domain/digest.js';
import { isoWeekOfDate, weekRange } from '../../src/digest/iso-week.js';
import { renderEmailHtml } from '../../src/digest/render-email.js';
import { renderIssuePage } from '../../src/digest/render-page.js';
import type { DigestItemRow } from '../../src/domain/digest.js';

const FR = siteLocale('fr', 'Europe/Paris');

export const FEED_URL = 'https://hostile.example/feed.xml';
export const BUILT_AT = new Date('2025-04-07T06:00:00Z');

const THEMES: readonly ThemeInfo[] = [{ id: 'security', label: 'Sécurité', definition: null }];

const META: FeedMeta & { siteTitle: string } = {
  title: 'Veille IA',
  siteTitle: 'Veille IA',
  description: 'Veille sur l’IA',
  siteUrl: 'https://veille.example.org/',
  feedUrl: 'https://veille.example.org/feed.xml',
  language: 'fr',
  updatedAt: BUILT_AT.toISOString(),
  generator: 'veille test',
};

/** How a surface's text must be read: XML feeds, JSON Feed, or an HTML page. */
export type SurfaceKind = 'rss' | 'atom' | 'json' | 'html' | 'opml' | 'email';

export interface Surface {
  readonly name: string;
  readonly kind: SurfaceKind;
  readonly text: string;
}

export interface PipelineResult {
  readonly parsed: ParsedFeed;
  readonly items: readonly Item[];
  readonly entries: readonly FeedEntry[];
  readonly surfaces: readonly Surface[];
}

/**
 * Every surface a reader sees: the feeds, the index page, the OPML, and the weekly digest as a
 * web page and as the HTML part of its email (built from the same items, as src/digest does).
 */
export function renderSurfaces(entries: readonly FeedEntry[], sourceName: string, siteUrl: string | null): Surface[] {
  const issue = digestOf(entries, sourceName, siteUrl);
  return [
    { name: 'RSS 2.0', kind: 'rss', text: renderRss(META, entries) },
    { name: 'Atom 1.0', kind: 'atom', text: renderAtom(META, entries) },
    { name: 'JSON Feed 1.1', kind: 'json', text: renderJsonFeed(META, entries) },
    { name: 'index page', kind: 'html', text: renderIndexPage({ meta: META, themes: THEMES, builtAt: BUILT_AT, locale: FR }, entries) },
    {
      name: 'theme page',
      kind: 'html',
      text: renderThemePage({ meta: META, themes: THEMES, builtAt: BUILT_AT, locale: FR }, THEMES[0] as ThemeInfo, entries),
    },
    {
      name: 'sources OPML',
      kind: 'opml',
      text: renderOpml('Veille IA', [{ url: FEED_URL, name: sourceName, lang: null, siteUrl, category: null }], BUILT_AT),
    },
    {
      name: 'digest page',
      kind: 'html',
      text: renderIssuePage(issue, { siteTitle: 'Veille IA', generator: 'veille test', locale: FR, issues: [{ week: issue.week, title: issue.title }] }),
    },
    {
      name: 'digest email (HTML part)',
      kind: 'email',
      text: renderEmailHtml(issue, {
        pageUrl: `https://veille.example.org/digests/${issue.week}.html`,
        unsubscribeUrl: 'https://veille.example.org/unsubscribe?email=lea%40example.org',
        unsubscribeMail: null,
      }, FR),
    },
  ];
}

/** The week's issue of these entries, each a story of its own under one theme. */
function digestOf(entries: readonly FeedEntry[], sourceName: string, siteUrl: string | null): DigestIssue {
  const rows: DigestItemRow[] = entries.map((entry) => ({
    id: entry.guid,
    storyId: null,
    title: entry.title,
    link: entry.link,
    summary: entry.summary,
    language: entry.language,
    publishedAt: entry.publishedAt,
    sourceName,
    sourceUrl: siteUrl ?? FEED_URL,
    themes: [{ id: 'security', score: 1 }],
  }));
  return buildIssue(weekRange(isoWeekOfDate(BUILT_AT), 'Europe/Paris'), rows, {
    siteTitle: 'Veille IA',
    locale: FR,
    themes: THEMES,
    maxStoriesPerSection: 25,
    includeUnthemed: true,
  });
}

/**
 * Item → FeedEntry as the worker does it (src/app/publish.ts): the source is named
 * after the feed's own title and its site URL is the feed's `<link>`, both as parsed, untrusted.
 */
export function toFeedEntry(item: Item, feed: ParsedFeed): FeedEntry {
  return {
    guid: `urn:veille:item:${item.id}`,
    title: item.title,
    link: item.link,
    summary: item.summary,
    contentHtml: item.contentHtml,
    author: item.author,
    publishedAt: item.publishedAt,
    updatedAt: item.updatedAt ?? item.publishedAt,
    language: item.language,
    source: { name: feed.title ?? 'hostile.example', url: FEED_URL, siteUrl: feed.link },
    themes: THEMES,
    imageUrl: item.imageUrl,
  };
}

const PROBE_ITEM: Item = {
  id: 'probe',
  guid: null,
  link: 'https://hostile.example/probe',
  title: 'probe',
  summary: '',
  contentHtml: '',
  author: null,
  publishedAt: BUILT_AT.toISOString(),
  updatedAt: null,
  dateMissing: false,
  categories: [],
  language: null,
  links: [],
  imageUrl: null,
};

export async function runPipeline(text: string, contentType: string | null = null, url = FEED_URL): Promise<PipelineResult> {
  const parsed = await parseFeed(text, { contentType, url });
  const items = normalizeFeed(parsed, { sourceKey: url, baseUrl: url, sourceLang: null, fetchedAt: BUILT_AT });
  const entries = items.map((item) => toFeedEntry(item, parsed));
  // A feed without items still names its source (title, site link) on every later entry: a probe
  // entry carries them to the surfaces so that feed-level hostile fields are checked too.
  if (entries.length === 0) entries.push(toFeedEntry(PROBE_ITEM, parsed));
  return { parsed, items, entries, surfaces: renderSurfaces(entries, parsed.title ?? 'hostile.example', parsed.link) };
}
