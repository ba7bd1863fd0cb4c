// The store's repositories read back what they wrote, in the domain's types: error codes as the
// current codes, story ids as numbers everywhere, JSON columns checked. Run on both backends.
import { describe, expect, it } from 'vitest';
import type { Item } from '../../src/domain/types.js';
import { isVeilleError } from '../../src/domain/errors.js';
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
