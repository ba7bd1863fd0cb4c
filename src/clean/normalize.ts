// ParsedFeed → Items: stable ids, canonical links, UTC dates, plain-text titles and summaries,
// sanitized content, outbound links. Untrusted and partial input in; safe, complete items out.

import { hash } from 'node:crypto';
import type { Item, ParsedFeed, ParsedItem } from '../domain/types.js';
import { primaryLanguage } from '../domain/language-tag.js';
import { canonicalizeUrl } from './canonical-url.js';
import { parseFeedDate } from './dates.js';
import { sanitizeContent } from './sanitize.js';
import { capText, htmlToText, stripBidiControls, summarize } from './text.js';
import { ungluedTitle } from './glued-title.js';
import { sameFoldedText } from './fold-text.js';

export interface NormalizeContext {
  /** Identifies the source for ids (e.g. its feed URL); changing it changes every id. */
  readonly sourceKey: string;
  /** The feed's URL: base for relative links. */
  readonly baseUrl: string;
  /** The source's configured language, used when the feed declares none. */
  readonly sourceLang: string | null;
  readonly fetchedAt: Date;
}

const SUMMARY_CHARS = 400;
const TITLE_FROM_SUMMARY_CHARS = 80;
/**
 * Published text fields are capped here, once (issue 13, finding 12: a 200,000-character title was
 * published as is): titles and feed names at 300 characters (four lines of a reader's list; news
 * titles run well under), authors at 200, category labels at 100. Summaries have SUMMARY_CHARS.
 */
export const MAX_TITLE_CHARS = 300;
export const MAX_AUTHOR_CHARS = 200;
export const MAX_CATEGORY_CHARS = 100;
/** A publication date further ahead than this is a feed bug, not a scheduled post. */
const FUTURE_TOLERANCE_MS = 24 * 60 * 60 * 1000;

export function normalizeFeed(feed: ParsedFeed, ctx: NormalizeContext): Item[] {
  return normalizeFeedItems(feed, ctx).map(({ item }) => item);
}

/** An item and the plain text of its sanitized content (htmlToText of contentHtml), for later stages. */
export interface NormalizedItem {
  readonly item: Item;
  readonly contentText: string;
}

/** normalizeFeed, with each item's content text: read in the same pass as its links and images. */
export function normalizeFeedItems(feed: ParsedFeed, ctx: NormalizeContext): NormalizedItem[] {
  return normalizeChangedItems(feed, ctx, () => false).items.map(({ normalized }) => normalized);
}

/** What normalizeChangedItems gives: the items cleaned (with their index in feed.items), and the ids of those left as stored. */
export interface ChangedItems {
  readonly items: readonly { readonly index: number; readonly normalized: NormalizedItem }[];
  readonly unchangedIds: readonly string[];
}

/**
 * normalizeFeedItems, except that the items `isUnchanged` names (by index in feed.items: the
 * caller knows them stored as they are) are only identified, not cleaned: their id alone costs a
 * link's canonical form and a hash, where cleaning costs HTML parses.
 */
export function normalizeChangedItems(feed: ParsedFeed, ctx: NormalizeContext, isUnchanged: (index: number) => boolean): ChangedItems {
  // A declared xml:base comes first; else the feed's URL (RFC 3986 §5.1: base from the retrieval URI).
  const siteUrl = feed.link === null ? null : absoluteUrl(feed.link, feed.base ?? ctx.baseUrl);
  const linkBase = siteUrl ?? ctx.baseUrl;
  const seen = new Set<string>();
  const items: { index: number; normalized: NormalizedItem }[] = [];
  const unchangedIds: string[] = [];
  feed.items.forEach((parsed, index) => {
    if (isUnchanged(index)) {
      const id = computeItemId(ctx.sourceKey, parsed, itemLink(parsed, linkBase));
      if (seen.has(id)) return; // same GUID twice in one document: keep the first
      seen.add(id);
      unchangedIds.push(id);
      return;
    }
    const normalized = normalizeItem(parsed, feed, ctx, linkBase);
    if (seen.has(normalized.item.id)) return;
    seen.add(normalized.item.id);
    items.push({ index, normalized });
  });
  return { items, unchangedIds };
}

/** The item's canonical link: its own, else a GUID that is a URL, unless the feed says it is not one. */
function itemLink(parsed: ParsedItem, linkBase: string): string | null {
  const guidLink = parsed.guid !== null && parsed.guidIsPermaLink !== false && /^https?:\/\//i.test(parsed.guid) ? parsed.guid : null;
  const rawLink = parsed.link ?? guidLink;
  return rawLink === null ? null : canonicalizeUrl(rawLink, parsed.base ?? linkBase);
}

function normalizeItem(parsed: ParsedItem, feed: ParsedFeed, ctx: NormalizeContext, linkBase: string): NormalizedItem {
  // Without a link, a GUID that is a URL is the item's address, unless the feed says it is not one.
  const link = itemLink(parsed, linkBase);
  const id = computeItemId(ctx.sourceKey, parsed, link);

  // Relative URLs in content are relative to the xml:base the feed declares, else to the item's
  // page when there is one.
  const contentBase = parsed.base ?? link ?? linkBase;
  const content = sanitizeContent(parsed.content ?? parsed.summary ?? '', contentBase);

  // Each HTML field is converted to text once (HTML parses are the cost of this stage).
  const summaryText = textOf(parsed.summary);
  let contentText: string | null = null;
  const textOfContent = (): string => (contentText ??= textOf(parsed.content));
  let summary = stripBidiControls(summarize(summaryText !== '' ? summaryText : textOfContent(), SUMMARY_CHARS));
  // A date and a category glued to the title by the source's scraper are taken off (issue 18).
  const titleAsWritten = textField(parsed.title, MAX_TITLE_CHARS);
  const ownTitle = ungluedTitle(titleAsWritten);
  // An item with neither title nor text keeps an empty title: readers get the site's word for it (SiteLocale).
  const title = ownTitle !== '' ? ownTitle : summary === '' ? '' : summarize(summary, TITLE_FROM_SUMMARY_CHARS);
  // Whether a text is the title, as written or unglued, once folded (sameText).
  const isTitle = (text: string): boolean =>
    text !== '' && ownTitle !== '' && (sameFoldedText(text, title) || (titleAsWritten !== title && sameFoldedText(text, titleAsWritten)));
  if (ownTitle !== '' && isTitle(summary)) {
    // Many feeds repeat the title as description; the content, if any, says more.
    const fromContent = stripBidiControls(summarize(textOfContent(), SUMMARY_CHARS));
    summary = fromContent !== '' && !isTitle(fromContent) ? fromContent : '';
  }

  // A glued title repeated as the whole content (a scraped card) is no content either.
  const isGluedCard = ownTitle !== titleAsWritten && sameText(parsed.content !== null ? textOfContent() : summaryText, titleAsWritten);

  const dates = resolveDates(parsed, ctx.fetchedAt);
  const item: Item = {
    id,
    guid: parsed.guid,
    link,
    title,
    summary,
    contentHtml: isGluedCard ? '' : content.html,
    author: textField(parsed.author, MAX_AUTHOR_CHARS) || null,
    ...dates,
    categories: dedupeCategories(parsed.categories),
    language: primaryLanguage(parsed.language) ?? primaryLanguage(feed.language) ?? primaryLanguage(ctx.sourceLang),
    links: outboundLinks(content.hrefs, link),
    imageUrl: content.images[0] ?? null,
  };
  return { item, contentText: content.text };
}

/** What a feed says about itself, as readers may see it: the source's name and site link. */
export interface SourceInfo {
  /** The feed's title as one line of plain text (feed titles may hold markup or entities), or null. */
  readonly title: string | null;
  /** The feed's `<link>` as an absolute http(s) URL, or null (a `javascript:` link is not a site). */
  readonly siteUrl: string | null;
}

/**
 * The feed-level fields that end up published as the source's name and site link. ParsedFeed keeps
 * them as found; they go through here before they are stored or shown.
 */
export function normalizeSourceInfo(feed: Pick<ParsedFeed, 'title' | 'link' | 'base'>, baseUrl: string): SourceInfo {
  return {
    title: textField(feed.title, MAX_TITLE_CHARS) || null,
    siteUrl: feed.link === null ? null : absoluteUrl(feed.link, feed.base ?? baseUrl),
  };
}

/**
 * First 32 hex characters of sha256(sourceKey + "\n" + key), where key is the GUID, else the
 * canonical link, else title and date as written (else the text itself). Stable across runs.
 */
export function computeItemId(sourceKey: string, item: ParsedItem, canonicalLink: string | null): string {
  const guid = item.guid?.trim() ?? '';
  let key: string;
  if (guid !== '') key = guid;
  else if (canonicalLink !== null && canonicalLink !== '') key = canonicalLink;
  else {
    key = `${item.title?.trim() ?? ''}\n${item.published?.trim() ?? ''}`;
    if (key === '\n') key = `\n\n${item.summary ?? ''}\n${item.content ?? ''}`;
  }
  return hash('sha256', `${sourceKey}\n${key}`).slice(0, 32);
}

function resolveDates(
  parsed: ParsedItem,
  fetchedAt: Date,
): Pick<Item, 'publishedAt' | 'updatedAt' | 'dateMissing'> {
  const horizon = fetchedAt.getTime() + FUTURE_TOLERANCE_MS;
  const updated = parseFeedDate(parsed.updated);
  const updatedAt = updated !== null && updated.getTime() <= horizon ? updated.toISOString() : null;
  const published = parseFeedDate(parsed.published) ?? updated;
  if (published === null || published.getTime() > horizon) {
    return { publishedAt: fetchedAt.toISOString(), updatedAt, dateMissing: true };
  }
  return { publishedAt: published.toISOString(), updatedAt, dateMissing: false };
}


function dedupeCategories(categories: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of categories) {
    const category = textField(raw, MAX_CATEGORY_CHARS);
    const key = category.toLowerCase();
    if (category === '' || seen.has(key)) continue;
    seen.add(key);
    out.push(category);
  }
  return out;
}

function outboundLinks(hrefs: readonly string[], ownLink: string | null): string[] {
  const out = new Set<string>();
  for (const href of hrefs) {
    const canonical = canonicalizeUrl(href);
    if (canonical !== null && canonical !== ownLink) out.add(canonical);
  }
  return [...out];
}

function textOf(html: string | null): string {
  return html === null ? '' : htmlToText(html);
}

/** A feed's HTML-or-text field as one line of plain text, bidi controls dropped, capped. */
function textField(html: string | null, maxChars: number): string {
  return capText(stripBidiControls(oneLine(textOf(html))), maxChars);
}

function oneLine(text: string): string {
  // Without a line break nothing is replaced: no callback per run of spaces (most titles; issue 15).
  if (!text.includes('\n')) return text.trim();
  // Each run of white space read once: `\s*\n\s*` retried a long run without a line break at each of its spaces.
  return text.replace(/\s+/g, (run) => (run.includes('\n') ? ' ' : run)).trim();
}

function sameText(a: string, b: string): boolean {
  return a !== '' && sameFoldedText(a, b);
}

function absoluteUrl(raw: string, base: string): string | null {
  try {
    const url = new URL(raw.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}
