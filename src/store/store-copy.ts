// `veille store copy`: every row of one store into another, SQLite or PostgreSQL either way, in
// one transaction on the target: the same ids, GUIDs, delivery log and state, so that a state
// moved keeps publishing what it published. Tables this veille does not know (added by a later
// one) are copied too, after the known ones; a column or table the target lacks stops the copy.
import { VeilleError } from '../domain/errors.js';
import type { Db } from './db.js';

/** veille's tables in an order that keeps foreign keys satisfied, each with the key it is read by. */
const KNOWN_TABLES: readonly (readonly [string, string])[] = [
  ['sources', 'id'],
  ['hosts', 'host'],
  ['stories', 'id'],
  ['items', 'id'],
  ['item_themes', 'item_id, theme_id'],
  ['digests', 'week'],
  ['deliveries', 'week, recipient'],
  ['translations', 'source_hash, provider, model, source_lang, target_lang, glossary_hash'],
  ['translation_glossaries', 'endpoint, source_lang, target_lang, glossary_hash'],
  ['item_full_texts', 'item_id'],
  ['robots_txt', 'origin'],
  ['resumes', 'story_guid'],
  ['resume_spending', 'day'],
  // Last: the triggers of the tables above set site.dirty while they are copied.
  ['store_state', 'key'],
];

/** Tables of the backends' own bookkeeping, never copied. */
const OWN_TABLES = new Set(['veille_schema']);

/** Tables whose ids PostgreSQL hands out from a sequence: moved past the copied ids. */
const IDENTITY_TABLES = ['sources', 'stories'];

/** Values bound per INSERT: well under both backends' limits (SQLite 32,766, PostgreSQL 65,535). */
const VALUES_PER_INSERT = 2_000;

export interface CopyReport {
  /** Rows copied, by table, in the order copied. */
  readonly tables: readonly { readonly table: string; readonly rows: number }[];
}

/**
 * Copies every row of `from` into `to`. A target holding rows is refused unless `replace`, which
 * empties it first (in the same transaction: a failed copy leaves it as it was).
 */
export function copyState(from: Db, to: Db, options: { readonly replace: boolean }): CopyReport {
  const sourceTables = listTables(from);
  const targetTables = new Set(listTables(to));
  const missing = sourceTables.filter((table) => !targetTables.has(table));
  if (missing.length > 0) {
    throw new VeilleError('STORE_FAILED', `store: the target has no table ${missing.join(', ')}: bring it to this veille's schema (veille migrate) or use the veille that wrote the source`);
  }
  const known = KNOWN_TABLES.filter(([table]) => sourceTables.includes(table));
  const others = sourceTables.filter((table) => !KNOWN_TABLES.some(([name]) => name === table)).sort();
  const plan: (readonly [string, string | null])[] = [...known.slice(0, -1), ...others.map((table) => [table, null] as const), ...known.slice(-1)];
  const columns = new Map(plan.map(([table]) => [table, checkColumns(table, listColumns(from, table), listColumns(to, table))]));

  return to.transaction((): CopyReport => {
    const filled = plan.filter(([table]) => table !== 'store_state' && countRows(to, table) > 0).map(([table]) => table);
    if (filled.length > 0 && !options.replace) {
      throw new VeilleError('USAGE', `store: the target already holds rows (${filled.join(', ')}); give --force to replace them`);
    }
    for (const [table] of [...plan].reverse()) to.prepare(`DELETE FROM ${table}`).run();
    const tables = plan.map(([table, key]) => ({ table, rows: copyTable(from, to, table, key, columns.get(table) ?? []) }));
    if (to.dialect === 'postgres') {
      for (const table of IDENTITY_TABLES.filter((name) => targetTables.has(name))) {
        to.prepare(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), COALESCE((SELECT MAX(id) FROM ${table}), 0) + 1, false)`).get();
      }
    }
    for (const { table, rows } of tables) {
      const copied = countRows(to, table);
      if (copied !== rows) throw new VeilleError('STORE_FAILED', `store: ${table}: ${rows} rows read, ${copied} in the target`);
    }
    return { tables };
  })();
}

function copyTable(from: Db, to: Db, table: string, key: string | null, columns: readonly string[]): number {
  const list = columns.join(', ');
  const rowsPerInsert = Math.max(1, Math.floor(VALUES_PER_INSERT / columns.length));
  const read = from.prepare<[number, number]>(`SELECT ${list} FROM ${table} ORDER BY ${key ?? list} LIMIT ? OFFSET ?`);
  const row = `(${columns.map(() => '?').join(', ')})`;
  let copied = 0;
  for (;;) {
    const rows = read.values(rowsPerInsert, copied);
    if (rows.length === 0) return copied;
    const insert = to.prepare(`INSERT INTO ${table} (${list}) VALUES ${rows.map(() => row).join(', ')}`);
    insert.run(...rows.flat().map(toBindable));
    copied += rows.length;
    if (rows.length < rowsPerInsert) return copied;
  }
}

/** better-sqlite3 binds a Buffer, not a bare Uint8Array (what a BYTEA read through the PostgreSQL thread is). */
function toBindable(value: unknown): unknown {
  return value instanceof Uint8Array && !Buffer.isBuffer(value) ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : value;
}

function checkColumns(table: string, source: readonly string[], target: readonly string[]): string[] {
  const missing = source.filter((column) => !target.includes(column));
  if (missing.length > 0) {
    throw new VeilleError('STORE_FAILED', `store: the target's ${table} has no column ${missing.join(', ')}: bring it to this veille's schema (veille migrate)`);
  }
  return [...source];
}

function countRows(db: Db, table: string): number {
  return db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).get()?.n ?? 0;
}

function listTables(db: Db): string[] {
  const sql = db.dialect === 'sqlite'
    ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name"
    : "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name";
  return db.prepare<[], { name: string }>(sql).all().map((row) => row.name).filter((name) => !OWN_TABLES.has(name));
}

function listColumns(db: Db, table: string): string[] {
  const sql = db.dialect === 'sqlite'
    ? 'SELECT name FROM pragma_table_info(?) ORDER BY cid'
    : 'SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position';
  return db.prepare<[string], { name: string }>(sql).all(table).map((row) => row.name);
}
