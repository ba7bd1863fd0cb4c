// The store's repositories read back what they wrote, in the domain's types: error codes as the
// current codes, story ids as numbers everywhere, JSON columns checked. Run on both backends.
import { describe, expect, it } from 'vitest';
import type { Item } from '../../src/domain/types.js';
import { isVeilleError } from '../../src/domain/errors.js';
import type { Db } from '../../src/store/db.js';
import { ItemStore } from '../../src/store/item-store.js';
import { Store } from '../../src/store/store.js';
import { groupStoredStories } from '../../src/app/group-stored-stories.js';
import { backend, type TestState } from './backend.js';

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

/** A store of its own, so that a test can write rows as another version of veille would have. */
function openStore(): { store: Store; state: TestState; aihub: number; blog: number } {
  const state = backend.fresh();
  const store = state.open();
  const [aihub, blog] = store
    .syncSources(
      [
        { url: 'https://aihub.org/feed/', name: 'AIhub', lang: 'en' },
        { url: 'https://blog.example.fr/feed', name: 'Blog', lang: 'fr' },
      ],
      NOW,
    )
    .map((source) => source.id);
  return { store, state, aihub: aihub!, blog: blog! };
}

describe(`store repositories (${backend.name})`, () => {
  it.each([
    ['a current code', 'FETCH_TIMEOUT', 'FETCH_TIMEOUT'],
    // Stored by another version: a code since renamed or removed.
    ['a code no longer known', 'FETCH_GONE_AWAY', 'INTERNAL'],
  ])('a source\'s stored error code reads as an ErrorCode: %s', (_name, stored, expected) => {
    const { store, state, aihub } = openStore();
    store.recordFailure(aihub, { at: NOW, nextFetchAt: NOW, code: 'FETCH_TIMEOUT', message: 'fetch: timed out' });
    store.close();
    state.writeRaw('UPDATE sources SET last_error_code = ? WHERE id = ?', stored, aihub);
    const again = state.open();
    const source = again.listSources({ activeOnly: true }).find((record) => record.id === aihub);
    expect(source).toMatchObject({ lastErrorCode: expected, lastError: 'fetch: timed out' });
    again.close();
  });

  it('gives a grouped item\'s story id as the same number to the digest and to the stories', () => {
    const { store, aihub, blog } = openStore();
    store.saveItems(aihub, [{ item: item('recap'), themes: [] }], NOW);
    store.saveItems(blog, [{ item: item('fr', { language: 'fr', links: ['https://example.org/recap'] }), themes: [] }], NOW);
    groupStoredStories(store, new Date(NOW));
    const [story] = store.recentStories(10);
    expect(typeof story?.id).toBe('number');
    const rows = store.digests().itemsBetween('2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z');
    expect(rows.map((row) => row.storyId)).toEqual([story!.id, story!.id]);
    store.close();
  });

  it.each([
    ['links', 'not json'],
    ['links', '{"a":1}'],
    ['categories', '[1,2]'],
  ])('refuses an item whose stored %s is %s, naming the item and the column', (column, value) => {
    const { store, state, aihub } = openStore();
    store.saveItems(aihub, [{ item: item('broken'), themes: [] }], NOW);
    store.close();
    state.writeRaw(`UPDATE items SET ${column} = ? WHERE id = ?`, value, 'broken');
    const again = state.open();
    let thrown: unknown = null;
    try {
      again.recentItems(10);
    } catch (error) {
      thrown = error;
    }
    again.close();
    expect(isVeilleError(thrown, 'STORE_FAILED')).toBe(true);
    expect((thrown as Error).message).toBe(`store: item broken: ${column} is not a JSON list of strings`);
  });

  it('hands out one repository per entity, the same on every call', () => {
    const { store } = openStore();
    expect(store.sources()).toBe(store.sources());
    expect(store.items()).toBe(store.items());
    expect(store.stories()).toBe(store.stories());
    expect(store.sources().listSources({ activeOnly: true })).toEqual(store.listSources({ activeOnly: true }));
    store.close();
  });

  it('site.dirty is set by a write to what the site shows, whoever makes it, and not by a fetch\'s bookkeeping (issue 15)', () => {
    const { store, aihub } = openStore();
    const dirty = () => store.readState('site.dirty');
    expect(dirty()).toBe('1');
    const clear = () => store.writeState('site.dirty', '0');
    clear();
    store.saveItems(aihub, [{ item: item('a'), themes: [] }], NOW);
    expect(dirty()).toBe('1');
    clear();
    // The same item seen again, a source checked: bookkeeping only.
    store.touchItems(['a'], '2026-11-27T08:00:00Z');
    store.recordNotModified(aihub, { at: NOW, nextFetchAt: NOW, etag: '"x"', lastModified: null });
    store.syncSources([{ url: 'https://aihub.org/feed/', name: 'AIhub', lang: 'en' }], NOW);
    expect(dirty()).toBe('0');
    store.saveItems(aihub, [{ item: item('a', { summary: 'Edited upstream.' }), themes: [] }], '2026-11-28T08:00:00Z');
    expect(dirty()).toBe('1');
    clear();
    store.replaceThemes([{ itemId: 'a', themes: [{ id: 'events', score: 1, evidence: [] }] }]);
    expect(dirty()).toBe('1');
    clear();
    groupStoredStories(store, new Date('2026-11-28T09:00:00Z'));
    expect(dirty()).toBe('1');
    store.close();
  });
});

describe(`saving a batch of items (${backend.name})`, () => {
  /** An ItemStore on the store's connection that counts the reads of items by id. */
  function countingItems(store: Store): { items: ItemStore; reads: () => number } {
    const db = (store as unknown as { db: Db }).db;
    let reads = 0;
    const counting = new Proxy(db, {
      get(target, key, receiver) {
        if (key !== 'prepare') return Reflect.get(target, key, receiver) as unknown;
        return (sql: string) => {
          const statement = target.prepare(sql);
          if (!/^\s*SELECT\b[^]*\bFROM items WHERE id\b/i.test(sql)) return statement;
          return {
            run: (...params: unknown[]) => statement.run(...params),
            get: (...params: unknown[]) => ((reads += 1), statement.get(...params)),
            all: (...params: unknown[]) => ((reads += 1), statement.all(...params)),
          };
        };
      },
    });
    return { items: new ItemStore(counting as Db), reads: () => reads };
  }

  it('reads the stored rows of a batch in one query, and saves each item as one by one did', () => {
    const { store, aihub } = openStore();
    const { items, reads } = countingItems(store);
    const batch = Array.from({ length: 40 }, (_, index) => ({ item: item(`batch-${index}`), themes: [] }));
    expect(items.saveItems(aihub, batch, NOW)).toEqual({ inserted: 40, updated: 0, unchanged: 0 });
    expect(reads()).toBe(1);
    // The same batch again, one item edited, one new, and one id twice in the batch (the second is an update of the first).
    const again = [
      ...batch.slice(0, 38),
      { item: item('batch-38', { title: 'Edited' }), themes: [] },
      { item: item('batch-40'), themes: [] },
      { item: item('batch-40', { title: 'Twice' }), themes: [] },
    ];
    expect(items.saveItems(aihub, again, NOW)).toEqual({ inserted: 1, updated: 2, unchanged: 38 });
    expect(reads()).toBe(2);
    const titles = new Map(items.recentItems(100).map((stored) => [stored.id, stored.title]));
    expect([titles.get('batch-38'), titles.get('batch-40'), titles.size]).toEqual(['Edited', 'Twice', 41]);
    store.close();
  });
});
