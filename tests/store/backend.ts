// The store tests run against both backends, the same tests: SQLite by default (npm test), and
// PostgreSQL under `npm run test:pg` (vitest.pg.config.ts starts a cluster and names it in
// VEILLE_TEST_PG_URL). Each test takes a new, empty state: a SQLite file in a temporary folder,
// or a schema of its own in the test cluster's database.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { openSqlite } from '../../src/store/database.js';
import type { Db } from '../../src/store/db.js';
import { openPostgres } from '../../src/store/postgres.js';
import { PostgresBridge } from '../../src/store/postgres-bridge.js';
import type { StorageLocation } from '../../src/store/storage-location.js';
import { Store } from '../../src/store/store.js';

export const PG_URL_ENV = 'VEILLE_TEST_PG_URL';

export interface TestState {
  readonly location: StorageLocation;
  /** How a command line or a config names it: a path, or a postgres:// URL (its schema as a connection option). */
  readonly argument: string;
  /** Opens the state (again). */
  open(): Store;
  /** Writes a row as another version of veille (or a hand) would, with the store closed. */
  writeRaw(sql: string, ...params: unknown[]): void;
}

export interface StoreBackend {
  readonly name: 'sqlite' | 'postgres';
  /** A new, empty state. */
  fresh(): TestState;
}

const folders: string[] = [];
const opened: Store[] = [];
afterEach(() => {
  for (const store of opened.splice(0)) store.close();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** Opens the store, to be closed after the test if the test does not. */
function track(store: Store): Store {
  opened.push(store);
  return store;
}

let schemas = 0;

/** The backend of this run: PostgreSQL when VEILLE_TEST_PG_URL names a cluster, else SQLite. */
export const backend: StoreBackend = process.env[PG_URL_ENV] ? postgresBackend(process.env[PG_URL_ENV]) : sqliteBackend();

function sqliteBackend(): StoreBackend {
  return {
    name: 'sqlite',
    fresh(): TestState {
      const folder = mkdtempSync(join(tmpdir(), 'veille-store-'));
      folders.push(folder);
      const location: StorageLocation = { kind: 'sqlite', path: join(folder, 'veille.db') };
      return { location, argument: location.path, open: () => track(Store.open(location)), writeRaw: (sql, ...params) => withDb(openSqlite(location.path), sql, params) };
    },
  };
}

function postgresBackend(url: string): StoreBackend {
  return {
    name: 'postgres',
    fresh(): TestState {
      schemas += 1;
      const schema = `test_${process.pid}_${schemas}`;
      const location: StorageLocation = { kind: 'postgres', url, passwordEnv: null, schema };
      // The schema exists, empty, for a command line to name it.
      const bridge = new PostgresBridge({ url, password: null, schema, timeoutMs: 30_000 });
      bridge.exec('SELECT 1');
      bridge.close();
      const options = encodeURIComponent(`-c search_path=${schema}`);
      return {
        location,
        argument: `${url}${url.includes('?') ? '&' : '?'}options=${options}`,
        open: () => track(Store.open(location)),
        writeRaw: (sql, ...params) => withDb(openPostgres({ url, password: null, schema }), sql, params),
      };
    },
  };
}

function withDb(db: Db, sql: string, params: unknown[]): void {
  try {
    db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
}

/** A new, empty store on this run's backend. */
export function openTestStore(): Store {
  return backend.fresh().open();
}
