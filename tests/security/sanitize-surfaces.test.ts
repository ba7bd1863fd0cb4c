// Issue 7, hostile HTML: every sanitizer case of feedparser (745) and html5lib (72) goes through
// the real stages (parseFeed → normalizeFeed → every renderer) and each published surface is read
// back with a real parser: nothing that can run script or load a hostile URL reaches a reader.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runVeille, scoreChecks, type FeedparserCheck } from '../../tools/conformance/feedparser-checks.js';
import { expectWellFormedXml } from '../publish/xml-check.js';
import { runPipeline, type PipelineResult, type Surface } from './pipeline.js';
import { htmlViolations, surfaceViolations } from './surface-check.js';

interface FeedparserSanitizeCase {
  readonly file: string;
  readonly description: string | null;
  readonly checks: readonly FeedparserCheck[] | null;
  readonly feed: string;
}

interface Html5libCase {
  readonly name: string;
  readonly input: string;
  readonly output: string;
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as T;
}

const FEEDPARSER = readJson<FeedparserSanitizeCase[]>('../fixtures/security/feedparser-sanitize.json');
const HTML5LIB = readJson<Html5libCase[]>('../fixtures/sanitize/html5lib-tests1.json');

function expectSafeSurfaces(result: PipelineResult): void {
  for (const surface of result.surfaces) {
    expect(surfaceViolations(surface), surface.name).toEqual([]);
    if (surface.kind === 'rss' || surface.kind === 'atom' || surface.kind === 'opml') expectWellFormedXml(surface.text);
  }
}

describe('the surface checker itself flags what it must (else a green suite proves nothing)', () => {
  it.each([
    ['script element', '<p>a<script>alert(1)</script></p>', '<script>'],
    ['event handler', '<img src="https://ex.org/a.png" onerror="alert(1)">', 'onerror'],
    ['javascript: href', '<a href="javascript:alert(1)">x</a>', 'href'],
    ['entity-encoded scheme', '<a href="&#106;avascript:alert(1)">x</a>', 'href'],
    ['tab-split scheme', '<a href="jav&#x09;ascript:alert(1)">x</a>', 'href'],
    ['leading control character', '<a href="&#x01; javascript:alert(1)">x</a>', 'href'],
    ['vbscript:', '<a href="VBScript:msgbox(1)">x</a>', 'href'],
    ['data:text/html', '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', 'href'],
    ['iframe', '<iframe src="https://ex.org/"></iframe>', '<iframe>'],
    ['object', '<object data="x.swf"></object>', '<object>'],
    ['embed', '<embed src="x.swf">', '<embed>'],
    ['form', '<form action="https://ex.org/"></form>', '<form>'],
    ['meta refresh', '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', 'http-equiv'],
    ['base', '<base href="https://evil.example/">', '<base>'],
    ['style attribute with expression()', '<p style="width:expression(alert(1))">a</p>', 'style='],
    ['style attribute with -moz-binding', '<p style="-moz-binding:url(x.xml#xss)">a</p>', 'style='],
    ['style attribute with behavior', '<p style="behavior:url(x.htc)">a</p>', 'style='],
  ])('%s', (_name, html, fragment) => {
    const found = htmlViolations(html, 'test');
    expect(found.length).toBeGreaterThan(0);
    expect(found.join('\n')).toContain(fragment);
  });

  it('reads the escaped HTML inside feeds: a script in RSS content:encoded is found', () => {
    const rss: Surface = {
      name: 'RSS 2.0',
      kind: 'rss',
      text: '<rss><channel><item><content:encoded>&lt;scr&#105;pt&gt;x&lt;/script&gt;</content:encoded></item></channel></rss>',
    };
    expect(surfaceViolations(rss)).toEqual(['rss <content:encoded>: <script>']);
  });
});

describe('feedparser sanitizer cases through every surface (BSD-2-Clause, tests/fixtures/security)', () => {
  it('has all 745 cases', () => {
    expect(FEEDPARSER).toHaveLength(745);
  });

  it.each(FEEDPARSER)('$file', async ({ feed }) => {
    expectSafeSurfaces(await runPipeline(feed));
  });
});

/** The html5lib input as the HTML of one item, in each format veille reads. */
function html5libFeeds(input: string): Array<[string, string]> {
  const xml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return [
    [
      'RSS 2.0 description + title',
      `<rss version="2.0"><channel><title>${xml(input)}</title><link>https://hostile.example/</link><item><title>${xml(input)}</title><link>https://hostile.example/1</link><description>${xml(input)}</description></item></channel></rss>`,
    ],
    [
      'Atom 1.0 html content',
      `<feed xmlns="http://www.w3.org/2005/Atom"><title type="html">${xml(input)}</title><entry><id>urn:x:1</id><title type="html">${xml(input)}</title><content type="html">${xml(input)}</content></entry></feed>`,
    ],
    [
      'JSON Feed content_html',
      JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: input, items: [{ id: '1', title: input, content_html: input }] }),
    ],
  ];
}

describe('html5lib sanitizer cases (MIT) in RSS, Atom and JSON Feed, through every surface', () => {
  it('has all 72 cases', () => {
    expect(HTML5LIB).toHaveLength(72);
  });

  it.each(HTML5LIB)('$name', async ({ input }) => {
    for (const [format, feed] of html5libFeeds(input)) {
      const result = await runPipeline(feed);
      expect(result.entries.length, format).toBe(1);
      expectSafeSurfaces(result);
    }
  });
});

/**
 * Hostile values outside the item HTML: the feed's own link and title (published as the source's
 * site link and name), item links, language tags and image URLs.
 */
describe('hostile feed-level fields and URLs', () => {
  it.each([
    [
      'RSS channel <link> javascript: (published as the source site link in Atom and OPML)',
      '<rss version="2.0"><channel><title>T</title><link>javascript:alert(1)</link><item><title>x</title><link>javascript:alert(2)</link></item></channel></rss>',
    ],
    [
      'Atom feed link with a tab-split scheme',
      '<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><link href="  jav&#x09;ascript:alert(1)"/><entry><id>1</id><title>x</title><link href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;"/></entry></feed>',
    ],
    [
      'JSON Feed home_page_url, url, external_url and language',
      '{"version":"https://jsonfeed.org/version/1.1","home_page_url":"vbscript:x","items":[{"id":"1","url":"javascript:alert(2)","external_url":"javascript:3","language":"x\\" onload=\\"y","content_html":"<p style=\\"x:expression(1)\\">a</p>"}]}',
    ],
    [
      'feed title with markup (published as the source name)',
      '<rss version="2.0"><channel><title>&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title><item><title>&amp;lt;script&amp;gt;</title></item></channel></rss>',
    ],
  ])('%s', async (_name, feed) => {
    expectSafeSurfaces(await runPipeline(feed));
  });
});

/**
 * Inline XHTML (RSS <body>/<xhtml:body>, Atom type="xhtml") is rewritten as HTML text before
 * parsing; whatever the prefixes and CDATA sections, no script reaches a surface, and the item's
 * text still does.
 */
describe('hostile inline XHTML', () => {
  const XHTML_NS = 'http://www.w3.org/1999/xhtml';
  it.each([
    ['script in an RSS <body>', `<rss version="2.0"><channel><title>T</title><item><title>x</title><body xmlns="${XHTML_NS}"><p>safe</p><script>alert(1)</script><p onclick="alert(2)">text</p></body></item></channel></rss>`],
    ['prefixed xhtml:script in <xhtml:body>', `<rss version="2.0"><channel><title>T</title><item><title>x</title><xhtml:body xmlns:xhtml="${XHTML_NS}"><xhtml:p>safe</xhtml:p><xhtml:script>alert(1)</xhtml:script></xhtml:body></item></channel></rss>`],
    ['script under a second prefix', `<rss version="2.0"><channel><title>T</title><item><title>x</title><body xmlns="${XHTML_NS}" xmlns:h="${XHTML_NS}"><p>safe</p><h:script>alert(1)</h:script><h:img src="x" onerror="alert(2)"/></body></item></channel></rss>`],
    ['script in a CDATA section inside <body>', `<rss version="2.0"><channel><title>T</title><item><title>x</title><body><p>safe</p><![CDATA[<script>alert(1)</script>]]></body></item></channel></rss>`],
    ['"]]>" in an attribute inside <body>', `<rss version="2.0"><channel><title>T</title><item><title>x</title><body><p title="]]><script>alert(1)</script>">safe</p></body></item></channel></rss>`],
    ['script in Atom xhtml content and title', `<feed xmlns="http://www.w3.org/2005/Atom"><title type="xhtml"><div xmlns="${XHTML_NS}">T<script>alert(0)</script></div></title><entry><id>1</id><title type="xhtml"><div xmlns="${XHTML_NS}">x<script>alert(1)</script></div></title><content type="xhtml"><div xmlns="${XHTML_NS}"><p>safe</p><script>alert(2)</script><a href="javascript:alert(3)">a</a></div></content></entry></feed>`],
  ])('%s', async (_name, feed) => {
    const result = await runPipeline(feed);
    expect(result.entries.length).toBe(1);
    expectSafeSurfaces(result);
    expect(result.surfaces.find((surface) => surface.kind === 'json')?.text).toContain('safe');
  });
});

interface BenignCase {
  readonly name: string;
  readonly input: string;
  /** The sanitized HTML every feed format publishes (golden: change on purpose only). */
  readonly html: string;
}

const ITEM_LINK = 'https://blog.example.org/2025/03/billet';

// Benign formatting survives, links and images made absolute against the item's link.
const BENIGN: readonly BenignCase[] = [
  { name: 'paragraphs and line breaks', input: '<p>Un</p><p>deux<br>trois</p>', html: '<p>Un</p><p>deux<br />trois</p>' },
  {
    name: 'http, https and mailto links (rel added, target dropped)',
    input: '<p><a href="http://a.example/">a</a> <a href="https://b.example/x?y=1&amp;z=2" target="_blank">b</a> <a href="mailto:lea@example.org">c</a></p>',
    html: '<p><a href="http://a.example/" rel="noopener noreferrer">a</a> <a href="https://b.example/x?y=1&amp;z=2" rel="noopener noreferrer">b</a> <a href="mailto:lea@example.org" rel="noopener noreferrer">c</a></p>',
  },
  {
    name: 'relative link resolved against the item',
    input: '<p><a href="../autre">autre</a></p>',
    html: '<p><a href="https://blog.example.org/2025/autre" rel="noopener noreferrer">autre</a></p>',
  },
  {
    name: 'http and https images with alt and size',
    input: '<p><img src="http://img.example/a.png" alt="A"><img src="https://img.example/b.jpg" alt="B" width="640" height="480"></p>',
    html: '<p><img src="http://img.example/a.png" alt="A" /><img src="https://img.example/b.jpg" alt="B" width="640" height="480" /></p>',
  },
  {
    name: 'lists',
    input: '<ul><li>un</li><li>deux</li></ul><ol><li>premier</li></ol>',
    html: '<ul><li>un</li><li>deux</li></ul><ol><li>premier</li></ol>',
  },
  {
    name: 'emphasis',
    input: '<p><em>a</em> <strong>b</strong> <b>c</b> <i>d</i> <s>e</s> <sub>2</sub> <sup>3</sup></p>',
    html: '<p><em>a</em> <strong>b</strong> <b>c</b> <i>d</i> <s>e</s> <sub>2</sub> <sup>3</sup></p>',
  },
  {
    name: 'code and preformatted text keep their escapes',
    input: '<p>Utiliser <code>a &lt; b</code> :</p><pre><code>if (x &amp;&amp; y) {\n  f();\n}</code></pre>',
    html: '<p>Utiliser <code>a &lt; b</code> :</p><pre><code>if (x &amp;&amp; y) {\n  f();\n}</code></pre>',
  },
  {
    name: 'blockquote with a citation',
    input: '<blockquote><p>L’IA ouverte</p><cite>AIhub</cite></blockquote>',
    html: '<blockquote><p>L’IA ouverte</p><cite>AIhub</cite></blockquote>',
  },
  {
    name: 'table with header, spans, and presentational attributes removed',
    input: '<table border="1" style="width:100%"><thead><tr><th colspan="2">Atelier</th></tr></thead><tbody><tr><td rowspan="2" class="c">FLUID</td><td>AAAI</td></tr></tbody></table>',
    html: '<table><thead><tr><th colspan="2">Atelier</th></tr></thead><tbody><tr><td rowspan="2">FLUID</td><td>AAAI</td></tr></tbody></table>',
  },
  {
    name: 'French typography: no-break spaces and guillemets kept',
    input: '<p>«\u00a0Bonjour\u00a0» : une question\u202f?</p>',
    html: '<p>«\u00a0Bonjour\u00a0» : une question\u202f?</p>',
  },
  {
    name: 'figure with caption',
    input: '<figure><img src="https://img.example/c.png" alt="C"><figcaption>Légende</figcaption></figure>',
    html: '<figure><img src="https://img.example/c.png" alt="C" /><figcaption>Légende</figcaption></figure>',
  },
];

/** The content HTML each surface carries, decoded: RSS content:encoded, Atom content, JSON content_html. */
function publishedHtml(surfaces: readonly Surface[]): Record<string, string | undefined> {
  const rss = surfaces.find((s) => s.kind === 'rss')?.text ?? '';
  const atom = surfaces.find((s) => s.kind === 'atom')?.text ?? '';
  const json = JSON.parse(surfaces.find((s) => s.kind === 'json')?.text ?? '{}') as { items: { content_html?: string }[] };
  const decode = (text: string | undefined): string | undefined =>
    text
      ?.replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&');
  return {
    rss: decode(/<content:encoded>([\s\S]*?)<\/content:encoded>/.exec(rss)?.[1]),
    atom: decode(/<content type="html">([\s\S]*?)<\/content>/.exec(atom)?.[1]),
    json: json.items[0]?.content_html,
  };
}

describe('benign formatting survives to every feed format (golden)', () => {
  it.each(BENIGN)('$name', async ({ input, html }) => {
    const xml = input.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const result = await runPipeline(
      `<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Blog</title><link>https://blog.example.org/</link>` +
        `<item><title>Billet</title><link>${ITEM_LINK}</link><content:encoded>${xml}</content:encoded></item></channel></rss>`,
    );
    expect(result.items[0]?.contentHtml).toBe(html);
    expect(publishedHtml(result.surfaces)).toEqual({ rss: html, atom: html, json: html });
    expectSafeSurfaces(result);
  });
});

describe('feedparser’s own expected sanitized output', () => {
  // Veille's allowlist is narrower than feedparser's (no style, class, span attributes, svg, ...),
  // so the comparison is: equal (met), equal once veille's allowlist is applied to feedparser's
  // expected HTML (met by policy), or different. Measured when written: 428 met + 74 by policy of
  // 615 scored (81.6%); since veille reads RSS <fullitem> and <body>/<xhtml:body>, 519 + 74 (96.4%).
  // The rest: see `npm run conformance`.
  it('meets or matches by policy most expectations on the fields veille exposes', async () => {
    const tally = { met: 0, policy: 0, failed: 0 };
    for (const testCase of FEEDPARSER) {
      const view = await runVeille(new TextEncoder().encode(testCase.feed), { file: testCase.file, checks: testCase.checks });
      for (const result of scoreChecks(view, testCase.checks ?? [])) {
        if (result.field === 'parses' || result.status === 'skipped') continue;
        if (result.status === 'met') tally.met += 1;
        else if (result.status === 'met-by-policy') tally.policy += 1;
        else tally.failed += 1;
      }
    }
    const scored = tally.met + tally.policy + tally.failed;
    expect(scored).toBeGreaterThan(600);
    expect((tally.met + tally.policy) / scored).toBeGreaterThanOrEqual(0.8);
  });
});
