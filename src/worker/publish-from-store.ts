// Turns stored items into feed entries and writes the site: merged feeds, one set per theme,
// the OPML of the sources and the index page.
import type { Config } from '../config/load-config.js';
import type { FeedEntry, ThemeInfo } from '../domain/types.js';
import { publishSite } from '../publish/publish-site.js';
import type { SourceRecord, StoredItem, Store } from '../store/store.js';
import { themeInfos, type Taxonomy } from '../tag/taxonomy.js';
import { VERSION } from './version.js';

export interface PublishInput {
  readonly config: Config;
  readonly store: Store;
  readonly taxonomy: Taxonomy;
  readonly sources: readonly SourceRecord[];
  readonly builtAt: Date;
}

/** Writes every published file; returns the number of entries in the merged feed. */
export async function publishFromStore(input: PublishInput): Promise<number> {
  const { config, store } = input;
  const themes = themeInfos(input.taxonomy);
  const sourcesById = new Map(input.sources.map((source) => [source.id, source]));
  const toEntries = (items: readonly StoredItem[]) =>
    items.flatMap((item) => {
      const source = sourcesById.get(item.sourceId);
      return source ? [toFeedEntry(item, source, themes)] : [];
    });
  const entries = toEntries(store.recentItems(config.maxItems));
  const entriesByTheme = Object.fromEntries(
    themes.map((theme) => [theme.id, toEntries(store.recentItems(config.maxItems, theme.id))]),
  );
  await publishSite(config.publishDir, {
    meta: {
      title: config.site.title,
      description: config.site.description,
      siteUrl: config.site.url,
      language: config.site.language,
      generator: `veille ${VERSION}`,
      timeZone: config.site.timezone,
    },
    entries,
    entriesByTheme,
    themes,
    sources: input.sources.map((source) => ({
      url: source.url,
      name: source.name ?? source.feedTitle,
      lang: source.lang,
      siteUrl: source.siteUrl,
      category: null,
    })),
    builtAt: input.builtAt,
  });
  return entries.length;
}

/** The GUID readers see: derived from the item's stable id only, so it never changes. */
export function entryGuid(itemId: string): string {
  return `urn:veille:item:${itemId}`;
}

function toFeedEntry(item: StoredItem, source: SourceRecord, themes: readonly ThemeInfo[]): FeedEntry {
  const matched = new Set(item.themes.map((theme) => theme.id));
  return {
    guid: entryGuid(item.id),
    title: item.title,
    link: item.link,
    summary: item.summary,
    contentHtml: item.contentHtml,
    author: item.author,
    publishedAt: item.publishedAt,
    updatedAt: item.changedAt ?? item.updatedAt ?? item.publishedAt,
    language: item.language,
    source: { name: source.name ?? source.feedTitle ?? hostOf(source.url), url: source.url, siteUrl: source.siteUrl },
    themes: themes.filter((theme) => matched.has(theme.id)),
    imageUrl: item.imageUrl,
  };
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}
