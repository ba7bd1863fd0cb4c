// Renders the published feeds (RSS 2.0, Atom 1.0, JSON Feed 1.1) from the project's own types.
// Written by hand through xml.ts: the `feed` package cannot express per-item <source>, xml:lang or JSON Feed 1.1.

import type { FeedEntry, FeedMeta } from '../domain/types.js';
import { VeilleError } from '../domain/errors.js';
import { escapeHtml } from './html.js';
import { webUrlOrNull } from '../domain/web-url.js';
import { XML_DECLARATION, stripIllegalXmlChars, xmlAttributes, xmlElement } from './xml.js';

const NS_ATOM = 'http://www.w3.org/2005/Atom';
const NS_CONTENT = 'http://purl.org/rss/1.0/modules/content/';
const NS_DC = 'http://purl.org/dc/elements/1.1/';

function parseDate(value: string, what: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new VeilleError('PUBLISH_FAILED', `publish: ${what}: invalid date "${value}"`);
  }
  return date;
}

/** RFC 3339, as Atom and JSON Feed require. */
function toRfc3339(value: string, what: string): string {
  return parseDate(value, what).toISOString().replace('.000Z', 'Z');
}

/** What the feed renderers are told beyond the entries. */
export interface FeedOptions {
  /**
   * False when the entries are the feed's own (the weekly digest): no <source>, which names the
   * feed an entry was copied from (RFC 4287 §4.2.11, RSS 2.0 <source>).
   */
  readonly sourceElements: boolean;
}

const FROM_SOURCES: FeedOptions = { sourceElements: true };

/**
 * Each entry's atom:updated, distinct within the feed: the W3C Feed Validator warns of "two entries
 * with the same value for atom:updated", and readers that order or dedupe by it stumble. Of entries
 * that share an instant, the first by id keeps it and each other is written 1 ms later (or the next
 * free millisecond): a shift far below what a reader shows, the same on every run of the same feed.
 */
function distinctUpdates(entries: readonly FeedEntry[]): Map<FeedEntry, string> {
  const instants = new Map<FeedEntry, number>();
  const taken = new Set<number>();
  const byInstant = new Map<number, FeedEntry[]>();
  for (const entry of entries) {
    const at = parseDate(entry.updatedAt, `entry ${entry.guid}`).getTime();
    let group = byInstant.get(at);
    if (!group) byInstant.set(at, (group = []));
    group.push(entry);
    taken.add(at);
  }
  for (const [at, group] of byInstant) {
    group.sort((a, b) => (a.guid < b.guid ? -1 : a.guid > b.guid ? 1 : 0));
    instants.set(group[0] as FeedEntry, at);
    let next = at;
    for (const entry of group.slice(1)) {
      do next += 1;
      while (taken.has(next));
      taken.add(next);
      instants.set(entry, next);
    }
  }
  return new Map([...instants].map(([entry, at]) => [entry, new Date(at).toISOString().replace('.000Z', 'Z')]));
}

/** RFC 822 (with four-digit year, RFC 1123), as RSS 2.0 requires. */
function toRfc822(value: string, what: string): string {
  return parseDate(value, what).toUTCString();
}

/** Atom ids must be IRIs (RFC 4287 §4.2.6); a GUID that is not one gets a stable URN prefix. */
export function toAtomId(guid: string): string {
  if (/^[a-z][a-z0-9+.-]*:[^\s]+$/i.test(guid)) return guid;
  return `urn:veille:${encodeURIComponent(guid)}`;
}

/** Indents each element, not the lines inside its text: content HTML keeps its own newlines. */
function indent(elements: readonly string[], depth: number): string[] {
  const pad = '  '.repeat(depth);
  return elements.map((element) => pad + element);
}

/** In the HTML tokenizer, `<` opens a tag (or comment, or end tag) before these (WHATWG HTML §13.2.5.6). */
const TAG_OPEN = /<(?=[A-Za-z!/?])/g;

/**
 * A plain-text value (title, author, source name, category) as RSS text. RSS 2.0 does not say
 * whether these hold text or HTML, and readers differ: newsboat and mail-style readers show the
 * text; many web readers render <title> as HTML; feedparser guesses (markup-looking text is HTML).
 * Escaping `<` twice (`&amp;lt;`) would show "&lt;" in the text readers, so a `<` that could open
 * a tag is written as U+2039 ‹ instead: both kinds of reader show "‹img …>" as text, nothing can
 * decode it back, and NFKC keeps it (unlike U+FE64 or U+FF1C, which fold to `<`). A `<` before a
 * space or a digit ("a < b", "<3") is text in HTML and stays. Atom (type="text") and JSON Feed say
 * their titles are plain text and keep the exact value (issue 13, finding 9).
 */
export function rssPlainText(value: string): string {
  return value.replace(TAG_OPEN, '\u2039');
}

function rssText(name: string, value: string, attributes: Parameters<typeof xmlElement>[1] = {}): string {
  return xmlElement(name, attributes, rssPlainText(value));
}

function rssItem(entry: FeedEntry, options: FeedOptions): string[] {
  const what = `entry ${entry.guid}`;
  const link = webUrlOrNull(entry.link);
  // <description> is HTML for every reader: the plain-text summary is escaped once as HTML.
  const description = entry.summary !== '' ? escapeHtml(entry.summary) : entry.contentHtml;
  const lines = [
    rssText('title', entry.title),
    ...(link !== null ? [xmlElement('link', {}, link)] : []),
    xmlElement('guid', { isPermaLink: 'false' }, entry.guid),
    xmlElement('description', {}, description),
    ...(entry.contentHtml !== '' ? [xmlElement('content:encoded', {}, entry.contentHtml)] : []),
    xmlElement('pubDate', {}, toRfc822(entry.publishedAt, what)),
    ...(entry.author !== null ? [rssText('dc:creator', entry.author)] : []),
    ...(options.sourceElements ? [rssText('source', entry.source.name, { url: entry.source.url })] : []),
    ...entry.themes.map((theme) => rssText('category', theme.label)),
  ];
  return ['<item>', ...indent(lines, 1), '</item>'];
}

export function renderRss(meta: FeedMeta, entries: readonly FeedEntry[], options: FeedOptions = FROM_SOURCES): string {
  const channel = [
    rssText('title', meta.title),
    xmlElement('link', {}, meta.siteUrl),
    rssText('description', meta.description),
    xmlElement('language', {}, meta.language),
    xmlElement('lastBuildDate', {}, toRfc822(meta.updatedAt, 'feed')),
    xmlElement('generator', {}, meta.generator),
    xmlElement('atom:link', { href: meta.feedUrl, rel: 'self', type: 'application/rss+xml' }, null),
    // W3C WebSub §4: the hub link beside the self link, which names the topic.
    ...(meta.hubs ?? []).map((hub) => xmlElement('atom:link', { href: hub, rel: 'hub' }, null)),
  ];
  const rssAttributes = xmlAttributes({
    version: '2.0',
    'xmlns:atom': NS_ATOM,
    'xmlns:content': NS_CONTENT,
    'xmlns:dc': NS_DC,
  });
  return [
    XML_DECLARATION,
    `<rss${rssAttributes}>`,
    '  <channel>',
    ...indent(channel, 2),
    ...indent(entries.flatMap((entry) => rssItem(entry, options)), 2),
    '  </channel>',
    '</rss>',
    '',
  ].join('\n');
}

function atomEntry(entry: FeedEntry, updated: string, options: FeedOptions): string[] {
  const what = `entry ${entry.guid}`;
  const link = webUrlOrNull(entry.link);
  // The site link comes from the source feed's own <link>: never trusted to be a web URL.
  const siteUrl = webUrlOrNull(entry.source.siteUrl);
  // A source is described as a feed is (RFC 4287 §4.2.11): id, title and updated, which the validator asks for.
  // Its updated is the last time veille knows the source changed: when it carried this entry as it is now.
  const source = [
    xmlElement('id', {}, entry.source.url),
    xmlElement('title', { type: 'text' }, entry.source.name),
    xmlElement('updated', {}, updated),
    xmlElement('link', { rel: 'self', href: entry.source.url }, null),
    ...(siteUrl !== null ? [xmlElement('link', { rel: 'alternate', type: 'text/html', href: siteUrl }, null)] : []),
  ];
  const lines = [
    xmlElement('id', {}, toAtomId(entry.guid)),
    xmlElement('title', { type: 'text' }, entry.title),
    xmlElement('updated', {}, updated),
    xmlElement('published', {}, toRfc3339(entry.publishedAt, what)),
    ...(link !== null ? [xmlElement('link', { rel: 'alternate', type: 'text/html', href: link }, null)] : []),
    // Atom requires an author on every entry without a feed-level one (RFC 4287 §4.1.2).
    `<author>${xmlElement('name', {}, entry.author ?? entry.source.name)}</author>`,
    ...(entry.summary !== '' ? [xmlElement('summary', { type: 'text' }, entry.summary)] : []),
    ...(entry.contentHtml !== '' ? [xmlElement('content', { type: 'html' }, entry.contentHtml)] : []),
    ...entry.themes.map((theme) => xmlElement('category', { term: theme.id, label: theme.label }, null)),
    ...(options.sourceElements ? ['<source>', ...indent(source, 1), '</source>'] : []),
  ];
  return [`<entry${xmlAttributes({ 'xml:lang': entry.language })}>`, ...indent(lines, 1), '</entry>'];
}

export function renderAtom(meta: FeedMeta, entries: readonly FeedEntry[], options: FeedOptions = FROM_SOURCES): string {
  const updates = distinctUpdates(entries);
  const feed = [
    xmlElement('id', {}, meta.feedUrl),
    xmlElement('title', { type: 'text' }, meta.title),
    xmlElement('subtitle', { type: 'text' }, meta.description),
    xmlElement('updated', {}, toRfc3339(meta.updatedAt, 'feed')),
    xmlElement('link', { rel: 'self', type: 'application/atom+xml', href: meta.feedUrl }, null),
    ...(meta.hubs ?? []).map((hub) => xmlElement('link', { rel: 'hub', href: hub }, null)),
    xmlElement('link', { rel: 'alternate', type: 'text/html', href: meta.siteUrl }, null),
    xmlElement('generator', {}, meta.generator),
  ];
  return [
    XML_DECLARATION,
    `<feed${xmlAttributes({ xmlns: NS_ATOM, 'xml:lang': meta.language })}>`,
    ...indent(feed, 1),
    ...indent(entries.flatMap((entry) => atomEntry(entry, updates.get(entry) ?? toRfc3339(entry.updatedAt, entry.guid), options)), 1),
    '</feed>',
    '',
  ].join('\n');
}

function jsonItem(entry: FeedEntry): Record<string, unknown> {
  const what = `entry ${entry.guid}`;
  return {
    id: entry.guid,
    url: webUrlOrNull(entry.link) ?? undefined,
    title: entry.title,
    summary: entry.summary !== '' ? entry.summary : undefined,
    // JSON Feed needs content_html or content_text on every item.
    content_html: entry.contentHtml !== '' ? entry.contentHtml : undefined,
    content_text: entry.contentHtml === '' ? entry.summary : undefined,
    image: webUrlOrNull(entry.imageUrl) ?? undefined,
    date_published: toRfc3339(entry.publishedAt, what),
    date_modified: toRfc3339(entry.updatedAt, what),
    authors: entry.author !== null ? [{ name: entry.author }] : undefined,
    tags: entry.themes.length > 0 ? entry.themes.map((theme) => theme.label) : undefined,
    language: entry.language ?? undefined,
    _veille: {
      source: { name: entry.source.name, url: entry.source.url },
      themes: entry.themes.map((theme) => theme.id),
      // A story told by several sources: each with its own item's link.
      sources: entry.sources?.map((source) => ({ name: source.name, url: webUrlOrNull(source.link) ?? undefined, language: source.language ?? undefined })),
      // A model's résumé (issue 16): which model, and the title it replaces.
      resume: entry.resume ? { model: entry.resume.model, original_title: entry.resume.originalTitle, original_language: entry.resume.originalLanguage ?? undefined } : undefined,
    },
  };
}

export function renderJsonFeed(meta: FeedMeta, entries: readonly FeedEntry[]): string {
  const feed = {
    version: 'https://jsonfeed.org/version/1.1',
    title: meta.title,
    home_page_url: meta.siteUrl,
    feed_url: meta.feedUrl,
    description: meta.description,
    language: meta.language,
    // JSON Feed 1.1 `hubs`: the WebSub hubs, with feed_url as the topic.
    hubs: meta.hubs !== undefined && meta.hubs.length > 0 ? meta.hubs.map((url) => ({ type: 'WebSub', url })) : undefined,
    items: entries.map(jsonItem),
  };
  // JSON could carry control characters, but the same text should read the same in every format.
  return `${JSON.stringify(feed, (_key, value: unknown) => (typeof value === 'string' ? stripIllegalXmlChars(value) : value), 2)}\n`;
}
