// Writes the whole published site from one snapshot: merged feeds, one set per theme, the
// sources' OPML, the home page and one page per theme. Everything is rendered first, then each
// file whose content changed is replaced atomically; an unchanged file keeps its bytes, its mtime
// and so its ETag. Each text file is written with its compressed forms (compressed-forms.ts).

import { join } from 'node:path';
import type { SiteLocale } from '../domain/site-locale.js';
import type { FeedEntry, FeedMeta, ThemeInfo } from '../domain/types.js';
import { VeilleError } from '../domain/errors.js';
import { removeStaleTemporaries } from './atomic-write.js';
import { fileReads, writeChangedFiles } from './compressed-forms.js';
import { renderAtom, renderJsonFeed, renderRss } from './feeds.js';
import { renderOpml, type OpmlSource } from './opml.js';
import { renderIndexPage, renderThemePage, type ReadingSite } from './pages.js';
import type { SourcesNotice } from './sources-notice.js';
import { INDEX_PAGE, SITE_FEEDS, SITE_FOLDERS, SOURCES_OPML, themeFeeds, themePage, type FeedFile } from './site-files.js';

export interface SiteSnapshot {
  meta: { title: string; description: string; siteUrl: string; generator: string; locale: SiteLocale; resumesOff?: boolean; hubs?: readonly string[] };
  /** The merged feed, newest first, already capped. */
  entries: readonly FeedEntry[];
  /**
   * Each theme's entries, newest first, already capped. Optional: a theme missing here gets the
   * entries of `entries` tagged with it.
   */
  entriesByTheme?: Readonly<Record<string, readonly FeedEntry[]>>;
  themes: readonly ThemeInfo[];
  sources: readonly OpmlSource[];
  builtAt: Date;
  /**
   * When the site last changed (the builtAt of the last publish that wrote a file): the date the
   * page and OPML show while nothing else changes, so that a cycle with nothing new writes nothing.
   * Absent or null: builtAt.
   */
  lastChangedAt?: Date | null;
  /** The latest weekly issues, newest first, linked from the home page (digests/<week>.html). */
  digests?: readonly { week: string; title: string }[];
  /** Said on the home page when sources fail (sources-notice.ts). */
  sourcesNotice?: SourcesNotice | null;
}

// A theme id becomes a file name: nothing that could leave themes/ or hide as a dotfile.
const SAFE_THEME_ID = /^[a-z0-9][a-z0-9_-]*$/i;

function newestUpdate(entries: readonly FeedEntry[], builtAt: Date): string {
  let newest: number | null = null;
  for (const entry of entries) {
    const time = Date.parse(entry.updatedAt);
    if (!Number.isNaN(time) && (newest === null || time > newest)) newest = time;
  }
  return new Date(newest ?? builtAt.getTime()).toISOString();
}

function feedMeta(snapshot: SiteSnapshot, title: string, description: string, path: string, entries: readonly FeedEntry[]): FeedMeta {
  const { meta } = snapshot;
  return {
    title,
    description,
    siteUrl: meta.siteUrl,
    feedUrl: new URL(path, meta.siteUrl).href,
    language: meta.locale.language,
    updatedAt: newestUpdate(entries, snapshot.builtAt),
    generator: meta.generator,
    ...(meta.hubs !== undefined && meta.hubs.length > 0 ? { hubs: meta.hubs } : {}),
  };
}

/** The three formats of one feed, keyed by path relative to the site folder. */
function renderFeedSet(
  snapshot: SiteSnapshot,
  [rss, atom, json]: readonly [FeedFile, FeedFile, FeedFile],
  title: string,
  description: string,
  entries: readonly FeedEntry[],
): Array<[string, string]> {
  return [
    [rss.path, renderRss(feedMeta(snapshot, title, description, rss.path, entries), entries)],
    [atom.path, renderAtom(feedMeta(snapshot, title, description, atom.path, entries), entries)],
    [json.path, renderJsonFeed(feedMeta(snapshot, title, description, json.path, entries), entries)],
  ];
}

/**
 * Writes the files of the site that changed into `dir`. Returns the paths written, relative to
 * `dir` and in write order, and `changedAt`: builtAt when a file was written, else lastChangedAt.
 */
export async function publishSite(dir: string, snapshot: SiteSnapshot): Promise<{ files: string[]; changedAt: Date }> {
  const previous = snapshot.lastChangedAt ?? null;
  // First as the site stood: when every file reads the same, nothing is written (issue 15).
  if (previous !== null) {
    const files = renderSite({ ...snapshot, builtAt: previous });
    if (await everyFileReads(dir, files)) return { files: [], changedAt: previous };
  }
  const files = renderSite(snapshot);
  // Temporary files of a publish that was killed half-way (never served, but they add up).
  for (const folder of [dir, ...SITE_FOLDERS.map((name) => join(dir, name))]) await removeStaleTemporaries(folder);
  // Feeds before the page that links to them: writeChangedFiles puts them in place in this order.
  const written = await writeChangedFiles(dir, files);
  return { files: written, changedAt: written.length > 0 || previous === null ? snapshot.builtAt : previous };
}

async function everyFileReads(dir: string, files: ReadonlyArray<readonly [string, string]>): Promise<boolean> {
  for (const [path, content] of files) if (!(await fileReads(join(dir, path), content))) return false;
  return true;
}

/** Every file of the site, rendered: [path relative to the site folder, content]. */
function renderSite(snapshot: SiteSnapshot): Array<[string, string]> {
  const { meta, entries, themes } = snapshot;
  const files: Array<[string, string]> = [];

  files.push(...renderFeedSet(snapshot, SITE_FEEDS, meta.title, meta.description, entries));
  const indexMeta = { ...feedMeta(snapshot, meta.title, meta.description, SITE_FEEDS[0].path, entries), siteTitle: meta.title };
  const site: ReadingSite = {
    meta: indexMeta,
    themes,
    builtAt: snapshot.builtAt,
    locale: meta.locale,
    digests: snapshot.digests ?? [],
    sourceCount: snapshot.sources.length,
    resumesOff: meta.resumesOff === true,
    sourcesNotice: snapshot.sourcesNotice ?? null,
  };
  const themePages: Array<[string, string]> = [];
  for (const theme of themes) {
    if (!SAFE_THEME_ID.test(theme.id)) {
      throw new VeilleError('PUBLISH_FAILED', `publish: theme id "${theme.id}" cannot be used as a file name`);
    }
    const themeEntries = snapshot.entriesByTheme?.[theme.id] ?? entries.filter((entry) => entry.themes.some((t) => t.id === theme.id));
    files.push(
      ...renderFeedSet(
        snapshot,
        themeFeeds(theme.id),
        `${meta.title} — ${theme.label}`,
        theme.definition ?? `${meta.description} — ${theme.label}`,
        themeEntries,
      ),
    );
    themePages.push([themePage(theme.id), renderThemePage(site, theme, themeEntries)]);
  }
  files.push([SOURCES_OPML, renderOpml(meta.title, snapshot.sources, snapshot.builtAt)]);
  // Pages after the feeds they link to, the theme pages before the home page that links to them.
  files.push(...themePages);
  files.push([INDEX_PAGE, renderIndexPage(site, entries)]);
  return files;
}
