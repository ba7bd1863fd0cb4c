// A lock left by a dead process is taken over by one waiter only (review of issue 13's config lock:
// with a stale lock and several `sources add` started together, some trials lost an update, because
// two waiters each removed "the stale lock", the second removing the first's live one).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const FILE_LOCK = pathToFileURL(resolve(import.meta.dirname, '../../dist/system/file-lock.js')).href;
const WRITERS = 12;
const TRIALS = 20;

/** Each writer reads the counter, waits 30 ms and writes it back plus one, under the lock. */
const WRITER = `
import { readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
const { withFileLock } = await import(process.argv[1]);
const file = process.argv[2];
await withFileLock(file, { purpose: 'test', timeoutMs: 20000 }, async () => {
  const value = Number(readFileSync(file, 'utf8'));
  await sleep(30);
  writeFileSync(file, String(value + 1));
});
`;

function run(script: string, args: string[]): Promise<number> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', fail);
    child.on('exit', (code) => done(code ?? 1));
  });
}

describe("a stale config lock, twelve writers at once", () => {
  it(`keeps every update (${TRIALS} trials)`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'veille-lock-'));
    try {
      // A pid that existed and is gone.
      const dead = spawnSync(process.execPath, ['-e', '']).pid;
      const lost: number[] = [];
      for (let trial = 0; trial < TRIALS; trial += 1) {
        const file = join(dir, `counter-${trial}`);
        writeFileSync(file, '0');
        writeFileSync(`${file}.lock`, `${JSON.stringify({ pid: dead, purpose: 'killed' })}\n`);
        const codes = await Promise.all(Array.from({ length: WRITERS }, () => run(WRITER, [FILE_LOCK, file])));
        expect(codes).toEqual(Array.from({ length: WRITERS }, () => 0));
        const total = Number(readFileSync(file, 'utf8'));
        if (total !== WRITERS) lost.push(trial);
      }
      expect(lost, 'trials that lost an update').toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
