// Feed XML (RSS 0.9x/1.0 (RDF)/2.0, Atom 0.3/1.0) → ParsedFeed in one pass over sax's events. Only
// the elements veille reads are kept, as the values xml2js gave them (src/parse/feed-fields.ts reads
// those shapes); the rest of the document is skipped as it streams by. Until December this went
// through rss-parser: xml2js built the whole document as objects, then rss-parser copied fields out
// of them (a quarter of a first import's processing thread). The copy below follows rss-parser's own
// (lib/parser.js, lib/utils.js, 3.13) so that every feed reads the same; tools/bench/parse-compare.ts
// checks it against rss-parser on every fixture.

import { createRequire } from 'node:module';
import type { ParsedFeed } from '../domain/types.js';
import {
  FEED_FIELDS,
  ITEM_FIELDS,
  corePrefixes,
  guardTree,
  isRecord,
  toParsedFeed,
  withoutCorePrefix,
  type Loose,
  type XmlFeedFormat,
} from './feed-fields.js';
import { scanWellFormed, type ScanSink } from './xml-scan.js';

interface SaxTag {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
}

interface SaxParser {
  onopentag: (tag: SaxTag) => void;
  onclosetag: () => void;
  ontext: (text: string) => void;
  oncdata: (text: string) => void;
  onerror: (error: Error) => void;
  write(chunk: string): SaxParser;
  close(): SaxParser;
  resume(): SaxParser;
}

const require = createRequire(import.meta.url);
const sax = require('sax') as { parser(strict: boolean, options: Readonly<Record<string, boolean>>): SaxParser };

/**
 * Which children of an element are kept: `ALL` (the element is read as a value: its whole subtree),
 * or, for the containers (root, channel, item, entry), the names read and how each is kept. A
 * child not named is skipped with its subtree.
 */
type Keep = typeof ALL | ReadonlyMap<string, Keep>;
const ALL = 'all';

function keep(names: readonly string[], containers: readonly (readonly [string, Keep])[] = []): ReadonlyMap<string, Keep> {
  return new Map<string, Keep>([...names.map((name): [string, Keep] => [name, ALL]), ...containers]);
}

const namesOf = (fields: readonly (readonly unknown[])[]): string[] =>
  fields.map((field) => field[0]).filter((name): name is string => typeof name === 'string' && name !== '$');

/** rss-parser's own fields (lib/fields.js) that feed-fields.ts reads, and the elements it reads itself. */
const RSS_FEED_FIELDS = [['dc:title', 'title'], 'title', 'description', 'link', 'language', 'ttl'] as const;
const RSS_ITEM_FIELDS = [
  ['author', 'creator'],
  ['dc:creator', 'creator'],
  ['dc:title', 'title'],
  'title',
  'link',
  'pubDate',
  'author',
  ['content:encoded', 'content:encoded'],
] as const;

const ITEM = keep([
  ...namesOf(ITEM_FIELDS),
  ...RSS_ITEM_FIELDS.map((field) => (typeof field === 'string' ? field : field[0])),
  // rss-parser: description (RSS), guid; Atom: id, link, author, content, summary.
  'description', 'guid', 'id', 'link', 'author', 'content', 'summary',
]);
const FEED_NAMES = [...namesOf(FEED_FIELDS), ...RSS_FEED_FIELDS.map((field) => (typeof field === 'string' ? field : field[0]))];
const RSS_CHANNEL = keep(FEED_NAMES, [['item', ITEM]]);
const RDF_CHANNEL = keep(FEED_NAMES);
const NOTHING = keep([]);
const ROOTS: Readonly<Record<string, Keep>> = {
  rss: keep([], [['channel', RSS_CHANNEL], ['item', ITEM]]),
  'rdf:RDF': keep([], [['channel', RDF_CHANNEL], ['item', ITEM]]),
  feed: keep(FEED_NAMES, [['entry', ITEM]]),
};

/**
 * An open element, as xml2js holds it until its end tag (xml2js/lib/parser.js, default options).
 * Its node is made at its first attribute or kept child: until then its text and CDATA mark are
 * held here, and an element of text alone (most of a feed's: title, link, guid, pubDate) becomes its
 * string without an object made and dropped for it (issue 15: a null-prototype object is a
 * dictionary in V8; 81,657 of them for bench:peers' 200 feeds).
 */
interface Frame {
  readonly name: string;
  node: Loose | null;
  /** The text read while there is no node (node._ holds it once there is). */
  text: string;
  /** A CDATA section read while there is no node. */
  cdata: boolean;
  readonly keep: Keep | null;
  /** Children skipped: the element is still an object, as xml2js would have made it. */
  skipped: boolean;
}

/** The frame's node, made with what the frame held (its text, then its CDATA mark, as xml2js set them). */
function nodeOf(frame: Frame): Loose {
  if (frame.node !== null) return frame.node;
  const node: Loose = Object.create(null) as Loose;
  node._ = frame.text;
  if (frame.cdata) node.cdata = true;
  frame.node = node;
  return node;
}

/**
 * Parses feed XML (already passed through `prepareXml`) found at `documentUrl`. Rejects with sax's
 * own error (the message rss-parser gave: "Unexpected close tag\nLine: …\nColumn: …\nChar: …").
 */
export function parseXmlFeed(xml: string, format: XmlFeedFormat, documentUrl: string): ParsedFeed {
  const prefixes = corePrefixes(xml, format);
  const fast = new TreeBuilder(prefixes);
  const tree = scanWellFormed(xml, fast) ? fast.result : readTreeWithSax(xml, new TreeBuilder(prefixes));
  if (tree === null) throw new Error('Unable to parse XML.');
  return toParsedFeed(buildFeed(guardTree(tree)), format, documentUrl);
}

/** Where the parser's events go: the root as `{ [name]: value }`, its kept elements only. */
interface XmlSink extends ScanSink {
  open(name: string, attributes: Readonly<Record<string, string>>): void;
  close(): void;
  text(text: string): void;
  cdata(text: string): void;
  /** Set at the root's end tag; what follows is not read. */
  readonly result: Loose | null;
}

/** xml2js's tree building (lib/parser.js, rss-parser's options), for the elements kept. */
class TreeBuilder implements XmlSink {
  result: Loose | null = null;
  private readonly stack: Frame[] = [];
  private skipDepth = 0;

  constructor(private readonly prefixes: ReadonlySet<string>) {}

  keeps(rawName: string): boolean {
    if (this.result !== null || this.skipDepth > 0) return false;
    const parent = this.stack.at(-1);
    if (parent === undefined || parent.keep === ALL) return true;
    return parent.keep?.has(this.prefixes.size === 0 ? rawName : withoutCorePrefix(rawName, this.prefixes)) === true;
  }

  readsText(): boolean {
    return this.result === null && this.skipDepth === 0 && this.stack.length > 0;
  }

  open(rawName: string, attributes: Readonly<Record<string, string>>): void {
    if (this.result !== null) return;
    if (this.skipDepth > 0) {
      this.skipDepth += 1;
      return;
    }
    const parent = this.stack.at(-1);
    const name = this.prefixes.size === 0 ? rawName : withoutCorePrefix(rawName, this.prefixes);
    let childKeep: Keep | null;
    // Another root is refused once parsed (rss-parser: "Feed not recognized"): nothing in it is read.
    if (parent === undefined) childKeep = Object.hasOwn(ROOTS, name) ? (ROOTS[name] ?? NOTHING) : NOTHING;
    else if (parent.keep === ALL) childKeep = ALL;
    else childKeep = parent.keep?.get(name) ?? null;
    if (parent !== undefined && childKeep === null) {
      parent.skipped = true;
      this.skipDepth = 1;
      return;
    }
    const frame: Frame = { name, node: null, text: '', cdata: false, keep: childKeep, skipped: false };
    for (const key in attributes) {
      if (!Object.hasOwn(attributes, key)) continue;
      const node = nodeOf(frame);
      if (!('$' in node)) node.$ = Object.create(null) as Loose;
      (node.$ as Loose)[key] = attributes[key];
    }
    this.stack.push(frame);
  }

  close(): void {
    if (this.result !== null) return;
    if (this.skipDepth > 0) {
      this.skipDepth -= 1;
      return;
    }
    const frame = this.stack.pop();
    if (frame === undefined) return;
    const value = closedValue(frame);
    const parent = this.stack.at(-1);
    if (parent === undefined) {
      const result: Loose = Object.create(null) as Loose;
      result[frame.name] = value;
      this.result = result;
    } else {
      assignOrPush(nodeOf(parent), frame.name, value);
    }
  }

  text(text: string): void {
    this.append(text);
  }

  cdata(text: string): void {
    const top = this.append(text);
    if (top === undefined) return;
    if (top.node === null) top.cdata = true;
    else top.node.cdata = true;
  }

  private append(text: string): Frame | undefined {
    if (this.result !== null || this.skipDepth > 0) return undefined;
    const top = this.stack.at(-1);
    if (top === undefined) return undefined;
    if (top.node === null) top.text += text;
    else top.node._ = (top.node._ as string) + text;
    return top;
  }
}

/** The tree from sax's events; throws sax's first error before the root's end, as xml2js reported it. */
function readTreeWithSax(xml: string, sink: XmlSink): Loose | null {
  const parser = sax.parser(true, { trim: false, normalize: false, xmlns: false });
  parser.onopentag = (tag) => sink.open(tag.name, tag.attributes);
  parser.onclosetag = () => sink.close();
  parser.ontext = (text) => sink.text(text);
  parser.oncdata = (text) => sink.cdata(text);
  parser.onerror = (error) => {
    // After the root's end tag, rss-parser had its feed: what follows (trailing text) did not count.
    if (sink.result !== null) {
      parser.resume();
      return;
    }
    throw error;
  };
  parser.write(xml).close();
  return sink.result;
}

/** xml2js's value for an element at its end tag: text alone → string; nothing → the whitespace. */
function closedValue(frame: Frame): unknown {
  // No attribute, no child kept: the value of a node holding its text alone (and the mark), below.
  if (frame.node === null && !frame.skipped) return frame.text;
  const node = nodeOf(frame);
  let obj: unknown = node;
  let cdata = false;
  if (node.cdata === true) {
    cdata = true;
    delete node.cdata;
  }
  const text = node._ as string;
  let emptyStr: string | undefined;
  if (!cdata && isBlank(text)) {
    emptyStr = text;
    delete node._;
  } else if (!frame.skipped && Object.keys(node).length === 1 && '_' in node) {
    obj = text;
  }
  // A skipped child keeps the element an object in xml2js's tree.
  if (typeof obj === 'object' && !frame.skipped && isEmptyObject(node)) obj = emptyStr;
  return obj;
}

function isBlank(text: string): boolean {
  return /^\s*$/.test(text);
}

function isEmptyObject(node: Loose): boolean {
  for (const key in node) if (Object.hasOwn(node, key)) return false;
  return true;
}

function assignOrPush(node: Loose, key: string, value: unknown): void {
  // One lookup where `key in node` and a read made two: a node (null prototype) holds no undefined.
  const existing = node[key];
  if (existing === undefined) {
    node[key] = [value];
    return;
  }
  if (Array.isArray(existing)) existing.push(value);
  else node[key] = [existing, value];
}

// rss-parser (lib/parser.js): the builders, on the tree `guardTree` reshaped.

type Field = string | readonly [string, string] | readonly [string, string, { readonly keepArray?: boolean }];

const RSS_FEED = compiled(RSS_FEED_FIELDS);
const RSS_ITEM = compiled(RSS_ITEM_FIELDS);
const FEED = compiled(FEED_FIELDS);
const ITEM_CUSTOM = compiled(ITEM_FIELDS);

function buildFeed(tree: unknown): Loose {
  if (!isRecord(tree)) throw new Error('Unable to parse XML.');
  if (truthy(tree.feed)) return buildAtomFeed(tree.feed);
  if (truthy(tree.rss)) {
    const channel = (tree.rss as { channel: unknown[] }).channel[0];
    return buildRss(channel, field(channel, 'item'));
  }
  if (truthy(tree['rdf:RDF'])) {
    const root = tree['rdf:RDF'] as { channel: unknown[]; item?: unknown };
    return buildRss(root.channel[0], root.item);
  }
  throw new Error('Feed not recognized as RSS 1 or 2.');
}

function buildRss(channel: unknown, items: unknown): Loose {
  const feed: Loose = { items: [] };
  copyFromXml(channel, feed, RSS_FEED);
  copyFromXml(channel, feed, FEED);
  feed.items = (Array.isArray(items) ? items : []).map(parseItemRss);
  return feed;
}

function parseItemRss(xmlItem: unknown): Loose {
  const item: Loose = {};
  copyFromXml(xmlItem, item, RSS_ITEM);
  copyFromXml(xmlItem, item, ITEM_CUSTOM);
  const description = field(xmlItem, 'description');
  if (truthy(description)) item.content = getContent((description as unknown[])[0]);
  const guid = field(xmlItem, 'guid');
  if (truthy(guid)) {
    item.guid = (guid as unknown[])[0];
    const inner = field(item.guid, '_');
    if (truthy(inner)) item.guid = inner;
  }
  const about = field(field(xmlItem, '$'), 'rdf:about');
  if (truthy(about)) item['rdf:about'] = about;
  return item;
}

function buildAtomFeed(xmlFeed: unknown): Loose {
  const feed: Loose = { items: [] };
  copyFromXml(xmlFeed, feed, FEED);
  const links = field(xmlFeed, 'link');
  if (truthy(links)) feed.link = getLink(links as readonly unknown[], 'alternate', 0);
  const entries = field(xmlFeed, 'entry');
  feed.items = (truthy(entries) ? (entries as unknown[]) : []).map(parseItemAtom);
  return feed;
}

function parseItemAtom(entry: unknown): Loose {
  const item: Loose = {};
  copyFromXml(entry, item, ITEM_CUSTOM);
  const links = field(entry, 'link');
  if (truthy(links) && truthy(field(links, 'length'))) item.link = getLink(links as readonly unknown[], 'alternate', 0);
  const author = field(entry, 'author');
  const name = truthy(author) && truthy(field(author, 'length')) ? field((author as unknown[])[0], 'name') : undefined;
  if (truthy(name) && truthy(field(name, 'length'))) item.author = (name as unknown[])[0];
  const content = field(entry, 'content');
  if (truthy(content) && truthy(field(content, 'length'))) item.content = getContent((content as unknown[])[0]);
  const summary = field(entry, 'summary');
  if (truthy(summary) && truthy(field(summary, 'length'))) item.summary = getContent((summary as unknown[])[0]);
  const id = field(entry, 'id');
  if (truthy(id)) item.id = (id as unknown[])[0];
  return item;
}

/** rss-parser's utils.copyFromXML: the first child (or, with keepArray, all), text unwrapped. */
function copyFromXml(xml: unknown, dest: Loose, fields: readonly CompiledField[]): void {
  for (const { from, to, keepArray } of fields) {
    const value = field(xml, from);
    if (value !== undefined) dest[to] = keepArray ? value : field(value, '0');
    const copied = dest[to];
    if (truthy(copied) && typeof field(copied, '_') === 'string') dest[to] = field(copied, '_');
  }
}

interface CompiledField {
  readonly from: string;
  readonly to: string;
  readonly keepArray: boolean;
}

/** Each field list read once into objects: copyFromXml runs for every item. */
function compiled(fields: readonly Field[]): readonly CompiledField[] {
  return fields.map((f) => (typeof f === 'string' ? { from: f, to: f, keepArray: false } : { from: f[0], to: f[1], keepArray: f[2]?.keepArray === true }));
}

/** rss-parser's utils.getLink (links carry `$`: guardTree gave each one). */
function getLink(links: readonly unknown[], rel: string, fallbackIndex: number): unknown {
  for (const link of links) {
    const attrs = field(link, '$');
    if (field(attrs, 'rel') === rel) return field(attrs, 'href');
  }
  const fallback = links[fallbackIndex];
  return truthy(fallback) ? field(field(fallback, '$'), 'href') : undefined;
}

let builder: { buildObject(value: unknown): string } | undefined;

/**
 * rss-parser's utils.getContent: the text, or an element's children written back as XML under a
 * `<div>` (markup a publisher left unescaped). That second case is rare (none of the 34 real feeds
 * has it): xml2js's Builder, which rss-parser used, is loaded only then.
 */
function getContent(content: unknown): unknown {
  const text = field(content, '_');
  if (typeof text === 'string') return text;
  if (typeof content === 'object' && content !== null) {
    builder ??= new (require('xml2js') as { Builder: new (options: unknown) => { buildObject(value: unknown): string } }).Builder({
      headless: true,
      explicitRoot: true,
      rootName: 'div',
      renderOpts: { pretty: false },
    });
    return builder.buildObject(content);
  }
  return content;
}

/** `value[key]` as JavaScript reads it on whatever xml2js produced (a string's own indexes included). */
function field(value: unknown, key: string): unknown {
  if (typeof value === 'string') return key === 'length' ? value.length : /^\d+$/.test(key) ? value[Number(key)] : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  return (value as Loose)[key];
}

function truthy(value: unknown): boolean {
  return Boolean(value);
}
