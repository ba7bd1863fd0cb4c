// What saving a first import costs on SQLite (issue 15): an inserted item keeps only the indexes
// some look-up reads, and its values are bound by position. SQLite's own schema, on either suite.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Item } from '../../src/domain/types.js';
import { openSqlite } from '../../src/store/database.js';
import { Store } from '../../src/store/store.js';

const NOW = '2026-12-07T08:00:00Z';

const item = (id: string): Item => ({
  id,
  guid: id,
  link: `https://example.org/${id}`,
  title: `Title ${id}`,
  summary: `Summary ${id}`,
  contentHtml: '<p>Text</p>',
  author: null,
  publishedAt: '2026-12-06T08:00:00Z',
  updatedAt: null,
  dateMissing: false,
  categories: ['AI'],
  language: 'en',
  links: [],
  imageUrl: null,
});

const folders: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function freshPath(): string {
  const folder = mkdtempSync(join(tmpdir(), 'veille-saving-'));
  folders.push(folder);
  return join(folder, 'veille.db');
}

/** The look-ups of a source's items that the store makes (item-store, source-store, full-text-store). */
const LOOKUPS_BY_SOURCE: readonly [string, string][] = [
  ['raw hashes of a source', 'SELECT raw_hash FROM items WHERE source_id = 1 AND raw_hash IS NOT NULL AND date_missing = 0'],
  ['one item of a source', 'SELECT id FROM items WHERE source_id = 1 LIMIT 1'],
  ['the oldest item with a link', "SELECT id FROM items WHERE source_id = 1 AND link = 'x' ORDER BY first_seen_at, id LIMIT 1"],
  ['a source\'s item count', 'SELECT COUNT(*) FROM items i WHERE i.source_id = 1'],
];

describe('saving items on SQLite (issue 15)', () => {
  it('items keep the indexes their look-ups read, and no other', () => {
    const db = openSqlite(freshPath());
    const indexes = (db.database.pragma('index_list(items)') as { name: string }[]).map((index) => index.name).sort();
    expect(indexes).toEqual(['items_by_date', 'items_by_source_link', 'items_by_story', 'sqlite_autoindex_items_1']);
    db.close();
  });

  it.each(LOOKUPS_BY_SOURCE)('%s is answered through an index, not a scan', (_name, sql) => {
    const db = openSqlite(freshPath());
    const plan = (db.database.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((row) => row.detail).join('; ');
    expect(plan).toMatch(/SEARCH i(tems)? USING (COVERING )?INDEX items_by_source_link \(source_id=/);
    db.close();
  });

  // Issue 15: ordered by first_seen_at, a first import's 17,680 whole rows (~12 MB) were sorted in a
  // temporary B-tree before grouping read them, which orders them itself.
  it('the items waiting for grouping are read as found, not sorted first', () => {
    const store = Store.open(freshPath());
    const [source] = store.syncSources([{ url: 'https://example.org/feed', name: null, lang: null }], NOW);
    store.saveItems(source?.id ?? 0, [item('a'), item('b')].map((entry) => ({ item: entry, themes: [] })), NOW);
    // The statements the store prepares from here on (a fresh store prepares each once, when first used).
    const seen: string[] = [];
    const original = Database.prototype.prepare;
    vi.spyOn(Database.prototype, 'prepare').mockImplementation(function (this: Database.Database, sql: string) {
      seen.push(sql);
      return original.call(this, sql);
    });
    expect(store.listUngroupedItems().map((entry) => entry.id).sort()).toEqual(['a', 'b']);
    const read = seen.find((sql) => /FROM items WHERE story_id IS NULL/.test(sql));
    expect(read).toBeDefined();
    const probe = openSqlite(freshPath());
    const plan = (probe.database.prepare(`EXPLAIN QUERY PLAN ${read}`).all() as { detail: string }[]).map((row) => row.detail).join('; ');
    probe.close();
    expect(plan).not.toMatch(/TEMP B-TREE/);
    store.close();
  });

  it('an item\'s values are bound by position, not as an object of named values', () => {
    const store = Store.open(freshPath());
    const [source] = store.syncSources([{ url: 'https://example.org/feed', name: null, lang: null }], NOW);
    const probe = openSqlite(':memory:');
    const statementClass = Object.getPrototypeOf(probe.database.prepare('SELECT 1')) as { run: (...params: unknown[]) => unknown };
    probe.close();
    const inserts: unknown[][] = [];
    const run = statementClass.run;
    vi.spyOn(statementClass, 'run').mockImplementation(function (this: { source: string }, ...params: unknown[]) {
      if (/^\s*INSERT INTO items\b/.test(this.source)) inserts.push(params);
      return run.apply(this, params);
    });
    store.saveItems(source!.id, [{ item: item('a'), themes: [] }, { item: item('b'), themes: [] }], NOW);
    expect(inserts).toHaveLength(2);
    for (const params of inserts) expect(params.some((param) => typeof param === 'object' && param !== null && !(param instanceof Uint8Array))).toBe(false);
    expect(store.recentItems(10).map((stored) => [stored.id, stored.categories, stored.firstSeenAt])).toEqual([
      ['a', ['AI'], NOW],
      ['b', ['AI'], NOW],
    ]);
    store.close();
  });
});
