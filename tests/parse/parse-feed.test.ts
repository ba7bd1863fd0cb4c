// parseFeed against real feeds (tests/fixtures/feeds, origins in its README) and hostile input.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isVeilleError } from '../../src/domain/errors.js';
import type { ParsedFeed } from '../../src/domain/types.js';
import { parseFeed } from '../../src/parse/parse-feed.js';
import { parseFeedDate } from '../../src/clean/dates.js';

function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/feeds/${name}`, import.meta.url), 'utf8');
}

/** Fetch owns charset decoding; this fixture has no XML declaration and is ISO-8859-1. */
function latin1Fixture(name: string): string {
  return new TextDecoder('windows-1252').decode(readFileSync(new URL(`../fixtures/feeds/${name}`, import.meta.url)));
}

function parse(text: string, contentType: string | null = null): Promise<ParsedFeed> {
  return parseFeed(text, { contentType, url: 'https://feeds.example/feed' });
}

interface ItemCheck {
  readonly index: number;
  readonly title: string;
  readonly link: string | null;
  /** Expected instant of `published`, as ISO UTC; null when the item has no date. */
  readonly published: string | null;
}

interface FixtureCase {
  readonly name: string;
  readonly file: string;
  readonly format: ParsedFeed['format'];
  readonly title: string;
  readonly language: string | null;
  readonly count: number;
  readonly items: readonly ItemCheck[];
}

const FIXTURES: readonly FixtureCase[] = [
  {
    name: 'The Batch (AI news, RSS 2.0, trimmed)',
    file: 'ai-news-the_batch.xml',
    format: 'rss',
    title: 'The Batch | DeepLearning.AI',
    language: 'en',
    count: 3,
    items: [
      {
        index: 0,
        title: 'Gemini Flash Gets Pricey, AI Act Delays, Agents Drive Online Traffic',
        link: 'https://www.deeplearning.ai/the-batch/issue-355',
        published: '2026-05-29T00:00:00.000Z',
      },
      {
        index: 2,
        title: 'China Thwarts Meta’s Agentic Ambition, U.S. Evaluates Upcoming Models, AI Diagnoses Mammograms',
        link: 'https://www.deeplearning.ai/the-batch/issue-353',
        published: '2026-05-15T00:00:00.000Z',
      },
    ],
  },
  {
    name: 'Anthropic News (AI news, RSS 2.0, trimmed)',
    file: 'ai-news-anthropic_news.xml',
    format: 'rss',
    title: 'Anthropic News',
    language: 'en',
    count: 5,
    items: [
      {
        index: 0,
        title: 'How Claude’s text watermark works',
        link: 'https://www.anthropic.com/news/claude-text-watermark',
        published: '2026-08-14T00:00:00.000Z',
      },
      {
        index: 2,
        title: 'Mariano-Florentino (Tino) Cuéllar to join Anthropic as Chief Global Affairs Officer',
        link: 'https://www.anthropic.com/news/tino-cuellar',
        published: '2026-08-04T00:00:00.000Z',
      },
    ],
  },
  {
    name: 'Mistral AI News (AI news, RSS 2.0, trimmed)',
    file: 'ai-news-mistral.xml',
    format: 'rss',
    title: 'Mistral AI News',
    language: 'en',
    count: 6,
    items: [
      {
        index: 0,
        title: 'Emmi joins Mistral to accelerate the AI-native industry',
        link: 'https://mistral.ai/news/accelerate-ai-native-industry',
        published: '2026-05-22T00:00:00.000Z',
      },
    ],
  },
  {
    name: 'RSS 1.0 (RDF) specification example',
    file: 'feed-rs-rss-1.0-spec.xml',
    format: 'rdf',
    title: 'XML.com',
    language: null,
    count: 2,
    items: [
      {
        index: 1,
        title: 'Putting RDF to Work',
        link: 'http://xml.com/pub/2000/08/09/rdfdb/index.html',
        published: null,
      },
    ],
  },
  {
    name: 'RSS 0.91 specification example',
    file: 'feed-rs-rss-0.91-spec.xml',
    format: 'rss',
    title: 'WriteTheWeb',
    language: 'en-us',
    count: 2,
    items: [
      { index: 0, title: 'Giving the world a pluggable Gnutella', link: 'http://writetheweb.com/read.php?item=24', published: null },
    ],
  },
  {
    name: 'Atom 0.3 reference (issued/modified dates, escaped mode)',
    file: 'feedsmith-atom-0.3.xml',
    format: 'atom',
    title: 'Sample Feed',
    language: 'en',
    count: 3,
    items: [
      { index: 0, title: 'First entry title', link: '/entry/3', published: '2004-04-20T00:23:47.000Z' },
      { index: 1, title: 'Second entry title', link: '/entry/4', published: '2004-04-20T08:45:00.000Z' },
    ],
  },
  {
    name: 'Atom 1.0 (GitHub releases, rss-parser fixture)',
    file: 'rss-parser-gulp.atom',
    format: 'atom',
    title: 'Release notes from gulp',
    language: 'en-US',
    count: 10,
    items: [{ index: 0, title: 'v3.9.0', link: '/gulpjs/gulp/releases/tag/v3.9.0', published: '2015-06-01T21:49:41.000Z' }],
  },
  {
    name: 'JSON Feed 1.1',
    file: 'feed-rs-jsonfeed-1.1.json',
    format: 'json',
    title: 'Blog &#8211; InfluxData',
    language: 'en-US',
    count: 3,
    items: [
      {
        index: 1,
        title: 'InfluxDB vs. Elasticsearch for Time Series Data & Metrics Benchmark',
        link: 'https://www.influxdata.com/blog/influxdb-markedly-elasticsearch-in-time-series-data-metrics-benchmark',
        published: '2018-02-06T13:34:12.000Z',
      },
    ],
  },
  {
    name: 'JSON Feed 1.0',
    file: 'feed-rs-jsonfeed-1.0.json',
    format: 'json',
    title: 'JSON Feed',
    language: null,
    count: 1,
    items: [
      {
        index: 0,
        title: 'Announcing JSON Feed',
        link: 'https://jsonfeed.org/2017/05/17/announcing_json_feed',
        published: '2017-05-17T15:02:12.000Z',
      },
    ],
  },
  {
    name: 'written for veille: French RSS 2.0 with HTML entities and a bare ampersand',
    file: 'veille-french.xml',
    format: 'rss',
    title: 'Le Blog de l’IA ouverte',
    language: 'fr-FR',
    count: 5,
    items: [
      {
        index: 0,
        title: 'IA open source et apprentissage fédéré : retour sur deux ateliers de l’AAAI 2025',
        link: 'https://blog.exemple.fr/2025/03/ateliers-aaai?utm_source=rss&utm_medium=feed&id=42#commentaires',
        published: '2025-03-04T08:30:00.000Z',
      },
      {
        index: 1,
        title: 'R&D : la CNIL publie ses recommandations sur l’IA',
        link: 'https://blog.exemple.fr/2025/02/cnil-recommandations',
        published: '2025-02-10T18:00:00.000Z',
      },
    ],
  },
];

describe('parseFeed on real feeds', () => {
  it.each(FIXTURES)('$name: format, feed title, language, item count', async (c) => {
    const feed = await parse(fixture(c.file));
    expect(feed.format).toBe(c.format);
    expect(feed.title).toBe(c.title);
    expect(feed.language).toBe(c.language);
    expect(feed.items).toHaveLength(c.count);
  });

  it.each(FIXTURES.flatMap((c) => c.items.map((item) => ({ ...item, file: c.file, name: `${c.name} #${item.index}` }))))(
    '$name: title, link and date as in the file',
    async (check) => {
      const feed = await parse(fixture(check.file));
      const item = feed.items[check.index];
      expect(item?.title).toBe(check.title);
      expect(item?.link).toBe(check.link);
      expect(parseFeedDate(item?.published)?.toISOString() ?? null).toBe(check.published);
    },
  );

  it('French ISO-8859-1 feed without XML declaration (Le Cercle Psy), decoded by the caller', async () => {
    const feed = await parse(latin1Fixture('miniflux-cercle-psy-iso-8859-1.xml'));
    expect(feed.format).toBe('rss');
    expect(feed.title).toBe('Flux RSS du magazine de psychologie Le Cercle Psy');
    expect(feed.items).toHaveLength(10);
    expect(feed.items[0]?.title).toBe('Perturbateurs endocriniens : quels effets sur le cerveau ?');
    expect(feed.items[1]?.summary).toContain('étudiants en Master de Psychologie');
    expect(feed.items[0]?.published).toBe('Wed, 17 Oct 2018 10:30:00 GMT');
  });

  it('rss-parser fixture gulp-atom: every item matches rss-parser’s own expected output', async () => {
    const expected = JSON.parse(fixture('rss-parser-gulp.expected.json')) as {
      feed: { items: { title: string; link: string; id: string; author: string; isoDate: string }[] };
    };
    const feed = await parse(fixture('rss-parser-gulp.atom'));
    expect(feed.items.map((i) => i.title)).toEqual(expected.feed.items.map((i) => i.title));
    expect(feed.items.map((i) => i.link)).toEqual(expected.feed.items.map((i) => i.link));
    expect(feed.items.map((i) => i.guid)).toEqual(expected.feed.items.map((i) => i.id));
    expect(feed.items.map((i) => i.author)).toEqual(expected.feed.items.map((i) => i.author));
    expect(feed.items.map((i) => parseFeedDate(i.published)?.toISOString())).toEqual(
      expected.feed.items.map((i) => i.isoDate),
    );
  });

  it('feedparser entities/eacute: an HTML named entity in strict XML is decoded', async () => {
    const feed = await parse(fixture('feedparser-eacute.xml'));
    expect(feed.title).toBe('testing é entity');
  });

  it('written for veille: ttl, categories (with domain attribute), content:encoded, dc:creator', async () => {
    const feed = await parse(fixture('veille-french.xml'));
    expect(feed.ttlMinutes).toBe(60);
    expect(feed.description).toBe('Veille sur l’IA ouverte, l’apprentissage fédéré et la confidentialité');
    const first = feed.items[0];
    expect(first?.guid).toBe('blog.exemple.fr/billet/42');
    expect(first?.author).toBe('Léa Martin');
    expect(first?.categories).toEqual(['Apprentissage fédéré', 'Open source', 'open SOURCE']);
    expect(first?.summary).toContain('« Open Source AI for Mainstream Use »');
    expect(first?.summary).toContain('en français');
    expect(first?.content).toContain('<a href="https://aihub.org/2025/03/03/aaai-2025-workshops/?utm_campaign=x">AIhub</a>');
    expect(feed.items[2]?.published).toBeNull();
  });
});

describe('parseFeed field mapping', () => {
  it('Atom: categories from term, xml:lang, text title escaped, html content kept, bad dates survive', async () => {
    const feed = await parse(`<?xml version="1.0"?>
      <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">
        <title type="text">A &lt;b&gt; B</title><link href="https://ex.org/"/><subtitle>Sous-titre</subtitle>
        <entry xml:lang="en-GB">
          <id>urn:1</id><title type="html">&lt;em&gt;Hello&lt;/em&gt;</title>
          <link rel="self" href="https://ex.org/1.atom"/><link rel="alternate" href="https://ex.org/1"/>
          <published>not a date</published><updated>2024-02-03T04:05:06+01:00</updated>
          <category term="ai" label="AI"/><category term="open-source"/>
          <summary>Plain &lt;text&gt;</summary><content type="html">&lt;p&gt;Body&lt;/p&gt;</content>
          <author><name>Ada</name><email>ada@ex.org</email></author>
        </entry>
        <entry><id>urn:2</id><link>https://ex.org/2</link><title>Two</title></entry>
      </feed>`);
    expect(feed).toMatchObject({ format: 'atom', title: 'A &lt;b&gt; B', link: 'https://ex.org/', description: 'Sous-titre', language: 'fr' });
    expect(feed.items[0]).toEqual({
      guid: 'urn:1',
      link: 'https://ex.org/1',
      title: '<em>Hello</em>',
      summary: 'Plain &lt;text&gt;',
      content: '<p>Body</p>',
      author: 'Ada',
      published: 'not a date',
      updated: '2024-02-03T04:05:06+01:00',
      categories: ['ai', 'open-source'],
      language: 'en-GB',
      base: null,
    });
    expect(feed.items[1]?.link).toBe('https://ex.org/2');
  });

  it('RSS 2.0: a GUID is a permalink unless isPermaLink="false" says otherwise', async () => {
    const feed = await parse(`<rss version="2.0"><channel><title>T</title>
      <item><guid>https://ex.org/1</guid></item>
      <item><guid isPermaLink="true">https://ex.org/2</guid></item>
      <item><guid isPermaLink=" FALSE ">https://ex.org/3</guid></item>
    </channel></rss>`);
    expect(feed.items.map((item) => item.guidIsPermaLink)).toEqual([true, true, false]);
  });

  it('RSS 2.0: guid object, RSS author "email (Name)", dc:date, dc:language, missing fields → null', async () => {
    const feed = await parse(`<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
      <title> T </title><link>https://ex.org/</link><description></description><ttl>abc</ttl>
      <item><guid isPermaLink="false"> g-1 </guid><author>jo@ex.org (Jo Doe)</author>
        <dc:date>2024-05-06T07:08:09Z</dc:date><dc:language>fr-CA</dc:language></item>
    </channel></rss>`);
    expect(feed).toMatchObject({ title: 'T', description: null, ttlMinutes: null, language: null });
    expect(feed.items[0]).toEqual({
      guid: 'g-1',
      guidIsPermaLink: false,
      link: null,
      title: null,
      summary: null,
      content: null,
      author: 'Jo Doe',
      published: '2024-05-06T07:08:09Z',
      updated: null,
      categories: [],
      language: 'fr-CA',
      base: null,
    });
  });

  it.each([
    ['empty RSS', '<rss version="2.0">\n</rss>', 0],
    ['RSS items without a channel', '<rss><item><title>a</title></item><item><title>b</title></item></rss>', 2],
    ['empty RDF', '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"></rdf:RDF>', 0],
  ])('well-formed but sparse: %s', async (_name, text, count) => {
    expect((await parse(text)).items).toHaveLength(count);
  });

  it('RSS without version attribute is read as RSS 2.0', async () => {
    const feed = await parse('<rss><channel><title>x</title><item><title>a</title></item></channel></rss>');
    expect(feed.items.map((i) => i.title)).toEqual(['a']);
  });

  it('JSON Feed served as application/json with leading whitespace and BOM', async () => {
    const feed = await parse(`\uFEFF  ${fixture('feed-rs-jsonfeed-1.0.json')}`, 'application/json; charset=utf-8');
    expect(feed.format).toBe('json');
  });
});

interface ErrorCase {
  readonly name: string;
  readonly text: string;
  readonly contentType?: string;
  readonly code: 'FETCH_NOT_A_FEED' | 'PARSE_INVALID_FEED';
  readonly message: RegExp;
}

const ERRORS: readonly ErrorCase[] = [
  {
    name: 'HTML page with doctype',
    text: '<!DOCTYPE html>\n<html lang="fr"><head><title>Connexion</title></head><body><p>Bonjour</p></body></html>',
    code: 'FETCH_NOT_A_FEED',
    message: /^parse: https:\/\/feeds\.example\/feed is an HTML page, not a feed$/,
  },
  {
    name: 'HTML page without doctype',
    text: '<html><body>Not found</body></html>',
    code: 'FETCH_NOT_A_FEED',
    message: /is an HTML page, not a feed/,
  },
  {
    name: 'XHTML page with XML declaration',
    text: '<?xml version="1.0"?><!-- c --><!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "x"><html/>',
    code: 'FETCH_NOT_A_FEED',
    message: /is an HTML page, not a feed/,
  },
  { name: 'empty body', text: '', code: 'FETCH_NOT_A_FEED', message: /is empty, not a feed/ },
  { name: 'white space only', text: ' \n\t ', code: 'FETCH_NOT_A_FEED', message: /is empty, not a feed/ },
  { name: 'plain text', text: 'Service Unavailable', code: 'FETCH_NOT_A_FEED', message: /neither XML nor JSON/ },
  { name: 'JSON that is not a JSON Feed', text: '{"error":"rate limited"}', code: 'FETCH_NOT_A_FEED', message: /JSON but not a JSON Feed/ },
  { name: 'JSON array', text: '[1,2]', code: 'FETCH_NOT_A_FEED', message: /JSON but not a JSON Feed/ },
  { name: 'other XML root', text: '<?xml version="1.0"?><opml version="2.0"><body/></opml>', code: 'FETCH_NOT_A_FEED', message: /root element <opml>/ },
  {
    name: 'truncated RSS',
    text: '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>a</ti',
    code: 'PARSE_INVALID_FEED',
    message: /^parse: https:\/\/feeds\.example\/feed: invalid RSS feed: .*Unclosed root tag/,
  },
  {
    name: 'mismatched tags in Atom',
    text: '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>a</entry></feed>',
    code: 'PARSE_INVALID_FEED',
    message: /invalid ATOM feed/,
  },
  {
    name: 'JSON Feed without items',
    text: '{"version":"https://jsonfeed.org/version/1.1","title":"x"}',
    code: 'PARSE_INVALID_FEED',
    message: /without an "items" array/,
  },
  {
    name: 'truncated JSON Feed',
    text: '{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1"',
    code: 'PARSE_INVALID_FEED',
    message: /invalid JSON Feed/,
  },
];

describe('parseFeed errors', () => {
  it.each(ERRORS)('$name → $code', async ({ text, contentType, code, message }) => {
    const error = await parse(text, contentType ?? null).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isVeilleError(error, code)).toBe(true);
    expect((error as Error).message).toMatch(message);
  });

  it('never rejects with anything but a VeilleError on odd input', async () => {
    const odd = [
      '<rss version="2.0"><channel><item><pubDate><b>x</b></pubDate><link/><guid/><category/></item><item/></channel></rss>',
      '<feed xmlns="http://www.w3.org/2005/Atom"><entry><link>no attributes</link><published>31/31/2024</published></entry></feed>',
      '<feed><entry><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">X<b>Y</b></div></title></entry></feed>',
      '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"></rdf:RDF>',
      '<rss version="2.0"><channel><title>&#0;&#xFFFFFF;&unknown;</title></channel></rss>',
      '<rss version="2.0"><channel><title><![CDATA[a & b &eacute;]]></title></channel></rss>',
      '{"version":"https://jsonfeed.org/version/1","items":[null,1,"x",{"id":5,"title":["no"],"tags":[1,"ok"],"authors":"x"}]}',
      '<',
      '<<<<>>>>',
    ];
    for (const text of odd) {
      await parse(text).then(
        (feed) => expect(feed.items).toBeDefined(),
        (error: unknown) => expect(isVeilleError(error)).toBe(true),
      );
    }
  });

  it('keeps odd-but-readable values: xhtml title as HTML, CDATA untouched, invalid references replaced', async () => {
    const xhtml = await parse(
      '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">X <b>Y</b></div></title></entry></feed>',
    );
    expect(xhtml.items[0]?.title).toBe('X <b>Y</b>');
    const cdata = await parse('<rss version="2.0"><channel><title><![CDATA[a & b &eacute;]]></title></channel></rss>');
    expect(cdata.title).toBe('a & b &eacute;');
    const refs = await parse('<rss version="2.0"><channel><title>&#0;x&unknown;</title></channel></rss>');
    expect(refs.title).toBe('\uFFFDx&unknown;');
  });
});

describe('parseFeed and DTDs', () => {
  const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
  <!ENTITY tricky "]> <rss> &lol9;">
]>
<rss version="2.0"><channel><title>&lol9;</title><item><title>caf&eacute; &lol9;</title></item></channel></rss>`;

  it('billion laughs: entities are not expanded (fast, no huge strings)', async () => {
    const started = performance.now();
    const feed = await parse(BILLION_LAUGHS);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(feed.title).toBe('&lol9;');
    expect(feed.items[0]?.title).toBe('café &lol9;');
    expect(JSON.stringify(feed).length).toBeLessThan(1000);
  });

  it('external entities are neither fetched nor expanded', async () => {
    const feed = await parse(`<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "http://127.0.0.1:1/never.dtd" [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<rss version="2.0"><channel><title>a &xxe; b</title></channel></rss>`);
    expect(feed.title).toBe('a &xxe; b');
  });

  it('RSS 0.91 with the Netscape DOCTYPE still parses', async () => {
    const feed = await parse(`<?xml version="1.0"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Old &amp; gold</title><language>fr</language><item><title>Un</title></item></channel></rss>`);
    expect(feed).toMatchObject({ format: 'rss', title: 'Old & gold', language: 'fr' });
    expect(feed.items).toHaveLength(1);
  });
});

describe('RSS <fullitem>', () => {
  it('is the item content when there is no content:encoded (an old RSS extension, escaped HTML)', async () => {
    const feed = await parseFeed(
      '<rss version="2.0"><channel><title>t</title><item><title>a</title><fullitem>&lt;p&gt;Example content&lt;/p&gt;</fullitem></item></channel></rss>',
      { contentType: 'application/rss+xml', url: 'https://example.org/feed' },
    );
    expect(feed.items[0]?.content).toBe('<p>Example content</p>');
  });
});
