// Inline XHTML becomes HTML text, in document order, sanitized like any other content: RSS
// <body> / <xhtml:body> (feedparser's `_start_body`) and Atom type="xhtml" (RFC 4287 §3.1.1.3).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeFeed } from '../../src/clean/normalize.js';
import { parseFeed } from '../../src/parse/parse-feed.js';
import { inlineXhtml } from '../../src/parse/inline-xhtml.js';

const URL_ = 'https://feeds.example/feed';

function feedparserFixture(name: string): string {
  return readFileSync(new URL(`../fixtures/feeds/feedparser/${name}`, import.meta.url), 'utf8');
}

function rssItem(inner: string): string {
  return `<rss version="2.0"><channel><title>t</title><item><title>a</title>${inner}</item></channel></rss>`;
}

const XHTML = 'xmlns="http://www.w3.org/1999/xhtml"';

describe('RSS <body> is the item content, as HTML', () => {
  it.each([
    { name: 'feedparser rss/item_xhtml_body', feed: feedparserFixture('rss-item_xhtml_body.xml'), content: '<p>Example content</p>' },
    {
      name: 'mixed text and elements keep their order',
      feed: rssItem(`<body ${XHTML}><p>Open <a href="https://ex.org/">source</a> AI, <em>federated</em> learning</p></body>`),
      content: '<p>Open <a href="https://ex.org/">source</a> AI, <em>federated</em> learning</p>',
    },
    {
      name: 'prefixed <xhtml:body>: the prefix is dropped from the tags',
      feed: rssItem('<xhtml:body xmlns:xhtml="http://www.w3.org/1999/xhtml"><xhtml:p>Un <xhtml:b>deux</xhtml:b></xhtml:p></xhtml:body>'),
      content: '<p>Un <b>deux</b></p>',
    },
    {
      name: 'a CDATA section inside is text, escaped',
      feed: rssItem(`<body ${XHTML}><p><![CDATA[a < b && c]]></p></body>`),
      content: '<p>a &lt; b &amp;&amp; c</p>',
    },
    {
      name: 'an empty non-void element is closed explicitly, a void one is kept',
      feed: rssItem(`<body ${XHTML}><p/>a<br/>b</body>`),
      content: '<p></p>a<br/>b',
    },
    {
      name: 'references stay references (read as HTML they mean the same)',
      feed: rssItem(`<body ${XHTML}><p>caf&#233; &amp; th&eacute;</p></body>`),
      content: '<p>caf&#233; &amp; th&#233;</p>',
    },
    {
      name: 'content:encoded comes first when both are present',
      feed: rssItem(`<content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/">encoded</content:encoded><body ${XHTML}><p>body</p></body>`),
      content: 'encoded',
    },
  ])('$name', async ({ feed, content }) => {
    const parsed = await parseFeed(feed, { contentType: 'application/rss+xml', url: URL_ });
    expect(parsed.items[0]?.content).toBe(content);
  });
});

const ATOM = 'xmlns="http://www.w3.org/2005/Atom"';

describe('Atom type="xhtml" text constructs and content are HTML', () => {
  it.each([
    {
      name: 'feedparser atom10/entry_title_inline_markup_2: escaped markup stays text',
      feed: feedparserFixture('atom10-entry_title_inline_markup_2.xml'),
      field: 'title',
      value: 'History of the &lt;blink&gt; tag',
    },
    {
      name: 'content: the wrapping div is not part of it (RFC 4287 §4.1.3.3), order kept',
      feed: `<feed ${ATOM}><entry><id>1</id><content type="xhtml"><div ${XHTML}>Open <a href="https://ex.org/">source</a> AI, <em>federated</em></div></content></entry></feed>`,
      field: 'content',
      value: 'Open <a href="https://ex.org/">source</a> AI, <em>federated</em>',
    },
    {
      name: 'summary with a prefixed div',
      feed: `<feed ${ATOM}><entry><id>1</id><summary type="xhtml"><h:div xmlns:h="http://www.w3.org/1999/xhtml"><h:p>a <h:b>b</h:b></h:p></h:div></summary></entry></feed>`,
      field: 'summary',
      value: '<p>a <b>b</b></p>',
    },
    {
      name: 'Atom 0.3 application/xhtml+xml keeps its markup as written (the sanitizer drops xmlns)',
      feed: `<feed version="0.3" xmlns="http://purl.org/atom/ns#"><entry><content type="application/xhtml+xml"><div ${XHTML}>x <b>y</b></div></content></entry></feed>`,
      field: 'content',
      value: `<div ${XHTML}>x <b>y</b></div>`,
    },
  ] as const)('$name', async ({ feed, field, value }) => {
    const parsed = await parseFeed(feed, { contentType: null, url: URL_ });
    expect(parsed.items[0]?.[field]).toBe(value);
  });

  it('the title a reader sees keeps the escaped words', async () => {
    const parsed = await parseFeed(feedparserFixture('atom10-entry_title_inline_markup_2.xml'), { contentType: null, url: URL_ });
    const [item] = normalizeFeed(parsed, { sourceKey: URL_, baseUrl: URL_, sourceLang: null, fetchedAt: new Date('2026-01-01T00:00:00Z') });
    expect(item?.title).toBe('History of the <blink> tag');
  });
});

describe('inlineXhtml leaves everything else alone', () => {
  it.each([
    ['no body at all', '<rss><channel><item><title>a</title></item></channel></rss>'],
    ['a body outside an item', '<rss><channel><body><p>x</p></body><item/></channel></rss>'],
    ['an empty body', '<rss><channel><item><body/></item></channel></rss>'],
    ['unbalanced markup (the XML parser reports it)', '<rss><channel><item><body><p>x</body></item></channel></rss>'],
    ['"<body>" inside a CDATA section', '<rss><channel><item><description><![CDATA[<body><p>x</p></body>]]></description></item></channel></rss>'],
  ])('%s', (_name, xml) => {
    expect(inlineXhtml(xml, 'rss')).toBe(xml);
  });

  it.each([
    ['Atom html content', `<feed ${ATOM}><entry><content type="html">&lt;p&gt;x&lt;/p&gt;</content></entry></feed>`],
    ['Atom 0.3 xhtml type in escaped mode', '<feed version="0.3"><entry><content type="application/xhtml+xml" mode="escaped">&lt;p&gt;x&lt;/p&gt;</content></entry></feed>'],
    ['a <body> in Atom', `<feed ${ATOM}><entry><body><p>x</p></body></entry></feed>`],
  ])('%s', (_name, xml) => {
    expect(inlineXhtml(xml, 'atom')).toBe(xml);
  });

  it('writes "]]>" found in the markup across two CDATA sections', () => {
    const xml = '<rss><channel><item><body><p title="]]>">x</p></body></item></channel></rss>';
    expect(inlineXhtml(xml, 'rss')).toBe(
      '<rss><channel><item><body><![CDATA[<p title="]]]]><![CDATA[>">x</p>]]></body></item></channel></rss>',
    );
  });
});

describe('RSS <body> content is sanitized like any other (feedparser sanitize cases, BSD-2-Clause)', () => {
  it.each([
    { name: 'script inside an XHTML body', file: 'sanitize-item_xhtml_body_script.xml', forbidden: /<script|location\.href/i },
    { name: 'applet inside a body', file: 'sanitize-item_body_applet.xml', forbidden: /<applet|codebase/i },
  ])('$name: dropped, the text kept', async ({ file, forbidden }) => {
    const parsed = await parseFeed(feedparserFixture(file), { contentType: null, url: URL_ });
    const [item] = normalizeFeed(parsed, { sourceKey: URL_, baseUrl: URL_, sourceLang: null, fetchedAt: new Date('2026-01-01T00:00:00Z') });
    expect(item?.contentHtml).not.toMatch(forbidden);
    expect(item?.summary).toBe('safe description');
  });
});

describe('inlineXhtml on hostile input stays fast (no quadratic rescans)', () => {
  it.each([
    ['unclosed quotes in a body', `<rss><channel><item><body>${'<a b="'.repeat(200_000)}`],
    ['a million "<"', `<rss><channel><item><body>${'<'.repeat(1_000_000)}`],
    ['start tags that never end', `<feed>xhtml${'<a '.repeat(300_000)}`],
    // The name of a tag that never ends: each shorter name must fail at once, not rescan what follows.
    ['one "<" before a long run of name characters', `<feed>xhtml<copyright>x<${'&amp;'.repeat(100_000)}</copyright></feed>`],
    ['an XHTML div whose start tag never ends', `<feed><content type="xhtml"><div${'&amp;'.repeat(100_000)}</content></feed>`],
  ])('%s', (_name, xml) => {
    const started = performance.now();
    inlineXhtml(xml, 'rss');
    inlineXhtml(xml, 'atom');
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
