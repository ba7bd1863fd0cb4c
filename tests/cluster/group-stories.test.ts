// The cluster stage on small tables: which signals join items into one story, which never do,
// and how stored stories merge (the older one stays).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { groupItems } from '../../src/cluster/group-stories.js';
import type { ClusterItem } from '../../src/domain/story.js';
import { extractNames } from '../../src/cluster/features.js';
import { isStoryUrl } from '../../src/domain/web-url.js';

const item = (id: string, fields: Partial<ClusterItem> = {}): ClusterItem => ({
  id,
  sourceId: 1,
  link: `https://${id}.example.org/post`,
  links: [],
  title: `Title of ${id}`,
  summary: '',
  language: 'en',
  publishedAt: '2026-11-20T10:00:00Z',
  storyId: null,
  ...fields,
});

const RECAP =
  'Researchers summarise two AAAI 2025 workshops on open source AI for mainstream use and on federated learning for unbounded and intelligent decentralization, with talks on industrial safety and agriculture.';

/** Whether `fresh` joins the story (id 1) of `stored`. */
function joins(stored: ClusterItem, fresh: ClusterItem, others: ClusterItem[] = []): boolean {
  const assignments = groupItems([{ ...stored, storyId: 1 }, ...others], [fresh]);
  return assignments.some((assignment) => assignment.storyId === 1 && assignment.itemIds.includes(fresh.id));
}

describe('groupItems: what joins a story', () => {
  it.each([
    ['the same canonical URL, another source', item('a'), item('b', { sourceId: 2, link: 'https://a.example.org/post' }), true],
    ['the same canonical URL, same source (re-published with a new GUID)', item('a'), item('b', { link: 'https://a.example.org/post', title: 'Edited' }), true],
    ['a post that links to the item (French post, "Lire l’article")', item('a'), item('b', { sourceId: 2, language: 'fr', links: ['https://a.example.org/post'] }), true],
    ['an item the stored one links to', item('a', { links: ['https://b.example.org/post'] }), item('b', { sourceId: 2 }), true],
    ['the same title of four words or more, another source', item('a', { title: 'Partnering with Mozilla on Firefox security' }), item('b', { sourceId: 2, title: 'Partnering with Mozilla on Firefox Security' }), true],
    ['near-duplicate text, another source', item('a', { title: 'AAAI workshops', summary: RECAP }), item('b', { sourceId: 2, title: 'AAAI workshops', summary: `${RECAP} Read more.` }), true],
    [
      'shared rare names across languages',
      item('a', { title: 'AAAI 2025 workshops: FLUID and Open Source AI', summary: 'By Peter Santhanam, Daniela Annunziata and Marzia Canzaniello.' }),
      item('b', { sourceId: 2, language: 'fr', title: 'Deux ateliers AAAI 2025', summary: 'Peter Santhanam, Daniela Annunziata et Marzia Canzaniello résument FLUID.' }),
      true,
    ],
  ])('%s → same story', (_name, stored, fresh, expected) => {
    expect(joins(stored, fresh)).toBe(expected);
  });

  it.each([
    ['a home page link shared by a whole site', item('a', { link: 'https://example.org/' }), item('b', { sourceId: 2, link: 'https://example.org/' })],
    ['a short equal title ("Introducing Labs")', item('a', { title: 'Introducing Labs' }), item('b', { sourceId: 2, title: 'Introducing Labs' })],
    ['an equal title more than 14 days apart', item('a', { title: 'Partnering with Mozilla on Firefox security' }), item('b', { sourceId: 2, title: 'Partnering with Mozilla on Firefox security', publishedAt: '2026-12-20T10:00:00Z' })],
    ['near-duplicate text of one source (two releases)', item('a', { title: 'Release notes', summary: RECAP }), item('b', { title: 'Release notes', summary: RECAP })],
    ['near-duplicate text with different version numbers', item('a', { title: 'Windsurf 1.9544.24', summary: RECAP }), item('b', { sourceId: 2, title: 'Windsurf Next 1.9544.1018', summary: RECAP })],
    ['near-duplicate text more than 7 days apart', item('a', { title: 'AAAI', summary: RECAP }), item('b', { sourceId: 2, title: 'AAAI', summary: RECAP, publishedAt: '2026-11-29T10:00:00Z' })],
    ['shared names in the same language (same-language items need text or links)', item('a', { title: 'Claude Opus 4.6 for Finance at Anthropic', summary: 'Anthropic Claude Opus 4.6' }), item('b', { sourceId: 2, title: 'Claude Opus 4.6 in Windsurf at Anthropic', summary: 'Anthropic Claude Opus 4.6' })],
    ['only two shared names across languages', item('a', { title: 'Claude Opus 4.6 launches' }), item('b', { sourceId: 2, language: 'fr', title: 'Claude Opus dans la finance' })],
  ])('%s → not the same story', (_name, stored, fresh) => {
    expect(joins(stored, fresh)).toBe(false);
  });

  it('a round-up linking to many sites joins no story, even when only one is known yet', () => {
    const others = Array.from({ length: 6 }, (_, n) => `https://site${n}.example.net/news/${n}`);
    const roundup = item('b', { sourceId: 2, links: ['https://a.example.org/post', ...others] });
    expect(joins(item('a'), roundup)).toBe(false);
  });

  it('a round-up linking to two stories joins neither (it would hide one of them)', () => {
    const first = item('a');
    const second = item('c', { sourceId: 3, storyId: 2 });
    const roundup = item('b', { sourceId: 2, links: ['https://a.example.org/post', 'https://c.example.org/post'] });
    const assignments = groupItems([{ ...first, storyId: 1 }, second], [roundup]);
    expect(assignments).toEqual([expect.objectContaining({ storyId: null, firstItemId: 'b', itemIds: ['b'], mergedStoryIds: [] })]);
  });
});

describe('groupItems: stories', () => {
  it('a new story is named after its earliest item, whatever the order of arrival', () => {
    const later = item('later', { publishedAt: '2026-11-21T10:00:00Z', links: ['https://earlier.example.org/post'], sourceId: 2 });
    const earlier = item('earlier');
    expect(groupItems([], [later, earlier])).toEqual([
      expect.objectContaining({ storyId: null, firstItemId: 'earlier', itemIds: ['earlier', 'later'], mergedStoryIds: [] }),
    ]);
  });

  it('an item that joins two stored stories merges the younger into the older', () => {
    const a = item('a', { storyId: 7 });
    const c = item('c', { sourceId: 3, storyId: 4, title: 'Partnering with Mozilla on Firefox security' });
    const bridge = item('b', { sourceId: 2, link: 'https://a.example.org/post', title: 'Partnering with Mozilla on Firefox security' });
    expect(groupItems([a, c], [bridge])).toEqual([
      expect.objectContaining({ storyId: 4, itemIds: ['b'], mergedStoryIds: [7] }),
    ]);
  });

  it('stored stories no fresh item touches are left out', () => {
    expect(groupItems([item('a', { storyId: 1 }), item('b', { storyId: 2 })], [])).toEqual([]);
  });

  it('counts shared names across languages only: same-language holders of the names neither join nor hide the match', () => {
    const names = 'Peter Santhanam, Daniela Annunziata and Marzia Canzaniello on FLUID at AAAI 2025.';
    // French notes naming the same people, in the fresh item's language: not a match by names.
    const french = Array.from({ length: 20 }, (_, n) =>
      item(`fr${n}`, { sourceId: 10 + n, storyId: 100 + n, language: 'fr', title: `Note ${n}`, summary: `Peter Santhanam, Daniela Annunziata et Marzia Canzaniello (FLUID, AAAI 2025), note ${n}.` }),
    );
    const [assignment] = groupItems(
      [item('a', { storyId: 1, title: 'AAAI 2025 workshops', summary: names }), ...french],
      [item('b', { sourceId: 2, language: 'fr', title: 'Deux ateliers AAAI 2025', summary: 'Peter Santhanam, Daniela Annunziata et Marzia Canzaniello résument FLUID.' })],
    );
    expect(assignment).toMatchObject({ storyId: 1, itemIds: ['b'], mergedStoryIds: [], reasons: [{ itemId: 'b', matchedId: 'a', reason: 'shared-names' }] });
  });

  it('says why an item joined', () => {
    const [assignment] = groupItems([item('a', { storyId: 1 })], [item('b', { sourceId: 2, links: ['https://a.example.org/post'] })]);
    expect(assignment?.reasons).toEqual([{ itemId: 'b', matchedId: 'a', reason: 'links-to' }]);
  });
});

describe('features', () => {
  it.each([
    ['https://aihub.org/2026/11/23/recap/', true],
    ['https://aihub.org/', false],
    ['https://aihub.org', false],
    ['https://example.org/?p=12', true],
    ['not a url', false],
  ])('isStoryUrl(%s) is %s', (url, expected) => {
    expect(isStoryUrl(url)).toBe(expected);
  });

  it('extracts names, acronyms, years and versions, not sentence words', () => {
    expect([...extractNames('Le site AIhub publie un article sur AAAI 2025 et Claude Opus 4.6. The FLUID workshop')].sort()).toEqual(
      ['2025', '4.6', 'aaai', 'aihub', 'claude', 'fluid', 'opus'].sort(),
    );
  });

  it('extracts the names every token would give, as when each token was lowercased first (real items)', () => {
    // The first form of extractNames: every token lowercased and looked up, then its first character tested.
    const reference = (text: string): string[] => {
      const stop = new Set(
        ('a an and are as at be but by for from how in is it its new of on or our the this to we what when why with you your ' +
          'introducing announcing today how why what our more ai ia ' +
          'au aux ce ces cet cette dans de des du elle en est et il ils la le les leur lire mais nous on ou par pour que qui sa se ses son sur un une vous ' +
          'à é ça').split(' '),
      );
      const names = new Set<string>();
      for (const token of text.match(/[\p{L}\p{N}]+(?:[.\-][\p{L}\p{N}]+)*/gu) ?? []) {
        const lower = token.toLowerCase();
        if (stop.has(lower)) continue;
        const isCapitalized = /\p{Lu}/u.test(token[0] ?? '');
        const isNumber = /^\d[\d.]*$/.test(token);
        if (isNumber ? token.replace(/\./g, '').length >= 2 : isCapitalized && token.length >= 2) names.add(lower);
      }
      return [...names];
    };
    const texts = readFileSync(new URL('../fixtures/ai-news/items.jsonl', import.meta.url), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { title: string; summary: string })
      .map((entry) => `${entry.title}. ${entry.summary}`);
    texts.push('É 1 12 1.2 ١٢ Ǆx 𝐀b On ON À Ça 2.0 x9 .5 A-1 Ab.Cd');
    const differing = texts.filter((text) => JSON.stringify([...extractNames(text)]) !== JSON.stringify(reference(text)));
    expect(differing).toEqual([]);
  });
});
