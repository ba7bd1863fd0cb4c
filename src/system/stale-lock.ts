// Taking over a lock file left by a process that is gone, so that only one of several waiters does:
// the stale file is removed under a second, short-lived lock (`.takeover`), after reading it again.
// Without it, two waiters that both saw the stale file could each remove it, the second removing
// the live lock the first had just created, and both would go on holding "the" lock.
import { closeSync, openSync, statSync, unlinkSync } from 'node:fs';

/** A takeover file older than this was left by a process that died within its few microseconds. */
const TAKEOVER_STALE_MS = 5_000;

/**
 * Removes `lockPath` when `stillStale()` says so, read again under the takeover lock. Returns
 * false when another waiter is taking it over at this moment: wait a little and try again.
 */
export function removeStaleLock(lockPath: string, stillStale: () => boolean): boolean {
  const takeover = `${lockPath}.takeover`;
  let fd: number;
  try {
    fd = openSync(takeover, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (ageMs(takeover) > TAKEOVER_STALE_MS) removeQuietly(takeover);
    return false;
  }
  try {
    closeSync(fd);
    if (stillStale()) removeQuietly(lockPath);
    return true;
  } finally {
    removeQuietly(takeover);
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
