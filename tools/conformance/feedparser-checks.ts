// Scores veille against the Universal Feed Parser's conformance suite (kurtmckee/feedparser `tests/`):
// each case is run through the real stages (decode → parse → normalize) and each of feedparser's
// checks is mapped onto the field veille exposes, or skipped when veille has no such field.

import { parseFeedDate } from '../../src/clean/dates.js';
import { normalizeFeed, normalizeSourceInfo } from '../../src/clean/normalize.js';
import { sanitizeHtml } from '../../src/clean/sanitize.js';
import { htmlToText } from '../../src/clean/text.js';
import { isVeilleError } from '../../src/domain/errors.js';
import type { Item, ParsedFeed } from '../../src/domain/types.js';
import { decodeFeedBytes } from '../../src/fetch/charset.js';
import { parseFeed } from '../../src/parse/parse-feed.js';

/** One check of `expectations.json` (feedparser's `Expect:` line turned into JSON). */
export interface FeedparserCheck {
  readonly op: 'eq' | 'ne' | 'len' | 'truthy' | 'falsy' | 'absent' | 'bozo' | 'notBozo' | 'noCrash';
  readonly path?: readonly (string | number)[];
  readonly value?: unknown;
}

export interface FeedparserCase {
  /** Path inside feedparser's `tests/`, e.g. `wellformed/rss/item_title.xml`. */
  readonly file: string;
  readonly description?: string | null;
  readonly httpHeaders?: Readonly<Record<string, string>> | null;
  readonly servedOverHttp?: boolean;
  readonly checks: readonly FeedparserCheck[] | null;
}

export type CheckStatus = 'met' | 'met-by-policy' | 'failed' | 'skipped';

export interface CheckResult {
  readonly status: CheckStatus;
  /** feedparser's path as written, e.g. `entries[0].title`. */
  readonly field: string;
  /** Why it failed or was skipped; a short, groupable phrase. */
  readonly reason: string | null;
  readonly expected?: unknown;
  readonly actual?: unknown;
}

/** What veille made of one document: the parsed feed and its items, or the error. */
export interface VeilleView {
  readonly feed: ParsedFeed | null;
  readonly items: readonly Item[];
  readonly baseUrl: string;
  /** A VeilleError code when parsing failed. */
  readonly errorCode: string | null;
  /** Anything thrown that is not a VeilleError: always a bug. */
  readonly crash: unknown;
}

/** Late enough that no date of the suite is "in the future" and dropped. */
const FETCHED_AT = new Date('2100-01-01T00:00:00Z');

/** feedparser serves its HTTP cases from this origin; relative URLs resolve against it. */
const TEST_ORIGIN = 'http://127.0.0.1:8097/tests/';

export function contentTypeOf(testCase: FeedparserCase): string | null {
  const headers = testCase.httpHeaders ?? {};
  const key = Object.keys(headers).find((name) => name.toLowerCase() === 'content-type');
  return key === undefined ? null : (headers[key] ?? null);
}

/** decodeFeedBytes → parseFeed → normalizeFeed, as a worker cycle does after the fetch. */
export async function runVeille(bytes: Uint8Array, testCase: FeedparserCase): Promise<VeilleView> {
  const baseUrl = new URL(testCase.file, TEST_ORIGIN).href;
  try {
    const contentType = contentTypeOf(testCase);
    const { text } = decodeFeedBytes(bytes, contentType);
    const feed = await parseFeed(text, { contentType, url: baseUrl });
    const items = normalizeFeed(feed, { sourceKey: baseUrl, baseUrl, sourceLang: null, fetchedAt: FETCHED_AT });
    return { feed, items, baseUrl, errorCode: null, crash: null };
  } catch (error) {
    if (isVeilleError(error)) return { feed: null, items: [], baseUrl, errorCode: error.code, crash: null };
    return { feed: null, items: [], baseUrl, errorCode: null, crash: error };
  }
}

function formatPath(path: readonly (string | number)[]): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('');
}

/** A value veille exposes for a feedparser path, and how to compare it. */
type Mapped =
  | { kind: 'text'; value: string | null }
  | { kind: 'html'; value: string }
  | { kind: 'url'; value: string | null }
  | { kind: 'instant'; value: string | null }
  | { kind: 'raw'; value: string | null }
  | { kind: 'list'; value: readonly string[] }
  | { kind: 'skip'; reason: string };

const EXPOSED_ENTRY_FIELDS = new Set([
  'author', 'category', 'content', 'description', 'guid', 'id', 'language', 'link', 'published', 'published_parsed',
  'summary', 'summary_detail', 'tags', 'title', 'title_detail', 'updated', 'updated_parsed',
]);

const DATE_FIELDS = /^(published|updated|issued|modified|date|created)(_parsed)?$/;

/** feedparser field → veille field. Only what veille exposes to readers is scored. */
function mapPath(path: readonly (string | number)[], view: VeilleView): Mapped {
  const feed = view.feed;
  if (feed === null) return { kind: 'skip', reason: 'not parsed' };
  const [root, second, third, fourth, fifth] = path;
  if (root === 'feed') {
    const source = normalizeSourceInfo(feed, view.baseUrl);
    if (path.length !== 2) return { kind: 'skip', reason: `feed.${String(second)}.* not exposed` };
    if (second === 'title') return { kind: 'text', value: source.title };
    if (second === 'link') return { kind: 'url', value: source.siteUrl };
    if (second === 'language') return { kind: 'raw', value: feed.language };
    return { kind: 'skip', reason: `feed.${String(second)} not exposed` };
  }
  if (root !== 'entries' || typeof second !== 'number') return { kind: 'skip', reason: `${String(root)} not exposed` };
  const item = view.items[second];
  if (path.length === 2) return { kind: 'skip', reason: 'whole entry' };
  const field = String(third);
  if (item === undefined) return EXPOSED_ENTRY_FIELDS.has(field) ? { kind: 'text', value: null } : { kind: 'skip', reason: `entries[].${field} not exposed` };
  const parsedItem = feed.items[second];
  if (path.length === 3) {
    // Veille names an entry without a title of its own "(sans titre)" (or after its summary).
    if (field === 'title') return { kind: 'text', value: ownText(parsedItem?.title ?? null) === '' ? null : item.title };
    if (field === 'link') return { kind: 'url', value: item.link };
    if (field === 'id' || field === 'guid') return { kind: 'raw', value: item.guid };
    if (field === 'author') return { kind: 'text', value: item.author };
    if (field === 'language') return { kind: 'raw', value: item.language };
    if (field === 'category') return { kind: 'text', value: item.categories[0] ?? null };
    if (field === 'tags') return { kind: 'list', value: item.categories };
    if (field === 'summary' || field === 'description') {
      // With a separate content, veille's summary is plain text; alone, it is the published HTML.
      return parsedItem?.content != null ? { kind: 'text', value: item.summary } : { kind: 'html', value: item.contentHtml };
    }
    if (field === 'content') return { kind: 'skip', reason: 'whole content list' };
    const date = DATE_FIELDS.exec(field);
    if (date !== null) {
      const published = item.dateMissing ? null : item.publishedAt;
      if (date[1] === 'published' || date[1] === 'issued' || date[1] === 'date') return { kind: 'instant', value: published };
      if (date[1] === 'updated' || date[1] === 'modified') return { kind: 'instant', value: item.updatedAt ?? published };
      return { kind: 'skip', reason: `entries[].${field} not exposed` };
    }
    return { kind: 'skip', reason: `entries[].${field} not exposed` };
  }
  if (field === 'content' && typeof fourth === 'number' && fifth === 'value' && path.length === 5) {
    return fourth === 0 ? { kind: 'html', value: item.contentHtml } : { kind: 'skip', reason: 'second content' };
  }
  if (field === 'tags' && typeof fourth === 'number' && fifth === 'term' && path.length === 5) {
    return { kind: 'text', value: item.categories[fourth] ?? null };
  }
  if (field === 'summary_detail' && fourth === 'value' && path.length === 4) return mapPath([root, second, 'summary'], view);
  if (field === 'title_detail' && fourth === 'value' && path.length === 4) return mapPath([root, second, 'title'], view);
  return { kind: 'skip', reason: `entries[].${field}.* not exposed` };
}

function ownText(html: string | null): string {
  return html === null ? '' : htmlToText(html).trim();
}

/** Whitespace runs → one space (feedparser and veille keep different line breaks around blocks). */
function squash(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

/** Veille's link attribute is policy (`rel` is always set), not content. */
function withoutOwnRel(html: string): string {
  return html.replace(/ rel="noopener noreferrer"/g, '');
}

function instantOf(value: unknown): number | null {
  if (Array.isArray(value) && value.length >= 6 && value.slice(0, 6).every((n) => typeof n === 'number')) {
    const [y, m, d, h, min, s] = value as number[];
    return Date.UTC(y ?? 0, (m ?? 1) - 1, d ?? 1, h ?? 0, min ?? 0, s ?? 0);
  }
  if (typeof value === 'string') return parseFeedDate(value)?.getTime() ?? null;
  return null;
}

function compareEq(mapped: Exclude<Mapped, { kind: 'skip' }>, expected: unknown, baseUrl: string): CheckStatus {
  switch (mapped.kind) {
    case 'text': {
      if (expected === null || expected === '') return mapped.value === null || mapped.value === '' ? 'met' : 'failed';
      if (typeof expected !== 'string') return 'failed';
      // feedparser gives text constructs as plain text or as sanitized HTML; veille gives plain text.
      const actual = squash(mapped.value ?? '');
      return actual === squash(expected) || actual === squash(htmlToText(expected)) ? 'met' : 'failed';
    }
    case 'html': {
      if (typeof expected !== 'string') return 'failed';
      if (squash(withoutOwnRel(mapped.value)) === squash(expected)) return 'met';
      // The same HTML once veille's narrower allowlist has removed what it never publishes (styles,
      // classes, unlisted elements and attributes): a difference of policy, not a parsing error.
      return squash(mapped.value) === squash(sanitizeHtml(expected, baseUrl)) ? 'met-by-policy' : 'failed';
    }
    case 'url': {
      if (expected === null || expected === '') return mapped.value === null ? 'met' : 'failed';
      if (typeof expected !== 'string' || mapped.value === null) return 'failed';
      if (mapped.value === expected) return 'met';
      try {
        // Veille's links are canonical: absolute, no fragment, no tracking parameters.
        const url = new URL(expected, baseUrl);
        url.hash = '';
        return url.href === mapped.value ? 'met' : 'failed';
      } catch {
        return 'failed';
      }
    }
    case 'instant': {
      const want = instantOf(expected);
      const got = mapped.value === null ? null : Date.parse(mapped.value);
      return want !== null && got === want ? 'met' : 'failed';
    }
    case 'raw':
      return mapped.value === expected || (expected === '' && mapped.value === null) ? 'met' : 'failed';
    case 'list':
      return Array.isArray(expected) && expected.join('\n') === mapped.value.join('\n') ? 'met' : 'failed';
  }
}

function mappedValue(mapped: Exclude<Mapped, { kind: 'skip' }>): unknown {
  return mapped.value;
}

function isPresent(mapped: Exclude<Mapped, { kind: 'skip' }>): boolean {
  const value = mapped.value;
  if (value === null) return false;
  if (Array.isArray(value)) return value.length > 0;
  return value !== '';
}

/** Every check of one case, scored against what veille made of the document. */
export function scoreChecks(view: VeilleView, checks: readonly FeedparserCheck[]): CheckResult[] {
  return checks.map((check): CheckResult => {
    const field = check.path === undefined ? check.op : formatPath(check.path);
    if (check.op === 'noCrash') {
      return { status: view.crash === null ? 'met' : 'failed', field, reason: view.crash === null ? null : 'crash' };
    }
    if (check.op === 'notBozo') {
      // Veille has no bozo flag; a document feedparser calls well-formed must at least parse.
      return view.feed !== null
        ? { status: 'met', field: 'parses', reason: null }
        : { status: 'failed', field: 'parses', reason: `not parsed: ${view.errorCode ?? 'crash'}` };
    }
    if (check.op === 'bozo') return { status: 'skipped', field: 'bozo', reason: 'bozo flag not exposed (veille is lenient)' };
    if (view.feed === null) {
      return { status: 'failed', field, reason: `not parsed: ${view.errorCode ?? 'crash'}` };
    }
    if (check.path === undefined) return { status: 'skipped', field, reason: 'no path' };
    if (check.op === 'len' && check.path.length === 1 && check.path[0] === 'entries') {
      const met = view.items.length === check.value;
      return { status: met ? 'met' : 'failed', field, reason: met ? null : 'entries: count', expected: check.value, actual: view.items.length };
    }
    const mapped = mapPath(check.path, view);
    if (mapped.kind === 'skip') return { status: 'skipped', field, reason: mapped.reason };
    let status: CheckStatus;
    switch (check.op) {
      case 'eq':
        status = compareEq(mapped, check.value, view.baseUrl);
        break;
      case 'ne':
        status = compareEq(mapped, check.value, view.baseUrl) === 'failed' ? 'met' : 'failed';
        break;
      case 'len':
        status = mapped.kind === 'list' && mapped.value.length === check.value ? 'met' : 'failed';
        break;
      case 'truthy':
        status = isPresent(mapped) ? 'met' : 'failed';
        break;
      case 'falsy':
      case 'absent':
        status = isPresent(mapped) ? 'failed' : 'met';
        break;
    }
    const reason = status === 'failed' ? `${reasonKey(check.path)}: ${check.op} ${mapped.kind}` : null;
    return { status, field, reason, expected: check.value, actual: mappedValue(mapped) };
  });
}

/** `entries[0].content[0].value` → `entries[].content[].value`, to group failures. */
function reasonKey(path: readonly (string | number)[]): string {
  return formatPath(path).replace(/\[\d+\]/g, '[]');
}
