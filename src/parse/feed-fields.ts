// What veille reads from feed XML, shared by the two parsers that produce it (src/parse/xml-feed.ts,
// the one the pipeline runs, and rss-parser-adapter.ts, the benches' baseline): the fields kept,
// the reshaping that keeps one bad entry from failing a feed, and the loose values (xml2js's shapes:
// strings, `{ _: text, $: attributes }`, arrays of children) → ParsedFeed.

import { webSubLinksOf, type DeclaredLink } from './websub-links.js';
import type { ParsedFeed, ParsedItem } from '../domain/types.js';

export type XmlFeedFormat = 'rss' | 'atom' | 'rdf';

export type Loose = Record<string, unknown>;

/** Raw elements copied as xml2js produced them, so that this module, not rss-parser, interprets them. */
export const FEED_FIELDS = [
  ['$', 'veilleAttrs', { keepArray: true }],
  ['veilleRootBase', 'veilleRootBase', { keepArray: true }],
  ['title', 'veilleTitle', { keepArray: true }],
  ['subtitle', 'veilleSubtitle', { keepArray: true }],
  ['tagline', 'veilleTagline', { keepArray: true }],
  ['dc:language', 'veilleDcLanguage', { keepArray: true }],
  ['sy:updatePeriod', 'veilleUpdatePeriod', { keepArray: true }],
  ['sy:updateFrequency', 'veilleUpdateFrequency', { keepArray: true }],
  ['skipHours', 'veilleSkipHours', { keepArray: true }],
  ['skipDays', 'veilleSkipDays', { keepArray: true }],
  // Atom's <link> and RSS's <atom:link>: the WebSub hub and self links (W3C WebSub §4).
  ['link', 'veilleLinks', { keepArray: true }],
  ['atom:link', 'veilleAtomLinks', { keepArray: true }],
] as const;

export const ITEM_FIELDS = [
  ['$', 'veilleAttrs', { keepArray: true }],
  ['title', 'veilleTitle', { keepArray: true }],
  ['guid', 'veilleGuid', { keepArray: true }],
  ['category', 'veilleCategories', { keepArray: true }],
  ['dc:subject', 'veilleSubjects', { keepArray: true }],
  ['content', 'veilleContent', { keepArray: true }],
  ['summary', 'veilleSummary', { keepArray: true }],
  ['published', 'veillePublished', { keepArray: true }],
  ['updated', 'veilleUpdated', { keepArray: true }],
  ['issued', 'veilleIssued', { keepArray: true }],
  ['created', 'veilleCreated', { keepArray: true }],
  ['modified', 'veilleModified', { keepArray: true }],
  ['dc:date', 'veilleDcDate', { keepArray: true }],
  ['atom:updated', 'veilleAtomUpdated', { keepArray: true }],
  ['dcterms:modified', 'veilleDctermsModified', { keepArray: true }],
  ['dc:language', 'veilleDcLanguage', { keepArray: true }],
  // <fullitem> (an old RSS extension): the item's full text as escaped HTML.
  ['fullitem', 'veilleFullitem', { keepArray: true }],
  // <body> / <xhtml:body> (XHTML full text), turned into HTML text by `inlineXhtml`.
  ['body', 'veilleBody', { keepArray: true }],
  ['xhtml:body', 'veilleXhtmlBody', { keepArray: true }],
  // Fallbacks from common modules when the core element is missing: Dublin Core and DCMI terms,
  // iTunes podcasts, Media RSS (YouTube puts an entry's description in <media:group>).
  ['dc:description', 'veilleDcDescription', { keepArray: true }],
  ['dcterms:issued', 'veilleDctermsIssued', { keepArray: true }],
  ['dcterms:created', 'veilleDctermsCreated', { keepArray: true }],
  ['itunes:summary', 'veilleItunesSummary', { keepArray: true }],
  ['itunes:author', 'veilleItunesAuthor', { keepArray: true }],
  ['itunes:category', 'veilleItunesCategories', { keepArray: true }],
  ['media:title', 'veilleMediaTitle', { keepArray: true }],
  ['media:description', 'veilleMediaDescription', { keepArray: true }],
  ['media:category', 'veilleMediaCategories', { keepArray: true }],
  ['media:group', 'veilleMediaGroup', { keepArray: true }],
] as const;

/**
 * Reshapes the tree xml2js built before rss-parser reads it. rss-parser calls `new Date(x).toISOString()`
 * on Atom dates (throws on a malformed one), reads `link.$.rel` (throws on a `<link>` without
 * attributes) and `channel[0]` unconditionally; reshaping those nodes keeps one bad entry from failing
 * the whole feed. It runs once on the finished tree and visits only the few paths it names: as xml2js's
 * `validator` it made xml2js rebuild the element path at every closing tag, quadratic in the depth
 * (issue 13: 20,000 levels took 9.5 s).
 */
export function guardTree(tree: unknown): unknown {
  if (!isRecord(tree)) return tree;
  // An empty <rss/> or items without a channel (sloppy but well-formed) become an empty channel
  // instead of a TypeError.
  if ('rss' in tree) return { ...tree, rss: guardRssRoot(tree.rss, { itemsOutside: true }) };
  if ('rdf:RDF' in tree) return { ...tree, 'rdf:RDF': guardRssRoot(tree['rdf:RDF'], { itemsOutside: false }) };
  if (isRecord(tree.feed)) {
    const feed = tree.feed;
    const entries = mapChildren(feed.entry, (entry) =>
      isRecord(entry)
        ? {
            ...entry,
            ...guardedChildren(entry, 'published', guardAtomDate),
            ...guardedChildren(entry, 'updated', guardAtomDate),
            ...guardedChildren(entry, 'link', guardAtomLink),
          }
        : entry,
    );
    return {
      ...tree,
      feed: { ...feed, ...guardedChildren(feed, 'link', guardAtomLink), ...(feed.entry === undefined ? {} : { entry: entries }) },
    };
  }
  return tree;
}

function guardRssRoot(node: unknown, options: { itemsOutside: boolean }): Loose {
  const root = isRecord(node) ? node : {};
  // rss-parser reads the channel only: the root's xml:base reaches it as a pseudo-element.
  const rootBase = isRecord(root.$) && typeof root.$['xml:base'] === 'string' ? { veilleRootBase: [root.$['xml:base']] } : {};
  if (Array.isArray(root.channel) && isRecord(root.channel[0])) {
    return { ...root, channel: [{ ...root.channel[0], ...rootBase }, ...root.channel.slice(1)] };
  }
  const channel = options.itemsOutside && root.item !== undefined ? { item: root.item } : {};
  return { ...root, channel: [{ ...channel, ...rootBase }] };
}

/** Atom `<published>` / `<updated>` as text, so that rss-parser leaves its date alone. */
function guardAtomDate(node: unknown): unknown {
  return typeof node === 'string' ? { _: node } : node;
}

function guardAtomLink(node: unknown): unknown {
  // A URL written as the element's text, `<link rel="alternate">https://…</link>` (not Atom, but
  // seen in the wild), is read as its href.
  if (typeof node === 'string') return { _: node, $: { href: node.trim() } };
  if (!isRecord(node)) return node;
  const attrs = isRecord(node.$) ? node.$ : {};
  const href = attrs.href ?? (typeof node._ === 'string' ? node._.trim() : undefined);
  return { ...node, $: href === undefined ? attrs : { ...attrs, href } };
}

/** `{ [name]: guarded children }`, or nothing when the node has no such child. */
function guardedChildren(node: Loose, name: string, guard: (child: unknown) => unknown): Loose {
  return node[name] === undefined ? {} : { [name]: mapChildren(node[name], guard) };
}

function mapChildren(children: unknown, guard: (child: unknown) => unknown): unknown {
  return Array.isArray(children) ? children.map(guard) : guard(children);
}


/** The namespace of each format itself; a module's elements (dc:, atom:link in RSS) keep their prefix. */
const CORE_NAMESPACES: Readonly<Record<XmlFeedFormat, readonly string[]>> = {
  atom: ['http://www.w3.org/2005/Atom', 'http://purl.org/atom/ns#'],
  rdf: ['http://purl.org/rss/1.0/'],
  rss: ['http://backend.userland.com/rss2'],
};

const PREFIX_DECLARATION = /\sxmlns:([A-Za-z_][\w.-]*)\s*=\s*(["'])([^"']*)\2/g;

/**
 * Prefixes the root element binds to the format's own namespace: `<r:rss xmlns:r="…/rss2">`,
 * `<rss:item>` in RSS 1.0. rss-parser knows the core elements by their unprefixed names only.
 */
export function corePrefixes(xml: string, format: XmlFeedFormat): Set<string> {
  const root = /^(?:\s|<\?[\s\S]*?\?>|<!--[\s\S]*?-->)*(<[^>]*>)/.exec(xml)?.[1] ?? '';
  const prefixes = new Set<string>();
  for (const [, prefix, , uri] of root.matchAll(PREFIX_DECLARATION)) {
    if (prefix !== undefined && uri !== undefined && CORE_NAMESPACES[format].includes(uri.trim())) prefixes.add(prefix);
  }
  return prefixes;
}

export function withoutCorePrefix(name: string, prefixes: ReadonlySet<string>): string {
  const colon = name.indexOf(':');
  return colon > 0 && prefixes.has(name.slice(0, colon)) ? name.slice(colon + 1) : name;
}

export function toParsedFeed(feed: Loose, format: XmlFeedFormat, documentUrl: string): ParsedFeed {
  const atom = format === 'atom';
  const attrs = isRecord(feed.veilleAttrs) ? feed.veilleAttrs : {};
  const rawItems = Array.isArray(feed.items) ? feed.items : [];
  const feedBase = withXmlBase(withXmlBase({ url: documentUrl, declared: false }, first(feed.veilleRootBase)), attrs['xml:base']);
  const itemBase = (item: Loose): string | null => {
    const itemAttrs = isRecord(item.veilleAttrs) ? item.veilleAttrs : {};
    const scope = withXmlBase(feedBase, itemAttrs['xml:base']);
    return scope.declared ? scope.url : null;
  };
  const links = declaredLinks([feed.veilleLinks, feed.veilleAtomLinks]);
  const websub = webSubLinksOf(links, feedBase.url);
  return {
    format,
    title: atom ? textConstruct(first(feed.veilleTitle)) : text(feed.title),
    // rss-parser takes an Atom feed's first <link>, which may be its hub or self link (RFC 4287
    // §4.2.7.2: the site is rel="alternate", the default).
    link: atom ? (links.find((link) => link.rel === 'alternate' || link.rel === '')?.href ?? text(feed.link)) : text(feed.link),
    description: atom
      ? textConstruct(first(feed.veilleSubtitle) ?? first(feed.veilleTagline))
      : text(feed.description),
    language: languageTag(text(feed.language) ?? text(first(feed.veilleDcLanguage)) ?? text(attrs['xml:lang'])),
    base: feedBase.declared ? feedBase.url : null,
    ttlMinutes: parseTtl(feed.ttl),
    updatePeriodMinutes: parseUpdatePeriod(first(feed.veilleUpdatePeriod), first(feed.veilleUpdateFrequency)),
    skipHours: parseSkipHours(first(feed.veilleSkipHours)),
    skipDays: parseSkipDays(first(feed.veilleSkipDays)),
    ...(websub !== undefined ? { websub } : {}),
    items: rawItems
      .filter(isRecord)
      .map((item) => ({ ...(atom ? toAtomItem(item) : toRssItem(item)), base: itemBase(item) })),
  };
}

/** The feed-level link elements with an href: rel as written ('' when absent). */
function declaredLinks(lists: readonly unknown[]): DeclaredLink[] {
  const links: DeclaredLink[] = [];
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    for (const element of list) {
      const attrs = isRecord(element) && isRecord(element.$) ? element.$ : null;
      const href = attrs === null ? null : text(attrs.href);
      if (attrs === null || href === null) continue;
      links.push({ rel: (text(attrs.rel) ?? '').toLowerCase(), href });
    }
  }
  return links;
}

interface BaseScope {
  readonly url: string;
  /** Whether an xml:base was declared in scope (else `url` is the document's URL). */
  readonly declared: boolean;
}

/**
 * XML Base (https://www.w3.org/TR/xmlbase/ §4.2; RFC 4287 §2 for Atom): an `xml:base` resolves
 * against the base in scope above it. One that is not http(s) (`javascript:`) or does not parse is ignored.
 */
function withXmlBase(scope: BaseScope, value: unknown): BaseScope {
  const raw = text(value);
  if (raw === null) return scope;
  try {
    const url = new URL(raw, scope.url);
    return url.protocol === 'http:' || url.protocol === 'https:' ? { url: url.href, declared: true } : scope;
  } catch {
    return scope;
  }
}

/** RSS 2.0: `<guid isPermaLink="false">` says the GUID is an identifier only, whatever it looks like. */
function isNotPermaLink(guid: unknown): boolean {
  const value = isRecord(guid) && isRecord(guid.$) ? guid.$.isPermaLink : undefined;
  return typeof value === 'string' && value.trim().toLowerCase() === 'false';
}

function toRssItem(item: Loose): Omit<ParsedItem, 'base'> {
  const attrs = isRecord(item.veilleAttrs) ? item.veilleAttrs : {};
  // rss-parser puts <description> in `content`; <content:encoded> (or <fullitem>, <body>) is the full text.
  return {
    guid: text(item.guid) ?? text(item['rdf:about']) ?? text(attrs['rdf:about']),
    guidIsPermaLink: !isNotPermaLink(first(item.veilleGuid)),
    link: text(item.link),
    title: text(first(item.veilleTitle)) ?? text(item.title) ?? mediaText(item, 'media:title'),
    summary:
      text(item.content) ??
      text(first(item.veilleSummary)) ??
      text(first(item.veilleDcDescription)) ??
      text(first(item.veilleItunesSummary)) ??
      mediaText(item, 'media:description'),
    content:
      text(item['content:encoded']) ??
      text(first(item.veilleFullitem)) ??
      text(first(item.veilleBody)) ??
      text(first(item.veilleXhtmlBody)),
    author: rssAuthor(text(item.creator) ?? text(item.author)) ?? text(first(item.veilleItunesAuthor)),
    published:
      text(item.pubDate) ??
      text(first(item.veilleDcDate)) ??
      text(first(item.veillePublished)) ??
      text(first(item.veilleDctermsIssued)) ??
      text(first(item.veilleDctermsCreated)),
    updated: text(first(item.veilleAtomUpdated)) ?? text(first(item.veilleDctermsModified)),
    categories: [
      ...categories([...asArray(item.veilleCategories), ...asArray(item.veilleSubjects)]),
      ...moduleCategories(item),
    ],
    language: languageTag(text(first(item.veilleDcLanguage)) ?? text(attrs['xml:lang'])),
  };
}

function toAtomItem(item: Loose): Omit<ParsedItem, 'base'> {
  const attrs = isRecord(item.veilleAttrs) ? item.veilleAttrs : {};
  const published =
    text(first(item.veillePublished)) ?? text(first(item.veilleIssued)) ?? text(first(item.veilleCreated));
  const updated = text(first(item.veilleUpdated)) ?? text(first(item.veilleModified));
  return {
    guid: text(item.id),
    link: text(item.link),
    title: textConstruct(first(item.veilleTitle)) ?? mediaText(item, 'media:title'),
    summary: contentConstruct(first(item.veilleSummary), item.summary) ?? mediaText(item, 'media:description'),
    content: contentConstruct(first(item.veilleContent), item.content),
    author: text(item.author),
    published: published ?? updated,
    updated,
    categories: [...categories(asArray(item.veilleCategories)), ...moduleCategories(item)],
    language: languageTag(text(attrs['xml:lang'])),
  };
}

/** Atom text construct (RFC 4287 §3.1) as HTML: `type="text"` (the default) is escaped. */
function textConstruct(node: unknown): string | null {
  const value = text(node);
  if (value === null) return null;
  if (isBase64(node)) return decodeBase64Construct(node, value);
  return isPlainTextType(node) ? escapeHtml(value) : value;
}

/** Atom content: rss-parser serializes xhtml content for us (`built`); plain text is escaped. */
function contentConstruct(node: unknown, built: unknown): string | null {
  if (node === undefined) return null;
  const value = typeof built === 'string' ? built.trim() || null : text(node);
  if (value === null) return null;
  if (isBase64(node)) return decodeBase64Construct(node, text(node) ?? '');
  return isPlainTextType(node) ? escapeHtml(value) : value;
}

/**
 * Atom 0.3 `mode="base64"`, and Atom 1.0 content whose type is a MIME type that is neither text nor
 * XML (RFC 4287 §4.1.3.3: then it is base64). Left encoded, it would be published as gibberish.
 */
function isBase64(node: unknown): boolean {
  const attrs = isRecord(node) && isRecord(node.$) ? node.$ : {};
  if (attrs.mode === 'base64') return true;
  const type = typeof attrs.type === 'string' ? attrs.type.trim().toLowerCase() : '';
  return type.includes('/') && !type.startsWith('text/') && !/[/+]xml$/.test(type) && !type.endsWith('xml-dtd');
}

/** Decoded as UTF-8 HTML (then sanitized like any other), or escaped when the type says plain text. */
function decodeBase64Construct(node: unknown, encoded: string): string | null {
  const compact = encoded.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return escapeHtml(encoded);
  const decoded = Buffer.from(compact, 'base64').toString('utf8').trim();
  if (decoded === '') return null;
  const attrs = isRecord(node) && isRecord(node.$) ? node.$ : {};
  const type = typeof attrs.type === 'string' ? attrs.type.trim().toLowerCase() : '';
  return type === 'text' || type === 'text/plain' ? escapeHtml(decoded) : decoded;
}

function isPlainTextType(node: unknown): boolean {
  const attrs = isRecord(node) && isRecord(node.$) ? node.$ : {};
  const type = typeof attrs.type === 'string' ? attrs.type.trim().toLowerCase() : '';
  // Atom 1.0: text | html | xhtml; Atom 0.3: MIME types, mode="escaped" holds HTML-escaped markup.
  if (type === '' || type === 'text' || type === 'text/plain') {
    return !(typeof attrs.mode === 'string' && attrs.mode === 'escaped' && type === '');
  }
  return false;
}

function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * "jdoe@example.com (John Doe)" (RSS 2.0 `<author>`) → "John Doe". Read with indexOf: a pattern
 * such as `^\S+@\S+\s*\((.+)\)$` backtracks over every '@' of a hostile value, quadratic in its length.
 */
function rssAuthor(value: string | null): string | null {
  if (value === null) return null;
  const open = value.indexOf('(');
  if (open < 0 || !value.endsWith(')')) return value;
  const address = value.slice(0, open).trimEnd();
  const at = address.indexOf('@');
  if (at <= 0 || at === address.length - 1 || /\s/.test(address)) return value;
  return value.slice(open + 1, -1).trim() || value;
}

/** RSS `<category domain="…">text</category>`, Atom `<category term="…" label="…"/>`, `<dc:subject>`. */
function categories(nodes: readonly unknown[]): string[] {
  const out: string[] = [];
  for (const node of nodes) {
    const attrs = isRecord(node) && isRecord(node.$) ? node.$ : {};
    const value = text(node) ?? text(attrs.term) ?? text(attrs.label);
    if (value !== null) out.push(value);
  }
  return out;
}

/**
 * Media RSS `<media:title>` / `<media:description>`, on the item or inside its `<media:group>`, as
 * HTML: `type="plain"` (the default) is escaped (https://www.rssboard.org/media-rss#optional-elements).
 */
function mediaText(item: Loose, element: 'media:title' | 'media:description'): string | null {
  const field = element === 'media:title' ? 'veilleMediaTitle' : 'veilleMediaDescription';
  const group = first(item.veilleMediaGroup);
  const node = first(item[field]) ?? (isRecord(group) ? first(group[element]) : undefined);
  const value = text(node);
  if (value === null) return null;
  const attrs = isRecord(node) && isRecord(node.$) ? node.$ : {};
  return attrs.type === 'html' ? value : escapeHtml(value);
}

/**
 * iTunes `<itunes:category text="Technology"><itunes:category text="Gadgets"/></itunes:category>`
 * (the name is an attribute, subcategories nest) and Media RSS `<media:category>` (the name is the text).
 */
function moduleCategories(item: Loose): string[] {
  const out: string[] = [];
  const visit = (node: unknown, depth: number): void => {
    if (!isRecord(node) || depth > 3) return;
    const name = isRecord(node.$) ? text(node.$.text) : null;
    if (name !== null) out.push(name);
    for (const child of asArray(node['itunes:category'])) visit(child, depth + 1);
  };
  for (const node of asArray(item.veilleItunesCategories)) visit(node, 0);
  return [...out, ...categories(asArray(item.veilleMediaCategories))];
}

/** BCP 47 separates subtags with hyphens; `en_US` (a POSIX locale name) is a frequent slip. */
function languageTag(value: string | null): string | null {
  return value === null ? null : value.replace(/_/g, '-');
}

function parseTtl(value: unknown): number | null {
  const raw = text(value);
  if (raw === null || !/^\d{1,7}$/.test(raw)) return null;
  const minutes = Number(raw);
  return minutes > 0 ? minutes : null;
}

/** RSS syndication module (http://web.resource.org/rss/1.0/modules/syndication/): the period, default daily,
 * is divided by the frequency, default 1 ("hourly" and "2" mean every 30 minutes). */
const UPDATE_PERIOD_MINUTES: Readonly<Record<string, number>> = {
  hourly: 60,
  daily: 24 * 60,
  weekly: 7 * 24 * 60,
  monthly: 30 * 24 * 60,
  yearly: 365 * 24 * 60,
};

function parseUpdatePeriod(periodNode: unknown, frequencyNode: unknown): number | null {
  const period = text(periodNode)?.toLowerCase() ?? null;
  const frequency = text(frequencyNode);
  if (period === null && frequency === null) return null;
  const periodMinutes = UPDATE_PERIOD_MINUTES[period ?? 'daily'];
  if (periodMinutes === undefined) return null;
  if (frequency !== null && !/^\d{1,6}$/.test(frequency)) return null;
  const times = frequency === null ? 1 : Number(frequency);
  return times > 0 ? periodMinutes / times : null;
}

/** RSS 2.0 `<skipHours><hour>0</hour>…</skipHours>`: 0–23, GMT; some feeds write 24 for midnight. */
function parseSkipHours(node: unknown): number[] {
  const hours = new Set<number>();
  for (const value of asArray(isRecord(node) ? node.hour : undefined)) {
    const raw = text(value);
    if (raw === null || !/^\d{1,2}$/.test(raw)) continue;
    const hour = Number(raw);
    if (hour <= 24) hours.add(hour % 24);
  }
  return [...hours].sort((a, b) => a - b);
}

const DAY_NAMES: readonly string[] = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** RSS 2.0 `<skipDays><day>Saturday</day>…</skipDays>`, names matched without regard to case. */
function parseSkipDays(node: unknown): string[] {
  const days = new Set<string>();
  for (const value of asArray(isRecord(node) ? node.day : undefined)) {
    const raw = text(value)?.toLowerCase();
    const day = DAY_NAMES.find((name) => name.toLowerCase() === raw);
    if (day !== undefined) days.add(day);
  }
  return DAY_NAMES.filter((day) => days.has(day));
}

/** A trimmed string from whatever xml2js produced: string, `{ _: text }`, or nested elements. */
function text(value: unknown): string | null {
  const collected = collectText(value, 0).trim();
  return collected === '' ? null : collected;
}

function collectText(value: unknown, depth: number): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (depth > 20) return '';
  if (Array.isArray(value)) return value.map((v) => collectText(v, depth + 1)).join(' ');
  if (!isRecord(value)) return '';
  const own = typeof value._ === 'string' ? value._ : '';
  // Mixed content (an xhtml title): xml2js keeps the text in `_` and the child elements by name,
  // so their order is lost; text first, then the children, is the best that can be rebuilt.
  const children = Object.entries(value)
    .filter(([key]) => key !== '$' && key !== '_')
    .map(([, v]) => collectText(v, depth + 1));
  return [own, ...children].join(' ');
}

function first(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}

function asArray(value: unknown): readonly unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

export function isRecord(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
