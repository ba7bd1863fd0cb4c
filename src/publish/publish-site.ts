// Writes the whole published site from one snapshot: merged feeds, one set per theme, the
// sources' OPML and the home page. Everything is rendered first, then each file replaced atomically.

import { join } from 'node:path';
import type { SiteLocale } from '../domain/site-locale.js';
import type { FeedEntry, FeedMeta, ThemeInfo } from '../domain/types.js';
import { VeilleError } from '../domain/errors.js';
import { removeStaleTemporaries, writeFileAtomic } from './atomic-write.js';
import { renderAtom, renderJsonFeed, renderRss } from './feeds.js';
import { renderOpml, type OpmlSource } from './opml.js';
import { renderIndexPage } from './pages.js';
import type { SourcesNotice } from './sources-notice.js';
import { INDEX_PAGE, SITE_FEEDS, SITE_FOLDERS, SOURCES_OPML, themeFeeds, type FeedFile } from './site-files.js';

export interface SiteSnapshot {
  meta: { title: string; description: string; siteUrl: string; generator: string; locale: SiteLocale };
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

/** Writes every file of the site into `dir`; returns their paths relative to `dir`, in write order. */
export async function publishSite(dir: string, snapshot: SiteSnapshot): Promise<{ files: string[] }> {
  const { meta, entries, themes } = snapshot;
  const files: Array<[string, string]> = [];

  files.push(...renderFeedSet(snapshot, SITE_FEEDS, meta.title, meta.description, entries));
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
  }
  files.push([SOURCES_OPML, renderOpml(meta.title, snapshot.sources, snapshot.builtAt)]);
  const indexMeta = { ...feedMeta(snapshot, meta.title, meta.description, SITE_FEEDS[0].path, entries), siteTitle: meta.title };
  files.push([INDEX_PAGE, renderIndexPage(indexMeta, entries, themes, snapshot.builtAt, meta.locale, snapshot.digests ?? [], snapshot.sourcesNotice ?? null)]);

  // Temporary files of a publish that was killed half-way (never served, but they add up).
  for (const folder of [dir, ...SITE_FOLDERS.map((name) => join(dir, name))]) await removeStaleTemporaries(folder);
  // Feeds before the page that links to them.
  for (const [path, content] of files) {
    await writeFileAtomic(join(dir, path), content);
  }
  return { files: files.map(([path]) => path) };
}
