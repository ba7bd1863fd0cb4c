// A full data disk (issue 13, finding 10). No unprivileged test can fill a disk, so the error is
// made where veille meets the system: node:fs writes answer ENOSPC (the lock), and SQLite is
// given a page limit (PRAGMA max_page_count), past which it fails with its own SQLITE_FULL,
// "database or disk is full", as on a full disk. Each gives STORE_DISK_FULL naming the folder,
// exit 1; and a disk filling during a cycle is blamed on no source.
import * as fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SqliteDb } from '../../src/store/database.js';
import { Store } from '../../src/store/store.js';
import { makeTempProject, runCli, type TempProject } from '../helpers/cli.js';
import { rssFeed, serveBody, startFeedServer, type FeedServer } from '../helpers/feed-server.js';
import { makeCycleProject, type CycleProject } from '../worker/cycle-harness.js';

const noSpace = vi.hoisted(() => ({ on: false }));

vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  const writeSync = ((...args: Parameters<typeof actual.writeSync>) => {
    if (noSpace.on) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
    return (actual.writeSync as (...a: unknown[]) => number)(...args);
  }) as typeof actual.writeSync;
  return { ...actual, writeSync, default: { ...actual, writeSync } };
});

let server: FeedServer | undefined;
let temp: TempProject | undefined;
let cycle: CycleProject | undefined;

afterEach(async () => {
  noSpace.on = false;
  await server?.close();
  temp?.cleanup();
  cycle?.cleanup();
  server = temp = cycle = undefined;
});

const items = Array.from({ length: 40 }, (_, index) => ({
  title: `Federated learning, part ${index}`,
  link: `https://fl.example/${index}`,
  guid: `fl-${index}`,
  date: 'Mon, 23 Nov 2026 09:00:00 GMT',
  description: `<p>${'Un long paragraphe sur l’apprentissage fédéré. '.repeat(60)}</p>`,
}));

async function feedServer(): Promise<FeedServer> {
  return startFeedServer({ '/feed.xml': serveBody(rssFeed('FL', items), 'application/rss+xml') });
}

describe('a full data disk', () => {
  it('at the lock: its own message naming the lock and exit 1, no stack trace, no lock left behind', async () => {
    temp = makeTempProject();
    temp.writeConfig('sources: []');
    noSpace.on = true;
    const result = await runCli(['run', '--config', temp.configFile]);
    noSpace.on = false;
    // `run` takes the lock of a write step (beside a running worker, its turn).
    const lock = join(temp.dir, 'data', 'veille.db.write.lock');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `veille: store: the disk holding ${join(temp.dir, 'data')} is full (ENOSPC) while creating the lock ${lock}; ` +
        'what was stored before is kept: free some space there and run again\n',
    );
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('filling during a cycle (SQLITE_FULL): the cycle ends with STORE_DISK_FULL and the source is not put in back-off', async () => {
    server = await feedServer();
    cycle = makeCycleProject(`sources:\n  - { url: "${server.base}/feed.xml" }`);
    const db = (cycle.store as unknown as { db: SqliteDb }).db.database;
    // The store as it is, plus a few pages: the feed's items do not fit.
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages + 2}`);
    await expect(cycle.run(new Date('2026-11-26T08:00:00Z'))).rejects.toMatchObject({
      code: 'STORE_DISK_FULL',
      message: expect.stringMatching(/^store: the disk holding .+ is full \(SQLITE_FULL\) while storing the sources' items;/),
    });
    db.pragma('max_page_count = 1073741823');
    const [source] = cycle.store.listSources({ activeOnly: false });
    expect(source).toMatchObject({ consecutiveFailures: 0, lastErrorCode: null });
  });

  it('filling during `veille run`: exit 1 with the message on stderr, status shows no failing source', async () => {
    server = await feedServer();
    temp = makeTempProject();
    temp.writeConfig(`sources:\n  - { url: "${server.base}/feed.xml" }\nprocessing: { threads: 1 }`);
    // The store's first write of items meets a real SQLITE_FULL, made by SQLite itself.
    const full = sqliteFullError();
    const save = vi.spyOn(Store.prototype, 'saveItems').mockImplementation(() => {
      throw full;
    });
    try {
      const result = await runCli(['run', '--config', temp.configFile]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`veille: store: the disk holding ${join(temp.dir, 'data')} is full (SQLITE_FULL) while storing the sources' items`);
      expect(result.stderr).not.toContain('internal error');
    } finally {
      save.mockRestore();
    }
    const status = JSON.parse((await runCli(['status', '--json', '--config', temp.configFile])).stdout) as { sources: Array<{ state: string; lastErrorCode: string | null }> };
    expect(status.sources).toEqual([expect.objectContaining({ lastErrorCode: null })]);
    expect(status.sources[0]?.state).not.toBe('failing');
  });
});

/** SQLite's own error for a full database: an in-memory one limited to a few pages, filled. */
function sqliteFullError(): unknown {
  const store = Store.open(':memory:');
  const db = (store as unknown as { db: SqliteDb }).db.database;
  db.pragma(`max_page_count = ${(db.pragma('page_count', { simple: true }) as number) + 1}`);
  try {
    db.exec("CREATE TABLE filler (x); INSERT INTO filler VALUES (randomblob(100000));");
  } catch (error) {
    return error;
  } finally {
    store.close();
  }
  throw new Error('expected SQLITE_FULL');
}
