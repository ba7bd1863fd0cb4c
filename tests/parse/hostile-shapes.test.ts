// Parse-stage defences against the shapes of issue 13, checked by what the code does rather than by
// time (the timings are in tests/stress/parse-deadline.test.ts): rss-parser never builds its
// contentSnippet (quadratic on unclosed '<'), and elements nested deeper than MAX_XML_DEPTH are
// refused by a linear scan before any parser sees them (the tree guard then runs once, after parsing).
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isVeilleError } from '../../src/domain/errors.js';
import { parseFeed } from '../../src/parse/parse-feed.js';
import { MAX_XML_DEPTH, measureXmlDepth } from '../../src/parse/xml-prepare.js';

const URL_ = 'https://example.org/feed';
const rss = (item: string): string =>
  `<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>T</title><item>${item}</item></channel></rss>`;

describe("rss-parser's contentSnippet", () => {
  // The module rss-parser builds its snippet with (stripHtml: /<(?:.|\n)*?>/ and another lazy pattern).
  const utils = createRequire(import.meta.url)('rss-parser/lib/utils.js') as { stripHtml: (text: string) => string };
  afterEach(() => vi.restoreAllMocks());

  it.each([
    { name: 'RSS <description>', feed: rss('<title>a</title><description><![CDATA[<<<<a <b>x</b>]]></description>') },
    { name: 'RSS <content:encoded>', feed: rss('<title>a</title><content:encoded><![CDATA[<<<<a <b>x</b>]]></content:encoded>') },
    {
      name: 'Atom <content>',
      feed: '<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><title>a</title><content type="html">&lt;&lt;&lt;a</content></entry></feed>',
    },
  ])('is never computed: $name', async ({ feed }) => {
    expect(typeof utils.stripHtml).toBe('function');
    const stripHtml = vi.spyOn(utils, 'stripHtml');
    const parsed = await parseFeed(feed, { contentType: null, url: URL_ });
    expect(parsed.items).toHaveLength(1);
    expect(`${parsed.items[0]?.summary ?? ''}${parsed.items[0]?.content ?? ''}`).toContain('<<<a');
    expect(stripHtml).not.toHaveBeenCalled();
  });
});

describe('measureXmlDepth', () => {
  it.each([
    { name: 'flat', xml: '<a/><b></b>', depth: 1 },
    { name: 'nested, self-closing and closing tags', xml: '<a><b><c/></b><b><c><d/></c></b></a>', depth: 4 },
    { name: '"/>" or "<" inside comments, CDATA, PIs and attribute values are not tags', xml: '<a x="<b>" y=\'/>\'><!-- <c> --><![CDATA[<d><e>]]><?pi <f>?></a>', depth: 1 },
    { name: 'a start tag left open counts, at the next "<"', xml: '<a <b <c', depth: 3 },
    { name: 'an unterminated comment ends the scan', xml: '<a><!-- <b><c>', depth: 1 },
    { name: 'stops counting past the limit', xml: '<a>'.repeat(50), depth: 11, limit: 10 },
  ])('$name', ({ xml, depth, limit }) => {
    expect(measureXmlDepth(xml, limit ?? 100)).toBe(depth);
  });
});

describe('element nesting', () => {
  const nested = (levels: number): string => rss(`<title>deep</title><description>${'<a>'.repeat(levels)}x${'</a>'.repeat(levels)}</description>`);

  it(`refuses a feed nested deeper than ${MAX_XML_DEPTH} levels with PARSE_INVALID_FEED, before parsing`, async () => {
    // channel, item, description and the root take 4 levels.
    const error: unknown = await parseFeed(nested(MAX_XML_DEPTH), { contentType: null, url: URL_ }).catch((caught: unknown) => caught);
    expect(isVeilleError(error, 'PARSE_INVALID_FEED')).toBe(true);
    expect((error as Error).message).toBe(`parse: ${URL_}: elements nested more than ${MAX_XML_DEPTH} levels deep; a feed needs far fewer, refused`);
  });

  it('parses a feed nested just within the limit', async () => {
    const parsed = await parseFeed(nested(MAX_XML_DEPTH - 4), { contentType: null, url: URL_ });
    expect(parsed.items.map((item) => item.title)).toEqual(['deep']);
  });
});

describe('RSS <author>, read with indexOf (a pattern backtracked over every "@")', () => {
  it.each([
    { value: 'jo@ex.org (Jo Doe)', author: 'Jo Doe' },
    { value: 'jo@ex.org(Jo)', author: 'Jo' },
    { value: 'Jo Doe', author: 'Jo Doe' },
    { value: 'jo@ex.org', author: 'jo@ex.org' },
    { value: '@ex.org (Jo)', author: '@ex.org (Jo)' },
    { value: 'jo @ex.org (Jo)', author: 'jo @ex.org (Jo)' },
    { value: 'jo@ex.org ()', author: 'jo@ex.org ()' },
  ])('$value → $author', async ({ value, author }) => {
    const parsed = await parseFeed(rss(`<title>a</title><author>${value}</author>`), { contentType: null, url: URL_ });
    expect(parsed.items[0]?.author).toBe(author);
  });
});
