// The feed parser (src/parse/xml-feed.ts, its fast scanner xml-scan.ts, sax behind it) against the
// one it replaced (rss-parser on xml2js, through src/parse/rss-parser-adapter.ts): the same
// ParsedFeed, or the same error, on every feed fixture of the repository and on shapes chosen to
// reach each branch of the scanner and of xml2js's tree rules.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareParsers } from '../../tools/bench/parse-compare.js';
import { parseFeed } from '../../src/parse/parse-feed.js';
import { scanWellFormed } from '../../src/parse/xml-scan.js';

const URL = 'https://example.org/feed.xml';
const FEED_FILE = /\.(xml|atom|rss|rdf)$/i;

function feedFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return feedFiles(path);
    return FEED_FILE.test(name) ? [path] : [];
  });
}

async function differences(xml: string): Promise<string[]> {
  return (await compareParsers(new TextEncoder().encode(xml), URL)).differences;
}

const rss = (items: string, channel = ''): string =>
  `<?xml version="1.0"?>\n<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">` +
  `<channel><title>T</title><link>https://example.org/</link>${channel}${items}</channel></rss>`;

const SHAPES: Readonly<Record<string, string>> = {
  'mixed content in a title (xml2js: text first, children grouped by name)': rss(
    '<item><title>a <b>1</b> c <i>2</i><b>3</b></title><link>https://example.org/1</link></item>',
  ),
  'markup left unescaped in a description (written back under a <div>)': rss(
    '<item><description><p class="x">hi &amp; <i>there</i></p> tail</description></item>',
  ),
  'CDATA, empty CDATA, whitespace CDATA, text around them': rss(
    '<item><title> <![CDATA[A & <b>]]> b </title><guid><![CDATA[]]></guid><description><![CDATA[  ]]></description></item>',
  ),
  'guid with attributes and empty CDATA': rss('<item><guid isPermaLink="false"><![CDATA[]]></guid></item>'),
  'references in text and attributes: named, decimal, hex, leading zeros, astral': rss(
    '<item><title>&lt;&gt;&amp;&quot;&apos; &#233;&#x00E9;&#X1F600;&#0065;</title><category domain="a&amp;b&#233;">c</category></item>',
  ),
  'duplicate attribute (the first kept), odd spacing in tags': rss(
    '<item ><title >x</title ><category  domain = \'a\'  domain="b" >c</category\n></item>',
  ),
  'comments and processing instructions inside elements': rss('<item><!-- c --><title>a<!-- b -->c<?pi x?>d</title></item>'),
  'comment with a double hyphen (sax refuses it)': rss('<item><!-- a -- b --><title>x</title></item>'),
  'comment closed by --->': rss('<item><!-- a ---><title>x</title></item>'),
  'mismatched end tag': rss('<item><title>x</titel></item>'),
  'unclosed root': '<rss version="2.0"><channel><item><title>x</title></item></channel>',
  'trailing text and a second root after the end': `${rss('<item><title>x</title></item>')} junk <rss/>`,
  'text before the root': `junk${rss('<item><title>x</title></item>')}`,
  'a DOCTYPE left after the root was found': rss('<item><title>x</title></item><!DOCTYPE x>'),
  'non-ASCII element and attribute names': rss('<item><title>x</title><é a="1">y</é><dc:subject ü="1">s</dc:subject></item>'),
  'attribute named __proto__': rss('<item __proto__="x"><title>x</title></item>'),
  'attributes without whitespace between them': rss('<item><category a="1"b="2">c</category></item>'),
  'unquoted attribute value': rss('<item><category a=1>c</category></item>'),
  '< inside an attribute value': rss('<item><category domain="a<b">c</category></item>'),
  'self-closing elements, an empty item, a text-only item': rss('<item/><item>text</item><item><title/><link/></item>'),
  'a channel whose only children are skipped (still an object)': '<rss version="2.0"><channel><foo/></channel><item><title>outside</title></item></rss>',
  'an empty channel (items outside it are read)': '<rss version="2.0"><channel/><item><title>outside</title></item></rss>',
  'an empty <rss/>': '<rss version="2.0"/>',
  'RSS 1.0: items beside the channel, rdf:about, core prefix': `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:r="http://purl.org/rss/1.0/"><r:channel rdf:about="x"><r:title>T</r:title><r:item><r:title>inside</r:title></r:item></r:channel><r:item rdf:about="https://example.org/a"><r:title>A</r:title></r:item></rdf:RDF>`,
  'Atom: links without href, rel case, text links, dates, author, content types': `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://example.org/b/"><title type="html">&lt;b&gt;T&lt;/b&gt;</title><link rel="self" href="/self"/><link>https://example.org/text</link><link rel="hub" href="https://hub.example/"/><entry><id> urn:1 </id><title>E</title><link rel="ALTERNATE" href="a"/><link href="b"/><published>not a date</published><updated/><author><name>N</name><email>e</email></author><content type="text">a &lt; b</content><summary type="application/octet-stream">aGVsbG8=</summary></entry><entry><content><p>raw <b>markup</b></p></content></entry></feed>`,
  'Atom: empty <feed/>': '<feed xmlns="http://www.w3.org/2005/Atom"/>',
  'Atom under a prefix bound to another namespace': '<x:feed xmlns:x="urn:other"><x:title>T</x:title></x:feed>',
  'an entity sax does not know (&AMP; upper case)': rss('<item><title>a &AMP; b</title></item>'),
  'a numeric reference to NUL': rss('<item><title>a &#0; b</title></item>'),
  'references and markup inside skipped elements': rss(
    '<item><enclosure url="https://example.org/a?b=1&amp;c=2" length="1"/><media:content xmlns:media="http://search.yahoo.com/mrss/" url="x"><media:text>a &lt; b &#x110000; &#8217;</media:text></media:content><title>t</title></item>',
  ),
  'children named like xml2js keys (_, cdata) beside text and CDATA': rss(
    '<item><title>a<_>b</_>c</title><description><cdata>q</cdata><![CDATA[z]]></description><guid><_ a="1"/>x</guid></item>',
  ),
  'CR LF line ends and tabs kept': rss('<item>\r\n\t<title>a\r\n\tb</title>\r\n</item>'),
  'channel fields: ttl, language, skipHours, sy:*, atom:link hub': rss(
    '',
    '<ttl>60</ttl><language>fr_FR</language><skipHours><hour>1</hour><hour>24</hour></skipHours><skipDays><day>monday</day></skipDays><sy:updatePeriod xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">hourly</sy:updatePeriod><atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="hub" href="https://hub.example/"/>',
  ),
};

describe('the feed parser against rss-parser', () => {
  it('reads every feed fixture of the repository the same way (2,000+ files, errors included)', async () => {
    const root = join(import.meta.dirname, '..', '..');
    const files = [...feedFiles(join(root, 'tests', 'fixtures')), ...feedFiles(join(root, 'tools', 'bench', 'fixtures'))];
    expect(files.length).toBeGreaterThan(2000);
    const differing: string[] = [];
    for (const file of files) {
      const { differences: found } = await compareParsers(new Uint8Array(readFileSync(file)), URL);
      if (found.length > 0) differing.push(`${file}: ${found.join('; ')}`);
    }
    expect(differing).toEqual([]);
  }, 120_000);

  for (const [name, xml] of Object.entries(SHAPES)) {
    it(`reads the same: ${name}`, async () => {
      expect(await differences(xml)).toEqual([]);
    });
  }

  it('sees a difference when there is one (the comparison can fail)', async () => {
    expect(await differences('<feed xmlns="http://www.w3.org/2005/Atom"><entry>text</entry></feed>')).not.toEqual([]);
  });
});

describe('where the new parser differs from rss-parser', () => {
  it('an Atom entry holding only text is an empty entry, not a TypeError that failed the feed', async () => {
    // rss-parser read entry.link on the string, found String.prototype.link, and failed with
    // "Cannot read properties of undefined (reading '$')": a message that says neither what nor where.
    const feed = await parseFeed(
      '<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry>text</entry><entry><id>urn:2</id><title>Two</title></entry></feed>',
      { contentType: null, url: URL },
    );
    expect(feed.title).toBe('T');
    expect(feed.items.map((item) => item.guid)).toEqual([null, 'urn:2']);
  });
});

describe('the fast scanner', () => {
  const events = (xml: string): { ok: boolean; seen: string[] } => {
    const seen: string[] = [];
    const ok = scanWellFormed(xml, {
      keeps: (name) => name !== 'skipped',
      readsText: () => true,
      open: (name, attributes) => seen.push(`<${name}${Object.entries(attributes).map(([k, v]) => ` ${k}=${v}`).join('')}>`),
      close: () => seen.push('</>'),
      text: (text) => seen.push(text),
      cdata: (text) => seen.push(`[${text}]`),
    });
    return { ok, seen };
  };

  it('reads a plain feed itself, references decoded, up to the root end tag', () => {
    expect(events('<?xml version="1.0"?>\n<rss a="x &amp; &#233;"><t>a&lt;b<![CDATA[<c>]]></t><e/></rss> trailing <x')).toEqual({
      ok: true,
      seen: ['<rss a=x & é>', '<t>', 'a<b', '[<c>]', '</>', '<e>', '</>', '</>'],
    });
  });

  it('checks the attributes of an element it does not keep, and passes none', () => {
    expect(events('<rss><skipped a="&amp;" b="x"/></rss>').seen).toEqual(['<rss>', '<skipped>', '</>', '</>']);
    expect(events('<rss><skipped a="&bad;"/></rss>').ok).toBe(false);
    expect(events('<rss><skipped a=1/></rss>').ok).toBe(false);
  });

  it.each([
    ['a mismatched end tag', '<rss><t></x></rss>'],
    ['an unknown entity', '<rss>&eacute;</rss>'],
    ['a non-ASCII name', '<rss><é/></rss>'],
    ['a declaration', '<rss><!ENTITY x "y"></rss>'],
    ['a double hyphen in a comment', '<rss><!-- a -- b --></rss>'],
    ['text before the root', 'x<rss/>'],
    ['an unclosed root', '<rss><t/>'],
    ['an unquoted attribute', '<rss a=1/>'],
  ])('leaves %s to sax', (_name, xml) => {
    expect(events(xml).ok).toBe(false);
  });
});
