// Parse stage entry point: tells JSON Feed, RSS/RDF/Atom and "not a feed" apart, and turns every
// parser failure into a VeilleError (FETCH_NOT_A_FEED or PARSE_INVALID_FEED) instead of a crash.

import type { ParsedFeed } from '../domain/types.js';
import { VeilleError, describeError, isVeilleError } from '../domain/errors.js';
import { convertJsonFeed, isJsonFeed } from './json-feed.js';
import { parseXmlFeed } from './xml-feed.js';
import type { XmlFeedFormat } from './feed-fields.js';
import { inlineXhtml } from './inline-xhtml.js';
import { MAX_XML_DEPTH, measureXmlDepth, prepareXml, stripDoctype } from './xml-prepare.js';

export interface ParseHint {
  /** The Content-Type header as received, or null. */
  readonly contentType: string | null;
  /** The feed's URL, for messages and as the base a relative `xml:base` resolves against. */
  readonly url: string;
}

/** Root element local names → format. `RDF` covers RSS 0.90 and 1.0 (`<rdf:RDF>`). */
const FEED_ROOTS: Readonly<Record<string, XmlFeedFormat>> = { RDF: 'rdf', feed: 'atom', rss: 'rss' };

/** Feed XML (prepared, inline XHTML rewritten) → ParsedFeed; rejects or throws with the parser's error. */
export type XmlFeedParser = (xml: string, format: XmlFeedFormat, documentUrl: string) => ParsedFeed | Promise<ParsedFeed>;

/** `xmlParser`: the parser of RSS, RDF and Atom; tools/bench/parse-compare.ts passes rss-parser's to compare. */
export async function parseFeed(text: string, hint: ParseHint, xmlParser: XmlFeedParser = parseXmlFeed): Promise<ParsedFeed> {
  const body = text.replace(/^\uFEFF/, '').trim();
  const { url } = hint;
  if (body === '') throw notAFeed(`parse: ${url} is empty, not a feed`);

  if (body.startsWith('{') || body.startsWith('[') || isJsonContentType(hint.contentType)) {
    const json = tryParseJson(body);
    if (json.ok) {
      if (isJsonFeed(json.value)) return convertJsonFeed(json.value, url);
      throw notAFeed(`parse: ${url} is JSON but not a JSON Feed (no "version": "https://jsonfeed.org/version/1.1")`);
    }
    if (!body.startsWith('<')) {
      if (/jsonfeed\.org\/version\//.test(body)) {
        throw new VeilleError('PARSE_INVALID_FEED', `parse: ${url}: invalid JSON Feed: ${json.reason}`);
      }
      throw notAFeed(`parse: ${url} is neither XML nor JSON, not a feed`);
    }
  }

  if (!body.startsWith('<')) throw notAFeed(`parse: ${url} is neither XML nor JSON, not a feed`);
  const head = findRootElement(body);
  // An (X)HTML DOCTYPE in front of an <rss> root is a publisher's template slip, not a web page:
  // the root element decides (feedparser illformed/always_strip_doctype).
  const root = head.name !== null && !head.isHtmlDoctype ? head : findRootElement(stripDoctype(body));
  if (root.isHtml || (head.isHtmlDoctype && root.name === null)) throw notAFeed(`parse: ${url} is an HTML page, not a feed`);
  const format = root.name === null ? undefined : FEED_ROOTS[localName(root.name)];
  if (format === undefined) {
    const what = root.name === null ? 'has no root element' : `has root element <${root.name}>`;
    throw notAFeed(`parse: ${url} ${what}, not a feed (expected <rss>, <feed> or <rdf:RDF>)`);
  }

  const xml = prepareXml(body);
  // Before any parser: the depth of a hostile document would multiply their per-level work.
  if (measureXmlDepth(xml, MAX_XML_DEPTH) > MAX_XML_DEPTH) {
    throw new VeilleError(
      'PARSE_INVALID_FEED',
      `parse: ${url}: elements nested more than ${MAX_XML_DEPTH} levels deep; a feed needs far fewer, refused`,
    );
  }
  try {
    return await xmlParser(inlineXhtml(xml, format), format, url);
  } catch (error) {
    if (isVeilleError(error)) throw error;
    const reason = describeError(error).replace(/\s+/g, (run) => (run.includes('\n') ? ', ' : run));
    throw new VeilleError('PARSE_INVALID_FEED', `parse: ${url}: invalid ${format.toUpperCase()} feed: ${reason}`, {
      cause: error,
    });
  }
}

function notAFeed(message: string): VeilleError {
  return new VeilleError('FETCH_NOT_A_FEED', message);
}

function isJsonContentType(contentType: string | null): boolean {
  if (contentType === null) return false;
  const mime = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return mime === 'application/json' || mime === 'application/feed+json' || mime.endsWith('+json');
}

function tryParseJson(body: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch (error) {
    return { ok: false, reason: describeError(error) };
  }
}

/**
 * The first element's name, skipping the XML declaration, processing instructions, comments and
 * the DOCTYPE. An `<html>` root means a web page (often a login or error page); `<!DOCTYPE html>`
 * is only reported (`isHtmlDoctype`), the caller looks for the root element behind it.
 */
function findRootElement(body: string): { name: string | null; isHtml: boolean; isHtmlDoctype?: boolean } {
  let i = 0;
  for (;;) {
    i = body.indexOf('<', i);
    if (i < 0) return { name: null, isHtml: false };
    if (body.startsWith('<?', i)) {
      const end = body.indexOf('?>', i + 2);
      if (end < 0) return { name: null, isHtml: false };
      i = end + 2;
    } else if (body.startsWith('<!--', i)) {
      const end = body.indexOf('-->', i + 4);
      if (end < 0) return { name: null, isHtml: false };
      i = end + 3;
    } else if (/^<!DOCTYPE\s+html\b/i.test(body.slice(i, i + 20))) {
      return { name: null, isHtml: false, isHtmlDoctype: true };
    } else if (body.startsWith('<!', i)) {
      return { name: null, isHtml: false }; // a second DOCTYPE or stray declaration: not a feed
    } else {
      const match = /^<([A-Za-z_][\w.:-]*)/.exec(body.slice(i, i + 200));
      const name = match?.[1] ?? null;
      const isHtml = name !== null && ['html', 'head', 'body'].includes(name.toLowerCase());
      return { name, isHtml };
    }
  }
}

function localName(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon < 0 ? qualified : qualified.slice(colon + 1);
}
