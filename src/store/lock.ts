// One worker (`veille start`) at a time on a data folder: a lock file beside the database, holding
// the owner's pid, kept for the worker's life. A lock left by a process that no longer exists
// (SIGKILL, power loss) is taken over. The writes of every process on the folder (a cycle, a
// digest, a retag) take turns under a second lock held for one step only (writeStepPath).
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { VeilleError } from '../domain/errors.js';
import { diskFullError, isDiskFull } from './disk-full.js';
import { isProcessAlive } from '../system/process-alive.js';
import { removeStaleLock } from '../system/stale-lock.js';
import { fileLockHolder, type FileLockOwner } from '../system/file-lock.js';

/** The path whose `.lock` (withFileLock) lets one write step at a time run on `databasePath`. */
export function writeStepPath(databasePath: string): string {
  return `${databasePath}.write`;
}

/** The live process running a write step on `databasePath`, or null. */
export function writeStepHolder(databasePath: string): FileLockOwner | null {
  return fileLockHolder(writeStepPath(databasePath));
}

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
            'commands such as run, digest and retag work beside it; a second worker does not',
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
