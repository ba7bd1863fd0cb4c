// Turns stored items into feed entries and writes the site: merged feeds, one set per theme,
// the OPML of the sources and the index page.
import { localeOf, type Config } from '../config/load-config.js';
import type { SiteLocale } from '../domain/site-locale.js';
import { creditedMembers, inReadersLanguage, leadTelling } from '../domain/story-view.js';
import { publicUrl } from '../domain/source-url.js';
import type { EntrySource, FeedEntry, ThemeInfo, TranslatedTexts } from '../domain/types.js';
import { html, rawHtml } from '../publish/html.js';
import { publishSite } from '../publish/publish-site.js';
import type { SourcesNotice } from '../publish/sources-notice.js';
import { siteHealth, type SiteHealth } from './site-health.js';
import { hostOf, webUrlOrNull } from '../domain/web-url.js';
import { itemGuid } from '../domain/guid.js';
import type { SourceRecord } from '../domain/source.js';
import type { StoredItem, StoredStory } from '../domain/story.js';
import type { Store } from '../store/store.js';
import { themeInfos, type Taxonomy } from '../tag/taxonomy.js';
import type { Translator } from '../translate/translator.js';
import { VERSION } from '../system/version.js';

export interface PublishInput {
  readonly config: Config;
  readonly store: Store;
  readonly taxonomy: Taxonomy;
  readonly builtAt: Date;
  /** Titles and summaries in the site's language from the translation cache, when a provider is configured. */
  readonly translator?: Translator | null;
}

/** Writes every published file; returns the number of entries in the merged feed. */
export async function publishFromStore(input: PublishInput): Promise<number> {
  const { config, store } = input;
  const locale = localeOf(config);
  const themes = themeInfos(input.taxonomy, locale.primary);
  // The feeds show the active sources only; a removed source's items stay stored, unpublished.
  const sources = store.listSources({ activeOnly: true });
  const sourcesById = new Map(sources.map((source) => [source.id, source]));
  // One entry per story (the same news told by several sources), newest activity first.
  const translate = memoizedLookup(input.translator ?? null);
  const toEntries = (stories: readonly StoredStory[]) =>
    stories.flatMap((story) => {
      const entry = toStoryEntry(story, sourcesById, themes, locale);
      return entry ? [inSiteLanguage(entry, translate, locale)] : [];
    });
  const entries = toEntries(store.recentStories(config.maxItems));
  const entriesByTheme = Object.fromEntries(
    themes.map((theme) => [theme.id, toEntries(store.recentStories(config.maxItems, { themeId: theme.id }))]),
  );
  await publishSite(config.publishDir, {
    meta: {
      title: config.site.title,
      description: config.site.description,
      siteUrl: config.site.url,
      generator: `veille ${VERSION}`,
      locale,
    },
    entries,
    entriesByTheme,
    themes,
    sources: sources.map((source) => ({
      url: publicUrl(source.url),
      name: source.name ?? source.feedTitle,
      lang: source.lang,
      siteUrl: source.siteUrl,
      category: null,
    })),
    builtAt: input.builtAt,
    digests: store.digests().listDigests(5).map((digest) => ({ week: digest.week, title: digest.title })),
    sourcesNotice: sourcesNotice(siteHealth(sources, input.builtAt, config.fetch.staleAfterDays)),
  });
  return entries.length;
}

function sourcesNotice(health: SiteHealth): SourcesNotice {
  return { failing: health.failing, total: health.sources, noneReadable: health.status === 'failing' };
}

/**
 * A story's entry: under the story's GUID (its first item's, fixed when the story was created),
 * the first source's link, the telling in the site's language when a member is in it, the union
 * of the themes, and "Sources : A, B" linking each source's own item. A single-item story reads
 * as that item.
 */
export function toStoryEntry(
  story: StoredStory,
  sourcesById: ReadonlyMap<number, SourceRecord>,
  themes: readonly ThemeInfo[],
  locale: SiteLocale,
): FeedEntry | null {
  const members = story.members.filter((member) => sourcesById.has(member.sourceId));
  const first = members[0];
  if (!first) return null;
  const firstSource = sourcesById.get(first.sourceId) as SourceRecord;
  if (members.length === 1) return { ...toFeedEntry(first, firstSource, themes, locale), guid: story.guid };
  const told = leadTelling(members, locale) ?? first;
  const matched = new Set(members.flatMap((member) => member.themes.map((theme) => theme.id)));
  const credits: EntrySource[] = creditedMembers(members, (member) => member.sourceId).map((member) => ({
    name: sourceName(sourcesById.get(member.sourceId) as SourceRecord),
    link: member.link,
    language: member.language,
  }));
  const latest = members.reduce((newest, member) => {
    const at = member.changedAt ?? member.updatedAt ?? member.publishedAt;
    return at > newest ? at : newest;
  }, first.publishedAt);
  return {
    guid: story.guid,
    title: told.title || locale.words.untitled,
    link: first.link,
    summary: told.summary,
    contentHtml: `${told.contentHtml}${told.contentHtml === '' ? '' : '\n'}${renderSources(credits, locale)}`,
    author: told.author,
    publishedAt: first.publishedAt,
    updatedAt: latest,
    language: told.language,
    source: { name: sourceName(firstSource), url: publicUrl(firstSource.url), siteUrl: firstSource.siteUrl },
    themes: themes.filter((theme) => matched.has(theme.id)),
    imageUrl: told.imageUrl ?? first.imageUrl,
    sources: credits,
  };
}

type Lookup = (entry: FeedEntry) => TranslatedTexts | null;

/** The translator's lookup, once per entry GUID and publish (an entry shows in the merged feed and its themes' feeds). */
function memoizedLookup(translator: Translator | null): Lookup {
  if (translator === null) return () => null;
  const seen = new Map<string, TranslatedTexts | null>();
  return (entry) => {
    let found = seen.get(entry.guid);
    if (found === undefined) seen.set(entry.guid, (found = translator.lookup(entry)));
    return found;
  };
}

/**
 * An entry not in the site's language says so: translated, its title and summary in the site's
 * language, "(traduit de l'anglais)" after the summary and, above the original content, the
 * original title; else its title followed by its language, "(en anglais)".
 */
export function inSiteLanguage(entry: FeedEntry, translate: Lookup, locale: SiteLocale): FeedEntry {
  if (entry.language === null || locale.isSiteLanguage(entry.language)) return entry;
  const shown = inReadersLanguage(entry, translate(entry), locale);
  if (shown.translatedFrom === null) return shown.note === null ? entry : { ...entry, title: `${entry.title} ${shown.note}` };
  const { words } = locale;
  const from = locale.translatedFrom(shown.translatedFrom);
  const original = html`<p><em>${capitalize(from)}. ${words.originalTitle}${words.colon}${words.quotes[0]}<span lang="${entry.language}">${entry.title}</span>${words.quotes[1]}.</em></p>`;
  return {
    ...entry,
    title: shown.title,
    summary: shown.summary === '' ? '' : `${shown.summary} ${shown.note ?? ''}`,
    contentHtml: entry.contentHtml === '' ? original.toString() : `${original.toString()}\n${html`<div lang="${entry.language}">${rawHtml(entry.contentHtml)}</div>`.toString()}`,
    language: shown.language,
  };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "Sources : AIhub, Exemple Blog", each name linking to that source's item; escaped by `html`. */
function renderSources(credits: readonly EntrySource[], locale: SiteLocale): string {
  const links = credits.map((credit, index) => {
    const href = webUrlOrNull(credit.link);
    const name = href === null ? html`${credit.name}` : html`<a href="${href}">${credit.name}</a>`;
    return index === 0 ? name : html`, ${name}`;
  });
  return html`<p>${locale.words.sources}${locale.words.colon}${links}</p>`.toString();
}

function sourceName(source: SourceRecord): string {
  return source.name ?? source.feedTitle ?? hostOf(source.url) ?? source.url;
}

function toFeedEntry(item: StoredItem, source: SourceRecord, themes: readonly ThemeInfo[], locale: SiteLocale): FeedEntry {
  const matched = new Set(item.themes.map((theme) => theme.id));
  return {
    guid: itemGuid(item.id),
    title: item.title || locale.words.untitled,
    link: item.link,
    summary: item.summary,
    contentHtml: item.contentHtml,
    author: item.author,
    publishedAt: item.publishedAt,
    updatedAt: item.changedAt ?? item.updatedAt ?? item.publishedAt,
    language: item.language,
    source: { name: sourceName(source), url: publicUrl(source.url), siteUrl: source.siteUrl },
    themes: themes.filter((theme) => matched.has(theme.id)),
    imageUrl: item.imageUrl,
  };
}
