// Turns stored items into feed entries and writes the site: merged feeds, one set per theme,
// the OPML of the sources and the index page. Nothing is read or rendered when nothing the site
// shows changed since it was last written whole (issue 15).
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { localeOf, type Config } from '../config/load-config.js';
import type { SiteLocale } from '../domain/site-locale.js';
import { creditedMembers, inReadersLanguage, leadTelling } from '../domain/story-view.js';
import { publicUrl } from '../domain/source-url.js';
import type { EntrySource, FeedEntry, ThemeInfo, TranslatedTexts } from '../domain/types.js';
import { html, rawHtml } from '../publish/html.js';
import type { SourcesNotice } from '../publish/sources-notice.js';
import { siteHealth, type SiteHealth } from './site-health.js';
import { INDEX_PAGE } from '../publish/site-files.js';
import { hostOf, webUrlOrNull } from '../domain/web-url.js';
import { itemGuid } from '../domain/guid.js';
import type { SourceRecord } from '../domain/source.js';
import type { StoredItem, StoredStory } from '../domain/story.js';
import type { Store } from '../store/store.js';
import { themeInfos, type Taxonomy } from '../tag/taxonomy.js';
import type { Translator } from '../translate/translator.js';
import type { Summarizer } from '../summarize/summarizer.js';
import type { StoredResume } from '../domain/resume.js';
import { summarize as shorten } from '../clean/text.js';
import { needsResume } from './summarizer.js';
import { VERSION } from '../system/version.js';
import { queueFeedPings } from './websub.js';

export interface PublishInput {
  readonly config: Config;
  readonly store: Store;
  readonly taxonomy: Taxonomy;
  readonly builtAt: Date;
  /** Titles and summaries in the site's language from the translation cache, when a provider is configured. */
  readonly translator?: Translator | null;
  /** The stored résumés (issue 16), when a summarizer is configured. */
  readonly summarizer?: Summarizer | null;
}

/** The store_state key of when the site last changed (publishSite's changedAt). */
const SITE_CHANGED_AT = 'site.changedAt';

/**
 * The store_state key of the last publish that ended: what it was made from (publishKey) and its
 * entry count, as JSON; '' while a publish runs (one cut short leaves it so: the next one renders).
 */
const SITE_PUBLISHED = 'site.published';
/**
 * '1' once anything the site shows was written to the store: set by the store's triggers (items,
 * themes, stories, sources, digests, translations; database.ts), cleared here when publishing starts.
 */
const SITE_DIRTY = 'site.dirty';

/**
 * Writes the published files whose content changed; returns the number of entries in the merged
 * feed. When the store holds nothing new for the site since the last publish ended, with the same
 * config, themes, translator and veille version, and the site's page is there, nothing is read or
 * rendered: the files would read the same (publishSite renders them with the builtAt they show).
 */
export async function publishFromStore(input: PublishInput): Promise<number> {
  const { config, store } = input;
  const locale = localeOf(config);
  // The operator's words (theme definitions, the site's description) set in the site's typography, once.
  const themes = themeInfos(input.taxonomy, locale.primary).map((theme) => ({
    ...theme,
    definition: theme.definition === null ? null : locale.typeset(theme.definition),
  }));
  // The feeds show the active sources only; a removed source's items stay stored, unpublished.
  const sources = store.listSources({ activeOnly: true });
  // The home page says when sources fail: a change in that is a change of the site.
  const notice = sourcesNotice(siteHealth(sources, input.builtAt, config.fetch.staleAfterDays));
  const key = publishKey(config, themes, input.translator != null, sources, notice);
  const last = store.readState(SITE_PUBLISHED);
  if (last !== null && last !== '' && store.readState(SITE_DIRTY) === '0' && existsSync(join(config.publishDir, INDEX_PAGE))) {
    const published = JSON.parse(last) as { readonly key: string; readonly entries: number };
    if (published.key === key) return published.entries;
  }
  // Cleared before reading: a write made while this renders sets it again, and the next cycle renders.
  store.writeState(SITE_PUBLISHED, '');
  store.writeState(SITE_DIRTY, '0');
  const sourcesById = new Map(sources.map((source) => [source.id, source]));
  // One entry per story (the same news told by several sources), newest activity first.
  const translate = memoizedLookup(input.translator ?? null);
  const summarizer = input.summarizer ?? null;
  const toEntries = (stories: readonly StoredStory[]) =>
    stories.flatMap((story) => {
      const entry = toStoryEntry(story, sourcesById, themes, locale);
      if (!entry) return [];
      const resume = summarizer !== null && needsResume(story, locale) ? summarizer.stored(story.guid) : null;
      if (resume?.state === 'written') return [withResume(entry, story, resume, sourcesById, locale)];
      return [inSiteLanguage(entry, translate, locale)];
    });
  const entries = toEntries(store.recentStories(config.maxItems));
  const entriesByTheme = Object.fromEntries(
    themes.map((theme) => [theme.id, toEntries(store.recentStories(config.maxItems, { themeId: theme.id }))]),
  );
  const stored = store.readState(SITE_CHANGED_AT);
  // The renderers (feeds, pages, compressed forms) are loaded by the first publish that renders:
  // a cycle with nothing new for the site loads none of them (issue 15).
  const { publishSite } = await import('../publish/publish-site.js');
  const { changedAt, files } = await publishSite(config.publishDir, {
    meta: {
      title: config.site.title,
      description: locale.typeset(config.site.description),
      siteUrl: config.site.url,
      generator: `veille ${VERSION}`,
      locale,
      resumesOff: config.summarize.provider === 'none',
      hubs: config.websub.hub,
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
    lastChangedAt: stored === null ? null : new Date(stored),
    digests: store.digests().listDigests(5).map((digest) => ({ week: digest.week, title: digest.title })),
    sourcesNotice: notice,
  });
  if (changedAt.toISOString() !== stored) store.writeState(SITE_CHANGED_AT, changedAt.toISOString());
  // The feeds whose bytes changed, for the hubs they declare (sent after the write step: app/websub.ts).
  queueFeedPings(config, store, files, input.builtAt);
  store.writeState(SITE_PUBLISHED, JSON.stringify({ key, entries: entries.length }));
  return entries.length;
}

function sourcesNotice(health: SiteHealth): SourcesNotice {
  return { failing: health.failing, total: health.sources, noneReadable: health.status === 'failing' };
}

/**
 * What the site is made from besides the items, stories, digests, translations, résumés and
 * article pages (site.dirty): the version, the config, the themes, whether titles are translated,
 * the active sources as the site shows them, and the line on failing sources.
 */
function publishKey(config: Config, themes: readonly ThemeInfo[], translated: boolean, sources: readonly SourceRecord[], notice: SourcesNotice): string {
  const shown = sources.map((source) => [source.id, source.url, source.name, source.feedTitle, source.lang, source.siteUrl]);
  return createHash('sha256').update(JSON.stringify([VERSION, config, themes, translated, shown, notice])).digest('hex');
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

/**
 * A story shown by its résumé, the way the seed post reads (issue 16): the title and résumé in the
 * site's language, "Lire l’article sur AIhub" for each source (veille's own links, never the
 * model's), and a line saying a model wrote it from those sources, with the original title.
 */
export function withResume(
  entry: FeedEntry,
  story: StoredStory,
  resume: StoredResume,
  sourcesById: ReadonlyMap<number, SourceRecord>,
  locale: SiteLocale,
): FeedEntry {
  const { words } = locale;
  const members = story.members.filter((member) => sourcesById.has(member.sourceId));
  const credited = creditedMembers(members, (member) => member.sourceId);
  const names = credited.map((member) => sourceName(sourcesById.get(member.sourceId) as SourceRecord));
  const original = members.find((member) => !locale.isSiteLanguage(member.language)) ?? members[0];
  const paragraphs = resume.text.split('\n').map((paragraph) => html`<p>${paragraph}</p>`.toString());
  const reads = credited.flatMap((member, index) => {
    const href = webUrlOrNull(member.link);
    return href === null ? [] : [html`<p><a href="${href}">${words.readArticleOn(names[index] ?? '')}</a></p>`.toString()];
  });
  const originalTitle = original?.title ?? '';
  const note = html`<p><em>${words.writtenByModel(resume.model, locale.join(names))} ${words.originalTitle}${words.colon}${words.quotes[0]}<span lang="${original?.language ?? ''}">${originalTitle}</span>${words.quotes[1]}.</em></p>`;
  return {
    ...entry,
    title: resume.title,
    summary: shorten(resume.text.replace(/\n/g, ' '), 400),
    contentHtml: [...paragraphs, ...reads, note.toString()].join('\n'),
    language: locale.language,
    resume: { model: resume.model, originalTitle, originalLanguage: original?.language ?? null },
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
 * original title; else its title followed by its language, "(en anglais)". Either way `reading`
 * keeps the texts without the note, for the pages' mark.
 */
export function inSiteLanguage(entry: FeedEntry, translate: Lookup, locale: SiteLocale): FeedEntry {
  if (entry.language === null || locale.isSiteLanguage(entry.language)) return entry;
  const shown = inReadersLanguage(entry, translate(entry), locale);
  if (shown.translatedFrom === null) {
    const reading = { mark: 'foreign', from: entry.language, title: entry.title, summary: entry.summary } as const;
    return { ...entry, title: shown.note === null ? entry.title : `${entry.title} ${shown.note}`, reading };
  }
  const { words } = locale;
  const from = locale.translatedFrom(shown.translatedFrom);
  const original = html`<p><em>${capitalize(from)}. ${words.originalTitle}${words.colon}${words.quotes[0]}<span lang="${entry.language}">${entry.title}</span>${words.quotes[1]}.</em></p>`;
  return {
    ...entry,
    title: shown.title,
    summary: shown.summary === '' ? '' : `${shown.summary} ${shown.note ?? ''}`,
    contentHtml: entry.contentHtml === '' ? original.toString() : `${original.toString()}\n${html`<div lang="${entry.language}">${rawHtml(entry.contentHtml)}</div>`.toString()}`,
    language: shown.language,
    reading: { mark: 'translated', from: shown.translatedFrom, title: shown.title, summary: shown.summary },
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
