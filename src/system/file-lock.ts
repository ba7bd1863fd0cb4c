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
  /** What the holder does, shown to whoever waits (e.g. "sources add", "cycle"). */
  readonly purpose: string;
  /** Called once when another process holds the lock and this one starts waiting for it. */
  readonly onWait?: (holder: FileLockOwner) => void;
  /** When the holder took the lock, on its clock (VEILLE_NOW); written in the lock file. */
  readonly since?: string;
  /** The error to throw when the lock file cannot be written (a full disk says so in its own words). */
  readonly cannotCreate?: (error: unknown, lockPath: string) => Error;
}

export interface FileLockOwner {
  readonly pid: number;
  readonly purpose: string;
  readonly since: string | null;
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
  let told = false;
  for (;;) {
    if (tryCreate(lockPath, { pid: process.pid, purpose: options.purpose, since: options.since ?? null }, options.cannotCreate)) break;
    // Removed by one waiter only (stale-lock.ts); the others wait below and try again.
    if (isStale(lockPath) && removeStaleLock(lockPath, () => isStale(lockPath))) continue;
    const holder = told ? null : readOwner(lockPath);
    if (holder !== null && options.onWait !== undefined) {
      told = true;
      options.onWait(holder);
    }
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

/** The live process holding `${path}.lock`, or null (none, or one that is gone). */
export function fileLockHolder(path: string): FileLockOwner | null {
  const owner = readOwner(`${path}.lock`);
  return owner !== null && isProcessAlive(owner.pid) ? owner : null;
}

function tryCreate(lockPath: string, owner: FileLockOwner, cannotCreate: FileLockOptions['cannotCreate']): boolean {
  const failed = (error: unknown): Error =>
    cannotCreate?.(error, lockPath) ??
    new VeilleError('LOCK_TIMEOUT', `lock: cannot create ${lockPath}: ${(error as Error).message}`, { cause: error });
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw failed(error);
  }
  try {
    writeSync(fd, `${JSON.stringify(owner)}\n`);
  } catch (error) {
    // An empty lock file would hold the others back until it reads as stale: it goes.
    closeSync(fd);
    removeQuietly(lockPath);
    throw failed(error);
  }
  closeSync(fd);
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

function readOwner(lockPath: string): FileLockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(lockPath, 'utf8')) as Partial<FileLockOwner>;
    return typeof owner.pid === 'number'
      ? { pid: owner.pid, purpose: String(owner.purpose), since: typeof owner.since === 'string' ? owner.since : null }
      : null;
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
