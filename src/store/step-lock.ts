// Write steps (a cycle, a digest, a retag) taking turns on a PostgreSQL store (issue 20): processes
// on several machines share no data folder, so the file lock of one machine (system/file-lock.ts)
// cannot hold them apart. They take turns through a session advisory lock on the store's own
// connection, its key one of veille's advisory keys (beside the schema's and the publisher's), and
// the holder says who it is in its session's application_name, which a waiter reads to say whom it
// waits for. A holder killed or cut off loses the lock with its session.
import { setTimeout as sleep } from 'node:timers/promises';
import { VeilleError } from '../domain/errors.js';
import type { FileLockOwner } from '../system/file-lock.js';
import type { Db } from './db.js';

/** The write steps' advisory key ("veille" in ASCII, then 3): the schema's is …01, the publisher's …02 (coordination/schema.ts). */
export const STEP_LOCK_KEY = 0x7665696c6c6503n;

export interface StepLockOptions {
  /** What the holder does, shown to whoever waits ("cycle", "digest", "retag"). */
  readonly purpose: string;
  readonly timeoutMs: number;
  /** When the holder took the lock, on its clock (VEILLE_NOW). */
  readonly since: string;
  /** Called once when another process holds the lock and this one starts waiting for it. */
  readonly onWait?: (holder: FileLockOwner) => void;
  /** Aborted: the wait ends with an error (the publisher stepped down meanwhile, the process stops). */
  readonly signal?: AbortSignal;
}

const POLL_MIN_MS = 50;
const POLL_MAX_MS = 1_000;
/** What the store's session is called while it holds no step (as the bridge names it). */
const IDLE_NAME = 'veille';

/** Connections whose session holds the lock now: a session's advisory locks are re-entrant, a step in the same process must wait all the same. */
const holding = new WeakSet<Db>();

/** Runs `work` while this store's session holds the write steps' lock; waits (at most `timeoutMs`) while another holds it. */
export async function withStepLock<T>(db: Db, options: StepLockOptions, work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let pause = POLL_MIN_MS;
  let told = false;
  while (!tryTake(db, options)) {
    const holder = told ? null : stepLockHolder(db);
    if (holder !== null && options.onWait !== undefined) {
      told = true;
      options.onWait(holder);
    }
    if (options.signal?.aborted === true) {
      throw new VeilleError('COORDINATION_FAILED', `lock: stopped waiting for the write steps' lock on the PostgreSQL store (for the ${options.purpose})`);
    }
    if (Date.now() >= deadline) {
      const owner = stepLockHolder(db);
      throw new VeilleError(
        'LOCK_TIMEOUT',
        `lock: the write steps' lock on the PostgreSQL store is held${owner === null ? '' : ` by pid ${owner.pid} ("${owner.purpose}")`}; wait for it to finish`,
      );
    }
    await sleep(pause + Math.floor(Math.random() * pause));
    pause = Math.min(POLL_MAX_MS, pause * 2);
  }
  try {
    return await work();
  } finally {
    release(db);
  }
}

function tryTake(db: Db, options: StepLockOptions): boolean {
  if (holding.has(db)) return false;
  const row = db.prepare<unknown[], { held: boolean }>('SELECT pg_try_advisory_lock(CAST(? AS bigint)) AS held').get(STEP_LOCK_KEY.toString());
  if (row?.held !== true) return false;
  holding.add(db);
  // 63 bytes at most (NAMEDATALEN): the pid, the time and the purpose, which is short ("cycle").
  db.prepare("SELECT set_config('application_name', ?, false)").get(`veille ${process.pid} ${options.since} ${options.purpose}`.slice(0, 63));
  return true;
}

function release(db: Db): void {
  holding.delete(db);
  // A session lost meanwhile (PostgreSQL restarted) took the lock with it: nothing to release.
  if (!db.open) return;
  try {
    db.prepare('SELECT pg_advisory_unlock(CAST(? AS bigint))').get(STEP_LOCK_KEY.toString());
    db.prepare("SELECT set_config('application_name', ?, false)").get(IDLE_NAME);
  } catch {
    // The connection was lost: the server released the lock with the session.
  }
}

/** The process holding the write steps' lock on this database, or null (none, or one not saying who it is). */
export function stepLockHolder(db: Db): FileLockOwner | null {
  const key = STEP_LOCK_KEY;
  const row = db
    .prepare<unknown[], { name: string | null }>(
      `SELECT a.application_name AS name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
         AND CAST(l.classid AS bigint) = CAST(? AS bigint) AND CAST(l.objid AS bigint) = CAST(? AS bigint)`,
    )
    .get((key >> 32n).toString(), (key & 0xffffffffn).toString());
  const match = /^veille (\d+) (\S+) (.+)$/.exec(row?.name ?? '');
  if (match === null) return null;
  return { pid: Number(match[1]), since: match[2] ?? null, purpose: match[3] ?? '' };
}
