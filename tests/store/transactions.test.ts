// Transactions on both backends, as the repositories use them (issue 20): on PostgreSQL a
// transaction's writes wait and go with its next read or its COMMIT (one message to the bridge's
// thread, not one per statement), with the same outcome as SQLite's: a failed write rolls the
// transaction back and is thrown by it, a failed nested one leaves the outer one going, and a
// write's count of changed rows is right when read.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/store/database.js';
import type { Db } from '../../src/store/db.js';
import { openPostgres, type PostgresDb } from '../../src/store/postgres.js';
import { backend, PG_URL_ENV } from './backend.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

let schemas = 0;

function openDb(): Db {
  const url = process.env[PG_URL_ENV];
  let db: Db;
  if (backend.name === 'postgres' && url !== undefined) {
    schemas += 1;
    db = openPostgres({ url, password: null, schema: `tx_${process.pid}_${schemas}` });
  } else {
    const folder = mkdtempSync(join(tmpdir(), 'veille-tx-'));
    cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
    db = openSqlite(join(folder, 'veille.db'));
  }
  cleanups.push(() => db.close());
  return db;
}

function count(db: Db): number {
  return Number((db.prepare('SELECT count(*) AS n FROM store_state').get() as { n: number }).n);
}

const insert = 'INSERT INTO store_state (key, value) VALUES (?, ?)';

describe(`transactions (${backend.name})`, () => {
  it('commits every write', () => {
    const db = openDb();
    const before = count(db);
    db.transaction(() => {
      for (let index = 0; index < 50; index += 1) db.prepare(insert).run(`k${index}`, 'v');
    })();
    expect(count(db)).toBe(before + 50);
  });

  it('a failed write rolls back the whole transaction and is thrown by it', () => {
    const db = openDb();
    const before = count(db);
    expect(() =>
      db.transaction(() => {
        db.prepare(insert).run('dup', 'a');
        db.prepare(insert).run('dup', 'b');
        db.prepare(insert).run('after', 'c');
      })(),
    ).toThrow();
    expect(count(db)).toBe(before);
  });

  it('a nested transaction that fails is rolled back alone; the outer one goes on and commits', () => {
    const db = openDb();
    const before = count(db);
    db.transaction(() => {
      db.prepare(insert).run('outer-1', 'a');
      expect(() =>
        db.transaction(() => {
          db.prepare(insert).run('inner', 'b');
          db.prepare(insert).run('outer-1', 'duplicate');
        })(),
      ).toThrow();
      // A nested transaction that throws before it wrote anything.
      expect(() =>
        db.transaction(() => {
          throw new Error('given up');
        })(),
      ).toThrow('given up');
      db.prepare(insert).run('outer-2', 'c');
    })();
    expect(count(db)).toBe(before + 2);
    expect(db.prepare("SELECT value FROM store_state WHERE key = 'inner'").get()).toBeUndefined();
  });

  it("a write's count of changed rows is right when read, inside a transaction too", () => {
    const db = openDb();
    const changes = db.transaction(() => {
      for (const key of ['a', 'b', 'c']) db.prepare(insert).run(`c-${key}`, '0');
      return db.prepare("UPDATE store_state SET value = '1' WHERE key LIKE 'c-%'").run().changes;
    })();
    expect(changes).toBe(3);
  });

  it.runIf(backend.name === 'postgres')("a transaction's 50 writes cost one message to the bridge's thread, with the COMMIT", () => {
    const db = openDb() as PostgresDb;
    const before = db.roundTrips;
    db.transaction(() => {
      for (let index = 0; index < 50; index += 1) db.prepare(insert).run(`k${index}`, 'v');
    })();
    expect(db.roundTrips - before).toBe(1);
  });
});
