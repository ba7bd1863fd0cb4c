// normalizeFeed: ParsedFeed → Item (ids, canonical links, UTC dates, text, sanitized content).

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeItemId, normalizeFeed } from '../../src/clean/normalize.js';
import { primaryLanguage } from '../../src/domain/language-tag.js';
import type { NormalizeContext } from '../../src/clean/normalize.js';
import type { ParsedFeed, ParsedItem } from '../../src/domain/types.js';
import { parseFeed } from '../../src/parse/parse-feed.js';

const FETCHED_AT = new Date('2025-03-10T12:00:00.000Z');

function context(overrides: Partial<NormalizeContext> = {}): NormalizeContext {
  return {
    sourceKey: 'https://blog.exemple.fr/feed.xml',
    baseUrl: 'https://blog.exemple.fr/feed.xml',
    sourceLang: null,
    fetchedAt: FETCHED_AT,
    ...overrides,
  };
}

function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/feeds/${name}`, import.meta.url), 'utf8');
}

function parsedItem(overrides: Partial<ParsedItem> = {}): ParsedItem {
  return {
    guid: null,
    link: null,
    title: null,
    summary: null,
    content: null,
    author: null,
    published: null,
    updated: null,
    categories: [],
    language: null,
    base: null,
    ...overrides,
  };
}

function feedOf(items: ParsedItem[], overrides: Partial<ParsedFeed> = {}): ParsedFeed {
  return { format: 'rss', title: 'F', link: null, description: null, language: null, base: null, ttlMinutes: null, updatePeriodMinutes: null, skipHours: [], skipDays: [], items, ...overrides };
}

describe('normalizeFeed on the French fixture (written for veille)', async () => {
  const items = normalizeFeed(await parseFeed(fixture('veille-french.xml'), { contentType: null, url: 'x' }), context());
  const [first, second, undated, future] = items;

  it('collapses the item whose GUID repeats an earlier one', () => {
    expect(items.map((i) => i.link)).toEqual([
      'https://blog.exemple.fr/2025/03/ateliers-aaai?id=42',
      'https://blog.exemple.fr/2025/02/cnil-recommandations',
      'https://blog.exemple.fr/2025/01/sans-date',
      'https://blog.exemple.fr/2099/01/futur',
    ]);
  });

  it('first item: text fields, dates, language, categories', () => {
    expect(first).toMatchObject({
      guid: 'blog.exemple.fr/billet/42',
      title: 'IA open source et apprentissage fédéré : retour sur deux ateliers de l’AAAI 2025',
      summary:
        'AIhub a publié un compte rendu des ateliers « Open Source AI for Mainstream Use » et « FLUID ». Voici l’essentiel, en français.',
      author: 'Léa Martin',
      publishedAt: '2025-03-04T08:30:00.000Z',
      updatedAt: null,
      dateMissing: false,
      categories: ['Apprentissage fédéré', 'Open source'],
      language: 'fr',
    });
    expect(first?.id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('first item: content sanitized, URLs absolute, outbound links canonical, first image', () => {
    const html = first?.contentHtml ?? '';
    expect(html).not.toMatch(/script|javascript|pixel\.exemple/);
    expect(html).toContain('<img src="https://blog.exemple.fr/images/aaai.png" alt="Affiche" />');
    expect(html).toContain('<a href="https://blog.exemple.fr/2025/02/confidentialite" rel="noopener noreferrer">');
    expect(first?.links).toEqual([
      'https://aihub.org/2025/03/03/aaai-2025-workshops/',
      'https://blog.exemple.fr/2025/02/confidentialite',
    ]);
    expect(first?.imageUrl).toBe('https://blog.exemple.fr/images/aaai.png');
  });

  it('a description that repeats the title gives an empty summary', () => {
    expect(second?.title).toBe('R&D : la CNIL publie ses recommandations sur l’IA');
    expect(second?.summary).toBe('');
  });

  it('missing and far-future dates fall back to the fetch time, flagged', () => {
    expect(undated).toMatchObject({ publishedAt: FETCHED_AT.toISOString(), dateMissing: true });
    expect(undated?.summary).toBe('Un billet dont la date manque… On prend l’heure de récupération.');
    expect(future).toMatchObject({ publishedAt: FETCHED_AT.toISOString(), dateMissing: true });
  });

  it('ids are stable across runs', async () => {
    const again = normalizeFeed(await parseFeed(fixture('veille-french.xml'), { contentType: null, url: 'x' }), context());
    expect(again.map((i) => i.id)).toEqual(items.map((i) => i.id));
  });
});

describe('computeItemId', () => {
  const sha = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 32);

  it.each([
    ['GUID first', parsedItem({ guid: ' g-1 ', link: 'https://ex.org/a' }), 'https://ex.org/a', 'src\ng-1'],
    ['canonical link without GUID', parsedItem({ link: 'https://ex.org/a?utm_source=x' }), 'https://ex.org/a', 'src\nhttps://ex.org/a'],
    ['title and date without GUID or link', parsedItem({ title: 'T', published: '2024-01-01' }), null, 'src\nT\n2024-01-01'],
  ])('%s', (_name, item, link, hashed) => {
    expect(computeItemId('src', item, link)).toBe(sha(hashed));
  });

  it('depends on the source: the same GUID in two sources gives two ids', () => {
    const item = parsedItem({ guid: '1' });
    expect(computeItemId('a', item, null)).not.toBe(computeItemId('b', item, null));
  });

  it('an item edited upstream (same GUID, new title and link) keeps its id', () => {
    const before = parsedItem({ guid: 'g', title: 'Avant', link: 'https://ex.org/a' });
    const after = parsedItem({ guid: 'g', title: 'Après', link: 'https://ex.org/b' });
    expect(computeItemId('s', before, 'https://ex.org/a')).toBe(computeItemId('s', after, 'https://ex.org/b'));
  });

  it('without GUID, tracking parameters do not change the id (the canonical link is hashed)', () => {
    const [a] = normalizeFeed(feedOf([parsedItem({ link: 'https://ex.org/a?utm_source=rss' })]), context());
    const [b] = normalizeFeed(feedOf([parsedItem({ link: 'https://ex.org/a?utm_source=mail#top' })]), context());
    expect(a?.id).toBe(b?.id);
  });
});

describe('normalizeFeed field rules', () => {
  it.each([
    ['HTML title stripped and decoded', parsedItem({ title: '<b>L&rsquo;IA</b>\n en   France' }), 'L’IA en France'],
    ['empty title → first words of the summary', parsedItem({ title: '  ', summary: 'Un résumé qui sert de titre.' }), 'Un résumé qui sert de titre.'],
    ['no title, no text → empty (readers get the site’s word for it)', parsedItem({ title: null }), ''],
  ])('title: %s', (_name, item, expected) => {
    expect(normalizeFeed(feedOf([item]), context())[0]?.title).toBe(expected);
  });

  it('summary from content when there is no summary; content from summary when there is no content', () => {
    const [fromContent] = normalizeFeed(feedOf([parsedItem({ guid: '1', content: '<p>Le corps.</p>' })]), context());
    expect(fromContent).toMatchObject({ summary: 'Le corps.', contentHtml: '<p>Le corps.</p>' });
    const [fromSummary] = normalizeFeed(feedOf([parsedItem({ guid: '2', summary: '<p>Résumé <script>x</script></p>' })]), context());
    expect(fromSummary).toMatchObject({ summary: 'Résumé', contentHtml: '<p>Résumé </p>' });
  });

  it('link falls back to a URL GUID, resolved against the feed link', () => {
    const feed = feedOf([parsedItem({ guid: 'https://ex.org/p/1#x' }), parsedItem({ guid: '2', link: '/p/2' })], {
      link: 'https://ex.org/blog/',
    });
    expect(normalizeFeed(feed, context()).map((i) => i.link)).toEqual(['https://ex.org/p/1', 'https://ex.org/p/2']);
  });

  it('a GUID the feed says is no permalink is never the link, even when it looks like a URL', () => {
    const feed = feedOf([
      parsedItem({ guid: 'https://ex.org/?p=1', guidIsPermaLink: false }),
      parsedItem({ guid: 'https://ex.org/?p=2', guidIsPermaLink: false, link: 'https://ex.org/deux' }),
    ]);
    expect(normalizeFeed(feed, context()).map((i) => i.link)).toEqual([null, 'https://ex.org/deux']);
  });

  it('updatedAt from updated when valid; published falls back to updated', () => {
    const [a, b] = normalizeFeed(
      feedOf([
        parsedItem({ guid: '1', published: '2024-01-01T00:00:00Z', updated: 'garbage' }),
        parsedItem({ guid: '2', published: 'garbage', updated: '2024-02-02T10:00:00+01:00' }),
      ]),
      context(),
    );
    expect(a).toMatchObject({ publishedAt: '2024-01-01T00:00:00.000Z', updatedAt: null, dateMissing: false });
    expect(b).toMatchObject({ publishedAt: '2024-02-02T09:00:00.000Z', updatedAt: '2024-02-02T09:00:00.000Z', dateMissing: false });
  });

  it('a date less than a day ahead is kept (clock skew), more is clamped', () => {
    const [near, far] = normalizeFeed(
      feedOf([
        parsedItem({ guid: '1', published: '2025-03-11T11:00:00Z' }),
        parsedItem({ guid: '2', published: '2025-03-11T13:00:00Z' }),
      ]),
      context(),
    );
    expect(near).toMatchObject({ publishedAt: '2025-03-11T11:00:00.000Z', dateMissing: false });
    expect(far).toMatchObject({ publishedAt: FETCHED_AT.toISOString(), dateMissing: true });
  });

  it('categories trimmed, deduplicated case-insensitively, empty dropped', () => {
    const [item] = normalizeFeed(feedOf([parsedItem({ categories: [' IA ', 'ia', '', 'Vie privée', 'VIE PRIVÉE', '&amp; co'] })]), context());
    expect(item?.categories).toEqual(['IA', 'Vie privée', '& co']);
  });

  it('language: item, then feed, then source; reduced to the primary subtag', () => {
    const feed = feedOf([parsedItem({ guid: '1', language: 'en_US' }), parsedItem({ guid: '2' })], { language: 'fr-FR' });
    expect(normalizeFeed(feed, context()).map((i) => i.language)).toEqual(['en', 'fr']);
    const bare = feedOf([parsedItem({ guid: '1' })]);
    expect(normalizeFeed(bare, context({ sourceLang: 'FR' }))[0]?.language).toBe('fr');
    expect(normalizeFeed(bare, context())[0]?.language).toBeNull();
  });

  it.each([
    ['fr-FR', 'fr'],
    ['en_US', 'en'],
    ['EN', 'en'],
    [' de ', 'de'],
    ['fil-PH', 'fil'],
    ['English', null],
    ['x-klingon', null],
    ['', null],
    ['12', null],
    [null, null],
  ])('primaryLanguage(%j) = %j', (tag, expected) => {
    expect(primaryLanguage(tag)).toBe(expected);
  });

  it('outbound links exclude the item itself and non-http links, deduplicated', () => {
    const [item] = normalizeFeed(
      feedOf([
        parsedItem({
          link: 'https://ex.org/post',
          content:
            '<a href="/post#top">self</a><a href="https://other.org/a?fbclid=1">o</a><a href="https://other.org/a">o2</a><a href="mailto:a@b.c">m</a>',
        }),
      ]),
      context(),
    );
    expect(item?.links).toEqual(['https://other.org/a']);
  });

  it('a title glued by its source to a date and a category is cleaned (issue 18)', () => {
    const title = 'Aug 18, 2026ScienceHow Claude is accelerating protein design and analytical chemistry';
    // The feed repeats the glued title as description and content: no summary, as for any repeated title.
    const [item] = normalizeFeed(feedOf([parsedItem({ title, summary: title, content: title })]), context());
    expect(item?.title).toBe('How Claude is accelerating protein design and analytical chemistry');
    expect(item?.summary).toBe('');
    expect(item?.contentHtml).toBe('');
  });

  it('author reduced to text or null', () => {
    const [a, b] = normalizeFeed(feedOf([parsedItem({ guid: '1', author: '<b>Léa</b>' }), parsedItem({ guid: '2', author: ' ' })]), context());
    expect(a?.author).toBe('Léa');
    expect(b?.author).toBeNull();
  });

  it('JSON Feed content_text becomes escaped HTML', async () => {
    const parsed = await parseFeed(
      JSON.stringify({
        version: 'https://jsonfeed.org/version/1.1',
        title: 'J',
        items: [{ id: '1', content_text: 'a < b & <script>c</script>\n\nsecond', date_published: '2024-01-01T00:00:00Z' }],
      }),
      { contentType: 'application/feed+json', url: 'x' },
    );
    const [item] = normalizeFeed(parsed, context());
    expect(item?.contentHtml).toBe('<p>a &lt; b &amp; &lt;script&gt;c&lt;/script&gt;</p><p>second</p>');
    expect(item?.summary).toBe('a < b & <script>c</script> second');
  });
});
