// One veille at a time on a data folder: a lock file beside the database, holding the owner's
// pid. A lock left by a process that no longer exists (SIGKILL, power loss) is taken over.
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { VeilleError } from '../domain/errors.js';
import { diskFullError, isDiskFull } from './disk-full.js';
import { isProcessAlive } from '../system/process-alive.js';
import { removeStaleLock } from '../system/stale-lock.js';

export interface Lock {
  release(): void;
}

export interface LockOwner {
  readonly pid: number;
  readonly command: string;
  readonly since: string;
}

/** Takes the lock for `databasePath`, or throws STORE_LOCKED naming the process that holds it. */
export function acquireLock(databasePath: string, command: string, now: Date): Lock {
  const path = `${databasePath}.lock`;
  const cannotCreate = (error: unknown): VeilleError =>
    isDiskFull(error)
      ? diskFullError(error, dirname(path), `creating the lock ${path}`)
      : new VeilleError('STORE_FAILED', `store: cannot create the lock ${path}: ${(error as Error).message}`, { cause: error });
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (error) {
    throw cannotCreate(error);
  }
  for (let attempt = 0; attempt < 2; attempt += 1) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o644);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw cannotCreate(error);
      const owner = readOwner(path);
      if (owner && isProcessAlive(owner.pid)) {
        throw new VeilleError(
          'STORE_LOCKED',
          `store: another veille (pid ${owner.pid}, "${owner.command}" since ${owner.since}) is using ${databasePath}; ` +
            'wait for it to finish, or stop it first',
        );
      }
      // Left by a process that is gone: removed by one of the processes that saw it, read again then.
      removeStaleLock(path, () => {
        const current = readOwner(path);
        return !(current && isProcessAlive(current.pid));
      });
      continue;
    }
    const owner: LockOwner = { pid: process.pid, command, since: now.toISOString() };
    try {
      writeSync(fd, `${JSON.stringify(owner)}\n`);
    } catch (error) {
      // An empty lock file would read as stale and be taken over: it goes.
      closeSync(fd);
      removeQuietly(path);
      throw cannotCreate(error);
    }
    closeSync(fd);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      process.off('exit', release);
      if (readOwner(path)?.pid === process.pid) removeQuietly(path);
    };
    process.on('exit', release);
    return { release };
  }
  throw new VeilleError('STORE_LOCKED', `store: cannot take the lock ${path}: it keeps reappearing`);
}

/** The live process holding the lock of `databasePath`, or null (none, or one that is gone). */
export function lockHolder(databasePath: string): LockOwner | null {
  const owner = readOwner(`${databasePath}.lock`);
  return owner !== null && isProcessAlive(owner.pid) ? owner : null;
}

function readOwner(path: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    return typeof owner.pid === 'number' ? { pid: owner.pid, command: String(owner.command), since: String(owner.since) } : null;
  } catch {
    return null; // unreadable or half-written: treated as stale
  }
}


function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
