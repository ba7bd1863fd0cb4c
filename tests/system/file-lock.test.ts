// The lock beside an edited file: holders take turns, a lock left by a dead process is taken
// over, a live holder is waited for only up to the deadline.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withFileLock } from '../../src/system/file-lock.js';

describe('withFileLock', () => {
  const folders: string[] = [];
  afterEach(() => {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  function fileIn(): string {
    const folder = mkdtempSync(join(tmpdir(), 'veille-file-lock-'));
    folders.push(folder);
    return join(folder, 'veille.yaml');
  }

  it('runs holders one at a time, and removes the lock after the last', async () => {
    const file = fileIn();
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 10 }, () =>
        withFileLock(file, { purpose: 'test' }, async () => {
          inside += 1;
          most = Math.max(most, inside);
          await new Promise((resolve) => setImmediate(resolve));
          inside -= 1;
        }),
      ),
    );
    expect(most).toBe(1);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('releases the lock when the work fails', async () => {
    const file = fileIn();
    await expect(withFileLock(file, { purpose: 'test' }, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('takes over a lock whose process is gone', async () => {
    const file = fileIn();
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: Number(gone.stdout.toString()), purpose: 'sources add' }));
    await expect(withFileLock(file, { purpose: 'test', timeoutMs: 1_000 }, async () => 'done')).resolves.toBe('done');
  });

  it('takes over an unreadable lock file once it is old, not before', async () => {
    const file = fileIn();
    writeFileSync(`${file}.lock`, '');
    await expect(withFileLock(file, { purpose: 'test', timeoutMs: 50 }, async () => 'done')).rejects.toMatchObject({ code: 'LOCK_TIMEOUT' });
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${file}.lock`, old, old);
    await expect(withFileLock(file, { purpose: 'test', timeoutMs: 50 }, async () => 'done')).resolves.toBe('done');
  });

  it('gives up at the deadline while a live process holds it, naming it', async () => {
    const file = fileIn();
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: process.pid, purpose: 'sources add' }));
    await expect(withFileLock(file, { purpose: 'test', timeoutMs: 50 }, async () => 'done')).rejects.toMatchObject({
      code: 'LOCK_TIMEOUT',
      message: expect.stringContaining(`held by pid ${process.pid} ("sources add")`),
    });
  });
});
