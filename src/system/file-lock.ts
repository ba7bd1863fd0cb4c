// A lock beside a file that several processes edit (the config, by `veille sources add` run twice
// at once): whoever holds it reads, changes and writes the file; the others wait their turn, up to
// a deadline. A lock left by a process that is gone (SIGKILL, power loss) is taken over.
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { VeilleError } from '../domain/errors.js';
import { isProcessAlive } from './process-alive.js';
import { removeStaleLock } from './stale-lock.js';

export interface FileLockOptions {
  /** How long to wait for another holder before giving up. */
  readonly timeoutMs?: number;
  /** What the holder does, shown to whoever waits too long (e.g. "sources add"). */
  readonly purpose: string;
}

/** A lock file still empty or half-written after this long was left by a writer that died in between. */
const UNREADABLE_STALE_MS = 5_000;
const POLL_MIN_MS = 5;
const POLL_MAX_MS = 50;

/** Runs `work` while holding `${path}.lock`; waits (at most `timeoutMs`) while another process holds it. */
export async function withFileLock<T>(path: string, options: FileLockOptions, work: () => Promise<T>): Promise<T> {
  const lockPath = `${path}.lock`;
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let pause = POLL_MIN_MS;
  for (;;) {
    if (tryCreate(lockPath, options.purpose)) break;
    // Removed by one waiter only (stale-lock.ts); the others wait below and try again.
    if (isStale(lockPath) && removeStaleLock(lockPath, () => isStale(lockPath))) continue;
    if (Date.now() >= deadline) {
      const owner = readOwner(lockPath);
      throw new VeilleError(
        'LOCK_TIMEOUT',
        `lock: ${lockPath} is held${owner === null ? '' : ` by pid ${owner.pid} ("${owner.purpose}")`}; ` +
          'wait for it to finish, or remove the file if no veille is running',
      );
    }
    // A little randomness, so that waiters started together do not retry together.
    await sleep(pause + Math.floor(Math.random() * pause));
    pause = Math.min(POLL_MAX_MS, pause * 2);
  }
  try {
    return await work();
  } finally {
    if (readOwner(lockPath)?.pid === process.pid) removeQuietly(lockPath);
  }
}

interface LockOwner {
  readonly pid: number;
  readonly purpose: string;
}

function tryCreate(lockPath: string, purpose: string): boolean {
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new VeilleError('LOCK_TIMEOUT', `lock: cannot create ${lockPath}: ${(error as Error).message}`, { cause: error });
  }
  try {
    writeSync(fd, `${JSON.stringify({ pid: process.pid, purpose })}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Held by a process that no longer exists, or unreadable for longer than a writer needs. */
function isStale(lockPath: string): boolean {
  const owner = readOwner(lockPath);
  if (owner !== null) return !isProcessAlive(owner.pid);
  try {
    return Date.now() - statSync(lockPath).mtimeMs > UNREADABLE_STALE_MS;
  } catch {
    return false; // gone meanwhile: the next attempt takes it
  }
}

function readOwner(lockPath: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(lockPath, 'utf8')) as Partial<LockOwner>;
    return typeof owner.pid === 'number' ? { pid: owner.pid, purpose: String(owner.purpose) } : null;
  } catch {
    return null;
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
