// Writes the digest's files beside the site: digest.xml / .atom / .json (one entry per issue,
// full HTML content), digests/<week>.html for each issue and digests/index.html. Atomic writes.
import { join } from 'node:path';
import type { FeedEntry, FeedMeta } from '../domain/types.js';
import { writeFileAtomic } from '../publish/atomic-write.js';
import { renderAtom, renderJsonFeed, renderRss } from '../publish/feeds.js';
import type { DigestIssue } from './issue.js';
import { renderIssueBody, renderIssueList, renderIssuePage } from './render-page.js';

export interface PublishedIssue {
  readonly issue: DigestIssue;
  /** First stored, and last changed (ISO 8601). */
  readonly publishedAt: string;
  readonly updatedAt: string;
}

export interface DigestSiteMeta {
  readonly title: string;
  readonly description: string;
  readonly siteUrl: string;
  readonly language: string;
  readonly generator: string;
}

/** Issues in the digest feeds. */
const FEED_ISSUES = 20;

export function issuePageUrl(siteUrl: string, week: string): string {
  return new URL(`digests/${week}.html`, siteUrl).href;
}

export function toIssueEntry(published: PublishedIssue, meta: DigestSiteMeta): FeedEntry {
  const { issue } = published;
  return {
    guid: issue.guid,
    title: issue.title,
    link: issuePageUrl(meta.siteUrl, issue.week),
    summary: issue.intro,
    contentHtml: renderIssueBody(issue).toString(),
    author: null,
    publishedAt: published.publishedAt,
    updatedAt: published.updatedAt,
    language: 'fr',
    source: { name: meta.title, url: new URL('digest.xml', meta.siteUrl).href, siteUrl: meta.siteUrl },
    themes: [],
    imageUrl: null,
  };
}

/** Writes every digest file from the stored issues (newest first); returns the paths written, relative to `dir`. */
export async function publishDigests(dir: string, issues: readonly PublishedIssue[], meta: DigestSiteMeta, builtAt: Date): Promise<string[]> {
  const files: Array<[string, string]> = [];
  const context = { siteTitle: meta.title, generator: meta.generator, issues: issues.map(({ issue }) => ({ week: issue.week, title: issue.title })) };
  for (const { issue } of issues) files.push([`digests/${issue.week}.html`, renderIssuePage(issue, context)]);
  files.push(['digests/index.html', renderIssueList(context)]);

  const entries = issues.slice(0, FEED_ISSUES).map((published) => toIssueEntry(published, meta));
  const updatedAt = entries.reduce((newest, entry) => (entry.updatedAt > newest ? entry.updatedAt : newest), entries[0]?.updatedAt ?? builtAt.toISOString());
  const feedMeta = (path: string): FeedMeta => ({
    title: `${meta.title} — lettre hebdomadaire`,
    description: `${meta.description} Une lettre par semaine.`,
    siteUrl: meta.siteUrl,
    feedUrl: new URL(path, meta.siteUrl).href,
    language: meta.language,
    updatedAt,
    generator: meta.generator,
  });
  files.push(['digest.xml', renderRss(feedMeta('digest.xml'), entries)]);
  files.push(['digest.atom', renderAtom(feedMeta('digest.atom'), entries)]);
  files.push(['digest.json', renderJsonFeed(feedMeta('digest.json'), entries)]);

  // Pages before the feeds that link to them.
  for (const [path, content] of files) await writeFileAtomic(join(dir, path), content);
  return files.map(([path]) => path);
}
