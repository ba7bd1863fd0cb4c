// The store's PostgreSQL connection lost in the middle of a transaction (issue 20: PostgreSQL
// restarted mid-cycle, or the backend terminated): the server rolls the transaction back, and the
// bridge reconnects on the next statement. The rest of that transaction must not then run on the
// new connection in autocommit (half a transaction written): it fails, and the caller's ROLLBACK
// ends it; the statements after it run again.
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.js';
import { openPostgres } from '../../src/store/postgres.js';
import { PostgresBridge } from '../../src/store/postgres-bridge.js';

const PG_URL = process.env.VEILLE_TEST_PG_URL;

/** Blocks this thread (the store's API is synchronous): the bridge's thread meanwhile reads the server's goodbye. */
function pauseThread(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

describe.runIf(PG_URL !== undefined && PG_URL !== '')('a transaction whose connection is lost', () => {
  const opened: Array<{ close(): void }> = [];
  afterEach(() => {
    for (const handle of opened.splice(0)) handle.close();
  });

  it.each([
    ['while it waits between two statements', 200],
    ['just before its next statement', 0],
  ])('%s: nothing of it is written; the next statements run on a new connection', (_name, pauseMs) => {
    const url = PG_URL as string;
    const schema = `lost_tx_${pauseMs}`;
    const db: Db = openPostgres({ url, password: null, schema });
    opened.push(db);
    const killer = new PostgresBridge({ url, password: null, schema: null, timeoutMs: 30_000 });
    opened.push(killer);
    db.exec('CREATE TABLE IF NOT EXISTS lost_rows (name TEXT PRIMARY KEY)');
    const insert = db.prepare<[string]>('INSERT INTO lost_rows (name) VALUES (?)');
    const write = db.transaction(() => {
      insert.run('first');
      const backend = db.prepare<[], { pid: number }>('SELECT pg_backend_pid() AS pid').get()?.pid;
      killer.query('SELECT pg_terminate_backend($1)', [backend]);
      pauseThread(pauseMs);
      insert.run('second');
      insert.run('third');
    });
    expect(() => write()).toThrow(/lost|terminat|Connection/i);
    expect(db.prepare<[], { name: string }>('SELECT name FROM lost_rows ORDER BY name').all()).toEqual([]);
    insert.run('after');
    expect(db.prepare<[], { name: string }>('SELECT name FROM lost_rows ORDER BY name').all()).toEqual([{ name: 'after' }]);
  });
});
