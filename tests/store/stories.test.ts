// Stories in the store: GUIDs fixed at creation, merges keep the older story, re-published items
// keep their id (so their GUID and story), and the published view groups members by story.
import { describe, expect, it, vi } from 'vitest';
import type { Item } from '../../src/domain/types.js';
import { storyGuid } from '../../src/domain/guid.js';
import { Store } from '../../src/store/store.js';
import { groupStoredStories } from '../../src/app/group-stored-stories.js';
import { backend, openTestStore } from './backend.js';

const NOW = '2026-11-26T08:00:00Z';

const item = (id: string, fields: Partial<Item> = {}): Item => ({
  id,
  guid: id,
  link: `https://example.org/${id}`,
  title: `Title ${id}`,
  summary: `Summary ${id}`,
  contentHtml: '',
  author: null,
  publishedAt: '2026-11-25T08:00:00Z',
  updatedAt: null,
  dateMissing: false,
  categories: [],
  language: 'en',
  links: [],
  imageUrl: null,
  ...fields,
});

function openStore(): { store: Store; aihub: number; blog: number; letter: number } {
  const store = openTestStore();
  const [aihub, blog, letter] = store
    .syncSources(
      [
        { url: 'https://aihub.org/feed/', name: 'AIhub', lang: 'en' },
        { url: 'https://blog.example.fr/feed', name: 'Blog', lang: 'fr' },
        { url: 'https://letter.example.com/feed', name: 'Letter', lang: 'en' },
      ],
      NOW,
    )
    .map((source) => source.id);
  return { store, aihub: aihub!, blog: blog!, letter: letter! };
}

const save = (store: Store, sourceId: number, items: Item[]) =>
  store.saveItems(sourceId, items.map((entry) => ({ item: entry, themes: [] })), NOW);

describe(`stories in the store (${backend.name})`, () => {
  it('a single-item story keeps the GUID its item had; a joining item does not change it', () => {
    const { store, aihub, blog } = openStore();
    save(store, aihub, [item('recap')]);
    groupStoredStories(store, new Date(NOW));
    const [alone] = store.recentStories(10);
    expect(alone).toMatchObject({ guid: 'urn:veille:item:recap' });
    save(store, blog, [item('fr', { language: 'fr', links: ['https://example.org/recap'], publishedAt: '2026-11-25T09:00:00Z' })]);
    expect(groupStoredStories(store, new Date(NOW))).toEqual({ grouped: 1, joined: 1, merged: 0 });
    const stories = store.recentStories(10);
    expect(stories).toHaveLength(1);
    expect(stories[0]).toMatchObject({ id: alone!.id, guid: 'urn:veille:item:recap' });
    expect(stories[0]!.members.map((member) => member.id)).toEqual(['recap', 'fr']);
  });

  it('a grouping with no item waiting reads no item (issue 15: it read the whole window each cycle)', () => {
    const { store, aihub } = openStore();
    save(store, aihub, [item('recap'), item('other', { title: 'Something else entirely' })]);
    groupStoredStories(store, new Date(NOW));
    const read = vi.spyOn(store, 'eachGroupedSince');
    expect(groupStoredStories(store, new Date(NOW))).toEqual({ grouped: 0, joined: 0, merged: 0 });
    expect(read).not.toHaveBeenCalled();
    save(store, aihub, [item('new')]);
    expect(groupStoredStories(store, new Date(NOW))).toMatchObject({ grouped: 1 });
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('a new page that a stored item links to, beside a page of its own story, stays alone: the window read bounded reads that page too (issue 15)', () => {
    const { store, aihub, blog } = openStore();
    save(store, aihub, [item('page', { title: 'kiwi orchard pruning notes', summary: 'about kiwi pruning only' })]);
    groupStoredStories(store, new Date(NOW));
    // The blog's post links to that page and to one not yet seen: it joins the page's story.
    save(store, blog, [
      item('post', {
        title: 'lime grafting diary entries',
        summary: 'about lime grafting only',
        links: ['https://example.org/page', 'https://example.org/later'],
        publishedAt: '2026-11-25T09:00:00Z',
      }),
    ]);
    expect(groupStoredStories(store, new Date(NOW))).toEqual({ grouped: 1, joined: 1, merged: 0 });
    // The page it links to appears: the post covers two pages, so it joins neither to the other.
    save(store, aihub, [item('later', { title: 'quince frost warnings tonight', summary: 'about quince frost only', publishedAt: '2026-11-25T10:00:00Z' })]);
    expect(groupStoredStories(store, new Date(NOW))).toEqual({ grouped: 1, joined: 0, merged: 0 });
    expect(store.recentStories(10).map((story) => story.members.map((member) => member.id).sort())).toEqual([['later'], ['page', 'post']]);
  });

  it('when a new item bridges two stories, the older story and its GUID stay', () => {
    const { store, aihub, blog, letter } = openStore();
    save(store, aihub, [item('a', { title: 'Partnering with Mozilla on Firefox security' })]);
    groupStoredStories(store, new Date(NOW));
    save(store, blog, [item('b', { language: 'fr', publishedAt: '2026-11-25T10:00:00Z' })]);
    groupStoredStories(store, new Date(NOW));
    expect(store.recentStories(10)).toHaveLength(2);
    // Same title as a, links to b: one story now, under a's GUID.
    save(store, letter, [item('c', { title: 'Partnering with Mozilla on Firefox security', links: ['https://example.org/b'], publishedAt: '2026-11-25T11:00:00Z' })]);
    expect(groupStoredStories(store, new Date(NOW))).toMatchObject({ merged: 1 });
    const stories = store.recentStories(10);
    expect(stories.map((story) => story.guid)).toEqual(['urn:veille:item:a']);
    expect(stories[0]!.members.map((member) => member.id)).toEqual(['a', 'b', 'c']);
  });

  it.each([
    ['a new GUID for the same link (Miniflux #3120)', 'https://example.org/old', [item('new-guid', { link: 'https://example.org/old', title: 'Edited title' })], ['old'], 'Edited title'],
    ['the old item still in the feed: two items of one link', 'https://example.org/old', [item('old', { link: 'https://example.org/old' }), item('new-guid', { link: 'https://example.org/old' })], ['new-guid', 'old'], 'Title old'],
    ['a home-page link is no identity', 'https://example.org/', [item('new-guid', { link: 'https://example.org/' })], ['new-guid', 'old'], 'Title old'],
  ])('re-published item: %s', (_name, firstLink, second, expectedIds, expectedTitle) => {
    const { store, aihub } = openStore();
    save(store, aihub, [item('old', { link: firstLink })]);
    save(store, aihub, second);
    const stored = store.recentItems(10);
    expect(stored.map((entry) => entry.id).sort()).toEqual(expectedIds);
    expect(stored.find((entry) => entry.id === 'old')?.title).toBe(expectedTitle);
  });

  it('items not yet grouped are published as stories of their own', () => {
    const { store, aihub } = openStore();
    save(store, aihub, [item('x'), item('y', { publishedAt: '2026-11-25T09:00:00Z' })]);
    expect(store.recentStories(10).map((story) => [story.id, story.guid])).toEqual([
      [null, 'urn:veille:item:y'],
      [null, 'urn:veille:item:x'],
    ]);
  });
});

describe(`the newest stories in the store (${backend.name})`, () => {
  // recentStories(k) reads only the members published since the k-th story's newest (issue 15):
  // whatever k, it gives the first k of the whole list, ties and stories reaching past it included.
  it('the first k of every story, for every k: stories with members on both sides of the k-th, ties, a removed source\'s newer items', () => {
    const { store, aihub, blog, letter } = openStore();
    const at = (hour: number) => `2026-11-25T${String(hour).padStart(2, '0')}:00:00Z`;
    save(store, aihub, [
      item('a1', { publishedAt: at(1) }), item('a2', { publishedAt: at(9) }), item('a3', { publishedAt: at(5) }),
      item('b1', { publishedAt: at(7) }), item('b2', { publishedAt: at(7) }), item('c1', { publishedAt: at(7) }),
      item('d1', { publishedAt: at(3) }), item('d2', { publishedAt: at(8) }),
    ]);
    save(store, blog, [item('e1', { publishedAt: at(7) }), item('e2', { publishedAt: at(2) }), item('f1', { publishedAt: at(6) })]);
    save(store, letter, [item('g1', { publishedAt: at(12) }), item('g2', { publishedAt: at(4) })]);
    store.applyStoryAssignments([
      { storyId: null, firstItemId: 'a1', itemIds: ['a1', 'a2', 'a3'], mergedStoryIds: [] },
      { storyId: null, firstItemId: 'b1', itemIds: ['b1', 'e2'], mergedStoryIds: [] },
      { storyId: null, firstItemId: 'd1', itemIds: ['d1', 'g2'], mergedStoryIds: [] },
      { storyId: null, firstItemId: 'g1', itemIds: ['g1', 'f1'], mergedStoryIds: [] },
    ], NOW);
    // The letter is removed: its items leave the feeds, g1 the newest of all among them.
    store.syncSources([{ url: 'https://aihub.org/feed/', name: 'AIhub', lang: 'en' }, { url: 'https://blog.example.fr/feed', name: 'Blog', lang: 'fr' }], NOW);
    const all = store.recentStories(100);
    // By newest active member, then GUID: at 07:00, b1's story before the items b2, c1 and e1.
    expect(all.map((story) => story.members.map((member) => member.id))).toEqual([
      ['a1', 'a3', 'a2'], ['d2'], ['e2', 'b1'], ['b2'], ['c1'], ['e1'], ['f1'], ['d1'],
    ]);
    for (let k = 1; k <= all.length + 1; k += 1) {
      expect(store.recentStories(k), `k = ${k}`).toEqual(all.slice(0, k));
    }
  });
});

describe(`text signatures in the store (${backend.name})`, () => {
  const signature = Uint8Array.from({ length: 260 }, (_, index) => index % 251);

  it('are stored with the item and given back for grouping; an edit without one clears it', () => {
    const { store, aihub } = openStore();
    store.saveItems(aihub, [{ item: item('a'), themes: [], textSignature: signature }], NOW);
    const stored = () => store.listUngroupedItems().find((entry) => entry.id === 'a');
    expect(Uint8Array.from(stored()?.textSignature ?? [])).toEqual(signature);
    // An edit upstream changes title or summary: the old signature no longer describes them.
    store.saveItems(aihub, [{ item: item('a', { title: 'Edited' }), themes: [] }], NOW);
    expect(stored()?.textSignature).toBeNull();
  });
});

describe(`items waiting for grouping (${backend.name})`, () => {
  // Issue 15: a first import's 17,680 rows were all held, texts and signatures, until grouping had
  // copied what it reads of each; each row now goes through the caller's `keep` as it is read.
  it('are each passed through the caller\'s keep as read, and the list holds what keep returned', () => {
    const { store, aihub } = openStore();
    save(store, aihub, [item('p'), item('q'), item('r')]);
    const seen: string[] = [];
    const kept = store.listUngroupedItems((entry) => {
      seen.push(`${entry.id}:${entry.title}`);
      return { ...entry, title: '', summary: '', links: [], textSignature: null };
    });
    expect(seen).toEqual(store.listUngroupedItems().map((entry) => `${entry.id}:${entry.title}`));
    expect(seen).toHaveLength(3);
    expect(kept.map((entry) => [entry.id, entry.title, entry.summary]).sort()).toEqual([['p', '', ''], ['q', '', ''], ['r', '', '']]);
  });
});

describe(`new stories in the store (${backend.name})`, () => {
  it('are found and made in one statement each, their GUIDs from their first items, one story per GUID', () => {
    const { store, aihub } = openStore();
    const ids = Array.from({ length: 20 }, (_, index) => `n${index}`);
    save(store, aihub, ids.map((id) => item(id)));
    // n0 is a story already: found, not made again.
    store.applyStoryAssignments([{ storyId: null, firstItemId: 'n0', itemIds: ['n0'], mergedStoryIds: [] }], NOW);
    const before = store.roundTrips;
    const statementsBefore = store.statementsSent;
    store.applyStoryAssignments(
      [
        ...ids.map((id) => ({ storyId: null, firstItemId: id, itemIds: [id], mergedStoryIds: [] })),
        // Two assignments of one first item: one story.
        { storyId: null, firstItemId: 'n1', itemIds: ['n1'], mergedStoryIds: [] },
      ],
      NOW,
    );
    // On PostgreSQL: the look-up, the insert, and the COMMIT with the items' updates (it was two per new story).
    if (before !== null) expect((store.roundTrips as number) - before).toBeLessThanOrEqual(3);
    // BEGIN, the look-up, the insert, the items joining their stories in one UPDATE, COMMIT (it was one UPDATE per item).
    if (statementsBefore !== null) expect((store.statementsSent as number) - statementsBefore).toBeLessThanOrEqual(5);
    const stories = store.recentStories(50);
    expect(stories).toHaveLength(20);
    expect(new Set(stories.map((story) => story.id)).size).toBe(20);
    for (const story of stories) expect(story.guid).toBe(storyGuid(story.members[0]?.id ?? ''));
  });
});

describe(`new items in the store (${backend.name})`, () => {
  it('a batch of new items with their themes is written in a few statements on PostgreSQL, and read back whole', async () => {
    const { store, aihub } = openStore();
    const signature = Uint8Array.from({ length: 40 }, (_, index) => (index * 7) % 256);
    const batch = Array.from({ length: 20 }, (_, index) => ({
      item: item(`m${index}`, { categories: ['ai', `c${index}`], dateMissing: index % 2 === 0, links: [`https://example.org/l/${index}`] }),
      themes: [
        { id: 'privacy', score: 0.1 + index / 30, evidence: [{ term: `word ${index}`, field: 'title' as const }] },
        { id: 'security', score: 1 / 3, evidence: [] },
      ],
      textSignature: signature,
      rawHash: `raw-${index}`,
    }));
    const before = store.statementsSent;
    expect(store.saveItems(aihub, batch, NOW)).toEqual({ inserted: 20, updated: 0, unchanged: 0 });
    // BEGIN, the stored rows, the items, their themes, the source's last new item, COMMIT (it was one INSERT per item and per theme).
    if (before !== null) expect((store.statementsSent as number) - before).toBeLessThanOrEqual(6);
    const stored = new Map(store.recentItems(50).map((entry) => [entry.id, entry]));
    expect(stored.size).toBe(20);
    for (const { item: saved, themes } of batch) {
      const entry = stored.get(saved.id);
      expect(entry?.categories).toEqual(saved.categories);
      expect(entry?.links).toEqual(saved.links);
      expect(entry?.dateMissing).toBe(saved.dateMissing);
      expect(entry?.themes.map((theme) => [theme.id, theme.score, theme.evidence])).toEqual(themes.map((theme) => [theme.id, theme.score, theme.evidence]));
    }
    expect(Uint8Array.from(store.listUngroupedItems().find((entry) => entry.id === 'm3')?.textSignature ?? [])).toEqual(signature);
    expect((await store.itemRawHashes(aihub)).sort()).toEqual(batch.filter((_, index) => index % 2 === 1).map((entry) => entry.rawHash).sort());
  });
});
