// Configured sources in the store, compared by sourceUrlKey (issue 13, finding 12): URLs that
// differ only in scheme or host case, default port or fragment are one source, fetched once;
// rows stored before, one per spelling, are found again and none is lost or duplicated.
import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.js';
import { SourceStore } from '../../src/store/source-store.js';
import type { Store } from '../../src/store/store.js';
import { backend, openTestStore } from './backend.js';

/** A SourceStore on the store's connection that counts the statements run, reads and writes apart. */
function countingSources(store: Store): { sources: SourceStore; counts: { reads: number; writes: number } } {
  const db = (store as unknown as { db: Db }).db;
  const counts = { reads: 0, writes: 0 };
  const counting = new Proxy(db, {
    get(target, key, receiver) {
      if (key !== 'prepare') return Reflect.get(target, key, receiver) as unknown;
      return (sql: string) => {
        const statement = target.prepare(sql);
        const kind = /^\s*SELECT\b/i.test(sql) ? 'reads' : 'writes';
        const count = <T>(result: T): T => ((counts[kind] += 1), result);
        return {
          run: (...params: unknown[]) => count(statement.run(...params)),
          get: (...params: unknown[]) => count(statement.get(...params)),
          all: (...params: unknown[]) => count(statement.all(...params)),
        };
      };
    },
  });
  return { sources: new SourceStore(counting as Db), counts };
}

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

  it('a cycle with the same sources writes none of them and reads them in one query; a change writes what changed', () => {
    const store = openTestStore();
    const { sources, counts } = countingSources(store);
    const specs = Array.from({ length: 30 }, (_, index) => spec(`https://example.org/${index}.xml`, `Feed ${index}`));
    expect(sources.syncSources(specs, NOW)).toHaveLength(30);
    Object.assign(counts, { reads: 0, writes: 0 });
    const again = sources.syncSources(specs, NOW);
    expect(again.map((source) => source.name)).toEqual(specs.map((one) => one.name));
    // One read of the rows, one of the active sources to return.
    expect(counts).toEqual({ reads: 2, writes: 0 });
    // One renamed, one removed, one new: three writes, and the removed one is inactive.
    Object.assign(counts, { reads: 0, writes: 0 });
    const edited = [spec('https://example.org/0.xml', 'Renamed'), ...specs.slice(1, 29), spec('https://example.org/new.xml')];
    const active = sources.syncSources(edited, NOW);
    expect(counts.writes).toBe(3);
    expect(active.map((source) => source.url).sort()).toEqual(edited.map((one) => one.url).sort());
    expect(active.find((source) => source.url === 'https://example.org/0.xml')?.name).toBe('Renamed');
    // Back in the config: active again, as before.
    expect(sources.syncSources(specs, NOW).map((source) => source.url).sort()).toEqual(specs.map((one) => one.url).sort());
    store.close();
  });
});

describe(`Store.findActiveSource (${backend.name})`, () => {
  // Issue 20: a fetch worker reads its job's source first; on PostgreSQL its thread went on waiting for that read.
  it('finds an active source by key, awaited: on PostgreSQL the thread does not wait for the answer', async () => {
    const store = openTestStore();
    const [source] = store.syncSources([spec('https://example.org/feed.xml', 'Feed')], NOW);
    const waitsBefore = store.waitedRoundTrips;
    const found = store.findActiveSource(source?.key ?? '');
    expect(store.waitedRoundTrips).toBe(waitsBefore);
    expect((await found)?.id).toBe(source?.id);
    await expect(store.findActiveSource('https://example.org/none.xml')).resolves.toBeNull();
  });
});
