// JSON Feed 1.0 and 1.1 (https://www.jsonfeed.org/version/1.1/) → ParsedFeed.
// The document is untrusted JSON: every field is checked for its type before it is used.

import type { ParsedFeed, ParsedItem } from '../domain/types.js';
import { VeilleError } from '../domain/errors.js';
import { webSubLinksOf, type DeclaredLink } from './websub-links.js';

type Json = Record<string, unknown>;

const VERSION = /^https?:\/\/(?:www\.)?jsonfeed\.org\/version\/1(?:\.\d+)?\/?$/;

/** True when a parsed JSON value declares itself a JSON Feed (`version` https://jsonfeed.org/version/1[.1]). */
export function isJsonFeed(value: unknown): value is Json {
  return isRecord(value) && typeof value.version === 'string' && VERSION.test(value.version.trim());
}

/** Converts a JSON Feed document (already JSON.parse'd and checked with `isJsonFeed`). */
export function convertJsonFeed(doc: Json, url: string): ParsedFeed {
  if (!Array.isArray(doc.items)) {
    throw new VeilleError('PARSE_INVALID_FEED', `parse: ${url}: JSON Feed without an "items" array`);
  }
  const feedAuthor = authorName(doc);
  const websub = webSubLinksOf(jsonFeedLinks(doc), url);
  return {
    format: 'json',
    title: str(doc.title),
    link: str(doc.home_page_url),
    description: str(doc.description),
    language: str(doc.language),
    base: null,
    ttlMinutes: null,
    updatePeriodMinutes: null,
    skipHours: [],
    skipDays: [],
    ...(websub !== undefined ? { websub } : {}),
    items: doc.items.filter(isRecord).map((item) => convertItem(item, feedAuthor)),
  };
}

/** JSON Feed 1.1 `hubs` of type WebSub (rssCloud is another protocol) and `feed_url` as the self link. */
function jsonFeedLinks(doc: Json): DeclaredLink[] {
  const hubs = Array.isArray(doc.hubs) ? doc.hubs.filter(isRecord) : [];
  const links: DeclaredLink[] = hubs.flatMap((hub) => {
    const type = str(hub.type);
    const url = str(hub.url);
    return type !== null && url !== null && type.toLowerCase() === 'websub' ? [{ rel: 'hub', href: url }] : [];
  });
  const self = str(doc.feed_url);
  return self === null ? links : [...links, { rel: 'self', href: self }];
}

function convertItem(item: Json, feedAuthor: string | null): ParsedItem {
  const contentText = str(item.content_text);
  return {
    // 1.0 feeds in the wild sometimes use numeric ids; the spec says "string".
    guid: typeof item.id === 'number' && Number.isFinite(item.id) ? String(item.id) : str(item.id),
    link: str(item.url) ?? str(item.external_url),
    title: str(item.title),
    summary: str(item.summary),
    content: str(item.content_html) ?? (contentText === null ? null : textToHtml(contentText)),
    author: authorName(item) ?? feedAuthor,
    published: str(item.date_published),
    updated: str(item.date_modified),
    categories: Array.isArray(item.tags) ? item.tags.map(str).filter((t): t is string => t !== null) : [],
    language: str(item.language),
    base: null,
  };
}

/** 1.1 `authors: [{name}]`, else 1.0 `author: {name}`. */
function authorName(holder: Json): string | null {
  if (Array.isArray(holder.authors)) {
    const names = holder.authors
      .map((a) => (isRecord(a) ? str(a.name) : null))
      .filter((n): n is string => n !== null);
    if (names.length > 0) return names.join(', ');
  }
  return isRecord(holder.author) ? str(holder.author.name) : null;
}

/** content_text is plain text; the rest of the pipeline reads `content` as HTML. */
function textToHtml(value: string): string {
  const escaped = value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return escaped
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${paragraph.replace(/\n/g, '<br>')}</p>`)
    .join('');
}

function str(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
