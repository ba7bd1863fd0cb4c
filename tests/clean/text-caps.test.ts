// Every published text field is capped and drops bidi overrides (issue 13, finding 12): titles,
// authors, categories and the feed's own title (a source's name) from hostile feeds, through
// parse → normalize → every feed format.
import { describe, expect, it } from 'vitest';
import { MAX_AUTHOR_CHARS, MAX_CATEGORY_CHARS, MAX_TITLE_CHARS, normalizeSourceInfo } from '../../src/clean/normalize.js';
import { capText, stripBidiControls } from '../../src/clean/text.js';
import { parseFeed } from '../../src/parse/parse-feed.js';
import { clean } from '../../src/translate/translator.js';
import { FEED_URL, runPipeline } from '../security/pipeline.js';

const RLO = '\u202E';

function rss(channelTitle: string, item: { title: string; author?: string; category?: string }): string {
  return `<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>${channelTitle}</title><link>https://hostile.example/</link><description>d</description>
<item><title>${item.title}</title><link>https://hostile.example/1</link><guid>h1</guid>${item.author !== undefined ? `<dc:creator>${item.author}</dc:creator>` : ''}${item.category !== undefined ? `<category>${item.category}</category>` : ''}<description>Un résumé.</description></item></channel></rss>`;
}

/** Titles as each feed format publishes them. */
function publishedTitles(surfaces: readonly { kind: string; text: string }[]): string[] {
  const out: string[] = [];
  for (const surface of surfaces) {
    if (surface.kind === 'json') out.push(...(JSON.parse(surface.text) as { items: { title: string }[] }).items.map((item) => item.title));
    if (surface.kind === 'rss' || surface.kind === 'atom') {
      for (const match of surface.text.matchAll(/<item>\s*<title>([^<]*)<\/title>|<entry[^>]*>\s*<id>[^<]*<\/id>\s*<title type="text">([^<]*)<\/title>/g)) out.push(match[1] ?? match[2] ?? '');
    }
  }
  return out;
}

describe('length caps', () => {
  it('a 200,000-character item title is published cut at a word, 300 characters at most, in every feed format', async () => {
    const words = 'apprentissage fédéré '.repeat(10_000).trim(); // 209,999 characters
    const { items, surfaces } = await runPipeline(rss('Blog', { title: words }));
    const title = items[0]?.title ?? '';
    expect(title.length).toBeLessThanOrEqual(MAX_TITLE_CHARS);
    expect(title).toMatch(/^apprentissage fédéré .* (apprentissage|fédéré)…$/);
    const published = publishedTitles(surfaces);
    expect(published).toHaveLength(3);
    for (const text of published) expect(text.length).toBeLessThanOrEqual(MAX_TITLE_CHARS);
  });

  it('a 2 MB feed title becomes a source name of 300 characters at most', async () => {
    const name = `Le blog ${'x'.repeat(2 * 1024 * 1024)}`;
    const parsed = await parseFeed(rss(name, { title: 'Un titre' }), { contentType: 'application/rss+xml', url: FEED_URL });
    const info = normalizeSourceInfo(parsed, FEED_URL);
    expect(info.title).toBe(`Le blog ${'x'.repeat(MAX_TITLE_CHARS - 9)}…`);
  });

  it('authors and category labels have their own caps', async () => {
    const { items } = await runPipeline(rss('Blog', { title: 'Un titre', author: 'Ada '.repeat(1_000), category: 'IA '.repeat(1_000) }));
    expect(items[0]?.author?.length).toBeLessThanOrEqual(MAX_AUTHOR_CHARS);
    expect(items[0]?.author).toMatch(/^Ada( Ada)*…$/);
    expect(items[0]?.categories[0]?.length).toBeLessThanOrEqual(MAX_CATEGORY_CHARS);
  });
});

describe('capText', () => {
  it.each([
    ['short text is kept', 'Un titre', 20, 'Un titre'],
    ['cut between words', 'Open source et apprentissage fédéré', 20, 'Open source et…'],
    ['trailing punctuation before the cut goes', 'Open source, et le reste', 13, 'Open source…'],
    ['one long word: cut between graphemes', 'x'.repeat(50), 10, `${'x'.repeat(9)}…`],
    // A family emoji is one grapheme of 11 UTF-16 units: never split.
    ['an emoji sequence is kept whole or left out', `ab${'👨‍👩‍👧'}${'c'.repeat(40)}`, 6, 'ab…'],
    ['a combining accent stays with its letter', `${'e\u0301'.repeat(20)}`, 6, `${'e\u0301'.repeat(2)}…`],
  ])('%s', (_name, text, max, expected) => {
    const capped = capText(text, max);
    expect(capped).toBe(expected);
    expect(capped.length).toBeLessThanOrEqual(max);
  });
});

describe('bidi controls', () => {
  it('U+202E and the other overrides, embeddings and isolates are dropped from titles, authors, categories and the feed title', async () => {
    const hostile = `Facture ${RLO}fdp.exe\u2066x\u2069 \u202Ay\u202C`;
    const { items, parsed } = await runPipeline(rss(`Blog ${RLO}lirva`, { title: hostile, author: `Ada ${RLO}x`, category: `IA ${RLO}z` }));
    expect(items[0]?.title).toBe('Facture fdp.exex y');
    expect(items[0]?.author).toBe('Ada x');
    expect(items[0]?.categories).toEqual(['IA z']);
    expect(normalizeSourceInfo(parsed, FEED_URL).title).toBe('Blog lirva');
  });

  it('keeps the marks LRM, RLM and ALM, which reorder nothing else', () => {
    expect(stripBidiControls('שלום\u200F! abc\u200E ع\u061C')).toBe('שלום\u200F! abc\u200E ع\u061C');
    expect(stripBidiControls('\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069')).toBe('');
  });

  it('translations are cleaned the same way', () => {
    expect(clean(`Titre ${RLO}traduit`)).toBe('Titre traduit');
  });
});
