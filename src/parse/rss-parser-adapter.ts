// The only module that imports rss-parser, the parser veille ran until December: the benches' baseline
// (its bare parse) and the reference tools/bench/parse-compare.ts checks src/parse/xml-feed.ts against.
// The pipeline does not load it. Its output is loose and read by feed-fields.ts, as xml-feed.ts's is.

import { createRequire } from 'node:module';
import Parser from 'rss-parser';
import type { ParsedFeed } from '../domain/types.js';
import {
  FEED_FIELDS,
  ITEM_FIELDS,
  corePrefixes,
  guardTree,
  isRecord,
  toParsedFeed,
  withoutCorePrefix,
  type XmlFeedFormat,
} from './feed-fields.js';

/**
 * rss-parser computes a `contentSnippet` of every description, content and content:encoded with
 * `/<(?:.|\n)*?>/`, which takes time quadratic in the count of unclosed '<' (issue 13: 100 KB took
 * 24 s) and has no option to turn it off. veille never reads the snippet: the function that builds it,
 * which rss-parser looks up on its utils module at each call, is replaced by one that returns ''.
 */
const rssParserUtils: unknown = createRequire(import.meta.url)('rss-parser/lib/utils.js');
if (!isRecord(rssParserUtils) || typeof rssParserUtils.getSnippet !== 'function') {
  throw new Error('parse: rss-parser/lib/utils.js no longer has getSnippet; check that its snippet is still not computed');
}
rssParserUtils.getSnippet = (): string => '';

/**
 * rss-parser passes xml2js's tree straight to its builders, with no hook in between: the xml2js
 * parser it holds is wrapped so that `guardTree` runs there. Checked when the parser is made, so
 * that an rss-parser without it fails every parse loudly instead of parsing unguarded.
 */
function guardTreesOf(parser: Parser): Parser {
  const xmlParser: unknown = (parser as unknown as { xmlParser?: unknown }).xmlParser;
  if (!isRecord(xmlParser) || typeof xmlParser.parseString !== 'function') {
    throw new Error('rss-parser no longer exposes its xml2js parser; the tree guard cannot run');
  }
  type Done = (error: unknown, tree?: unknown) => void;
  const parseString = xmlParser.parseString as (xml: string, done: Done) => unknown;
  xmlParser.parseString = (xml: string, done: Done): unknown =>
    parseString(xml, (error, tree) => (error ? done(error, tree) : done(null, guardTree(tree))));
  return parser;
}


/**
 * rss-parser's own parse with its default options, output unread: the benches' baseline, the floor
 * under veille's parse of the same bytes. The function returned reuses one parser: call it one
 * parse at a time (xml2js parsers keep state).
 */
export function createBareRssParser(): (xml: string) => Promise<unknown> {
  const parser = new Parser();
  return (xml) => parser.parseString(xml);
}

/**
 * Parses feed XML (already passed through `prepareXml`) found at `documentUrl`. Rejects with the
 * parser's own error.
 */
export async function parseXmlFeed(xml: string, format: XmlFeedFormat, documentUrl: string): Promise<ParsedFeed> {
  // A parser per call: xml2js parsers keep state and are not safe to share between concurrent parses.
  const prefixes = corePrefixes(xml, format);
  const parser = guardTreesOf(
    new Parser({
      defaultRSS: 2,
      xml2js: { tagNameProcessors: prefixes.size === 0 ? [] : [(name: string) => withoutCorePrefix(name, prefixes)] },
      customFields: { feed: FEED_FIELDS as never, item: ITEM_FIELDS as never },
    }),
  );
  const output: unknown = await parser.parseString(xml);
  if (!isRecord(output)) throw new Error('rss-parser returned no feed');
  return toParsedFeed(output, format, documentUrl);
}
