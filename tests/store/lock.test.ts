// One veille at a time on a data folder; a lock left by a dead process is taken over.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock } from '../../src/store/lock.js';

const NOW = new Date('2026-11-26T08:00:00Z');

function databaseIn(): string {
  return join(mkdtempSync(join(tmpdir(), 'veille-lock-')), 'data', 'veille.db');
}

/** The owner recorded in the lock file of `database`. */
function lockOwner(database: string): unknown {
  return JSON.parse(readFileSync(`${database}.lock`, 'utf8'));
}

/** What this process writes when it holds the lock for `command`. */
function ownedByThisProcess(command: string) {
  return { pid: process.pid, command, since: NOW.toISOString() };
}

describe('acquireLock', () => {
  it('refuses a second holder while the first lives, naming it', () => {
    const database = databaseIn();
    const lock = acquireLock(database, 'start', NOW);
    expect(() => acquireLock(database, 'run', NOW)).toThrow(
      expect.objectContaining({
        code: 'STORE_LOCKED',
        message: expect.stringContaining(`another veille (pid ${process.pid}, "start" since 2026-11-26T08:00:00.000Z)`),
      }),
    );
    lock.release();
    expect(existsSync(`${database}.lock`)).toBe(false);
    acquireLock(database, 'run', NOW).release();
  });

  it('takes over a lock whose process is gone', () => {
    const database = databaseIn();
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    expect(gone.status).toBe(0); // exited: its pid names no live veille
    const deadPid = Number(gone.stdout.toString());
    expect(deadPid).toBeGreaterThan(0);
    acquireLock(database, 'probe', NOW).release(); // creates the folder
    writeFileSync(`${database}.lock`, JSON.stringify({ pid: deadPid, command: 'start', since: '2026-11-25T08:00:00.000Z' }));
    const lock = acquireLock(database, 'run', NOW);
    expect(lockOwner(database)).toEqual(ownedByThisProcess('run'));
    lock.release();
    expect(existsSync(`${database}.lock`)).toBe(false);
  });

  it('takes over a half-written lock file', () => {
    const database = databaseIn();
    acquireLock(database, 'probe', NOW).release();
    writeFileSync(`${database}.lock`, '{"pid":');
    const lock = acquireLock(database, 'run', NOW);
    expect(lockOwner(database)).toEqual(ownedByThisProcess('run'));
    lock.release();
    expect(existsSync(`${database}.lock`)).toBe(false);
  });
});
