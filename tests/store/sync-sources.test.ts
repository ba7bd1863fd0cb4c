// Configured sources in the store, compared by sourceUrlKey (issue 13, finding 12): URLs that
// differ only in scheme or host case, default port or fragment are one source, fetched once;
// rows stored before, one per spelling, are found again and none is lost or duplicated.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';

const NOW = '2026-11-26T08:00:00Z';
const spec = (url: string, name: string | null = null) => ({ url, name, lang: null });

describe('Store.syncSources', () => {
  const folders: string[] = [];
  afterEach(() => {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  it('makes one source of HTTP://Host:80/feed#x, http://host/feed and http://host/feed#y', () => {
    const store = Store.open(':memory:');
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
    const store = Store.open(':memory:');
    expect(store.syncSources([spec('http://host/feed'), spec(other)], NOW)).toHaveLength(2);
    store.close();
  });

  it('finds the rows an older veille stored, one per spelling: one stays the source, none is lost', () => {
    const folder = mkdtempSync(join(tmpdir(), 'veille-sync-'));
    folders.push(folder);
    const path = join(folder, 'veille.db');
    Store.open(path).close();
    // What the store held when each spelling was its own source.
    const legacy = new Database(path);
    const insert = legacy.prepare('INSERT INTO sources (key, url, active, created_at) VALUES (?, ?, 1, ?)');
    for (const url of ['http://host/feed', 'HTTP://Host:80/feed#x', 'http://host/feed#y', 'https://other.example/feed']) insert.run(url, url, NOW);
    legacy.close();

    const store = Store.open(path);
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
