// Configured sources in the store, compared by sourceUrlKey (issue 13, finding 12): URLs that
// differ only in scheme or host case, default port or fragment are one source, fetched once;
// rows stored before, one per spelling, are found again and none is lost or duplicated.
import { describe, expect, it } from 'vitest';
import { backend, openTestStore } from './backend.js';

const NOW = '2026-11-26T08:00:00Z';
const spec = (url: string, name: string | null = null) => ({ url, name, lang: null });

describe(`Store.syncSources (${backend.name})`, () => {
  it('makes one source of HTTP://Host:80/feed#x, http://host/feed and http://host/feed#y', () => {
    const store = openTestStore();
    const active = store.syncSources([spec('HTTP://Host:80/feed#x', 'A'), spec('http://host/feed', 'B'), spec('http://host/feed#y')], NOW);
    expect(active.map((source) => [source.key, source.name])).toEqual([['HTTP://Host:80/feed#x', 'A']]);
    // The next cycle, with the config spelled another way, finds the same row.
    expect(store.syncSources([spec('http://HOST/feed')], NOW).map((source) => source.id)).toEqual([active[0]?.id]);
    store.close();
  });

  it.each([
    ['a trailing slash', 'http://host/feed/'],
    ['another port', 'http://host:8080/feed'],
    ['another query', 'http://host/feed?page=2'],
  ])('keeps apart a URL that differs by %s', (_name, other) => {
    const store = openTestStore();
    expect(store.syncSources([spec('http://host/feed'), spec(other)], NOW)).toHaveLength(2);
    store.close();
  });

  it('finds the rows an older veille stored, one per spelling: one stays the source, none is lost', () => {
    const state = backend.fresh();
    state.open().close();
    // What the store held when each spelling was its own source.
    for (const url of ['http://host/feed', 'HTTP://Host:80/feed#x', 'http://host/feed#y', 'https://other.example/feed']) {
      state.writeRaw('INSERT INTO sources (key, url, active, created_at) VALUES (?, ?, 1, ?)', url, url, NOW);
    }

    const store = state.open();
    const active = store.syncSources([spec('http://host/feed#y'), spec('HTTP://HOST/feed'), spec('https://other.example/feed')], NOW);
    // A spelling of the config stored as it is finds its row (the oldest, when several do).
    expect(active.map((source) => source.key)).toEqual(['http://host/feed#y', 'https://other.example/feed']);
    expect(store.listSources({ activeOnly: false })).toHaveLength(4);
    // No row holds the config's spelling: the oldest row holding one of the same key.
    expect(store.syncSources([spec('Http://HOST:80/feed#z')], NOW).map((source) => source.key)).toEqual(['http://host/feed']);
    expect(store.listSources({ activeOnly: false })).toHaveLength(4);
    store.close();
  });
});
