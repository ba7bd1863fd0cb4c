// Writes the digest's files beside the site: digest.xml / .atom / .json (one entry per issue,
// full HTML content), digests/<week>.html for each issue and digests/index.html. Atomic writes,
// each file with its compressed forms.
import type { SiteLocale } from '../domain/site-locale.js';
import type { FeedEntry, FeedMeta } from '../domain/types.js';
import { writeChangedFiles } from '../publish/compressed-forms.js';
import { renderAtom, renderJsonFeed, renderRss } from '../publish/feeds.js';
import { DIGEST_FEEDS, DIGEST_LIST_PAGE, digestPage } from '../publish/site-files.js';
import type { DigestIssue } from '../domain/digest.js';
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
  readonly locale: SiteLocale;
  readonly generator: string;
  /** WebSub hubs the digest feeds declare (publish.websub.hub, issue 21). */
  readonly hubs?: readonly string[];
}

/** Issues in the digest feeds. */
const FEED_ISSUES = 20;

export function issuePageUrl(siteUrl: string, week: string): string {
  return new URL(digestPage(week), siteUrl).href;
}

export function toIssueEntry(published: PublishedIssue, meta: DigestSiteMeta): FeedEntry {
  const { issue } = published;
  return {
    guid: issue.guid,
    title: issue.title,
    link: issuePageUrl(meta.siteUrl, issue.week),
    summary: issue.intro,
    contentHtml: renderIssueBody(issue, meta.locale).toString(),
    author: null,
    publishedAt: published.publishedAt,
    updatedAt: published.updatedAt,
    language: meta.locale.language,
    source: { name: meta.title, url: new URL(DIGEST_FEEDS[0].path, meta.siteUrl).href, siteUrl: meta.siteUrl },
    themes: [],
    imageUrl: null,
  };
}

/** Writes every digest file from the stored issues (newest first); returns the paths written, relative to `dir`. */
export async function publishDigests(dir: string, issues: readonly PublishedIssue[], meta: DigestSiteMeta, builtAt: Date): Promise<string[]> {
  const files: Array<[string, string]> = [];
  const context = { siteTitle: meta.title, generator: meta.generator, locale: meta.locale, issues: issues.map(({ issue }) => ({ week: issue.week, title: issue.title })) };
  for (const { issue } of issues) files.push([digestPage(issue.week), renderIssuePage(issue, context)]);
  files.push([DIGEST_LIST_PAGE, renderIssueList(context)]);

  const entries = issues.slice(0, FEED_ISSUES).map((published) => toIssueEntry(published, meta));
  const updatedAt = entries.reduce((newest, entry) => (entry.updatedAt > newest ? entry.updatedAt : newest), entries[0]?.updatedAt ?? builtAt.toISOString());
  const feedMeta = (path: string): FeedMeta => ({
    title: `${meta.title} — ${meta.locale.words.weeklyDigest}`,
    description: `${meta.description} ${meta.locale.words.oneDigestAWeek}`,
    siteUrl: meta.siteUrl,
    feedUrl: new URL(path, meta.siteUrl).href,
    language: meta.locale.language,
    updatedAt,
    generator: meta.generator,
    ...(meta.hubs !== undefined && meta.hubs.length > 0 ? { hubs: meta.hubs } : {}),
  });
  const [rss, atom, json] = DIGEST_FEEDS;
  // The issues are the digest's own entries, copied from no other feed: no <source>.
  const own = { sourceElements: false };
  files.push([rss.path, renderRss(feedMeta(rss.path), entries, own)]);
  files.push([atom.path, renderAtom(feedMeta(atom.path), entries, own)]);
  files.push([json.path, renderJsonFeed(feedMeta(json.path), entries)]);

  // Pages before the feeds that link to them. A file whose bytes are the same is left as it is
  // (its validators kept) and not returned: only the files that changed are pinged (WebSub).
  return writeChangedFiles(dir, files);
}
