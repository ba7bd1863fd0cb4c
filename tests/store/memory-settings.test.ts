// What a veille process keeps resident (issue 15): SQLite's own 2 MB page cache rather than
// better-sqlite3's 16 MB, and two glibc malloc arenas, set where node starts (the bin's first
// line and `npm start`), since glibc reads MALLOC_ARENA_MAX once, when the process starts, and its
// mmap threshold held at 128 KiB (MALLOC_MMAP_THRESHOLD_, read then too); V8's heaps
// grow by 30 % past their live size, not about 100 % (a first import's peak: bin/veille.js).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';

const ROOT = new URL('../../', import.meta.url);

describe('memory settings', () => {
  it('the store keeps a 2 MB page cache', () => {
    const db = openDatabase(':memory:');
    expect(db.pragma('cache_size', { simple: true })).toBe(-2000);
    db.close();
  });

  it('veille and npm start run node with two malloc arenas, a fixed 128 KiB mmap threshold, 4 MB semi-spaces and heaps grown by 30 %', () => {
    const shebang = readFileSync(new URL('bin/veille.js', ROOT), 'utf8').split('\n')[0];
    expect(shebang).toBe('#!/usr/bin/env -S MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072 node --max-semi-space-size=4 --heap-growing-percent=30 --single-threaded-gc');
    const scripts = (JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.start).toBe('MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072 node --max-semi-space-size=4 --heap-growing-percent=30 --single-threaded-gc bin/veille.js start');
  });

  it.each(['veille.service', 'veille-run.service', 'veille-digest.service'])('deploy/%s gives node the same malloc settings', (unit) => {
    const text = readFileSync(new URL(`deploy/${unit}`, ROOT), 'utf8');
    expect(text).toMatch(/^Environment=MALLOC_ARENA_MAX=2$/m);
    expect(text).toMatch(/^Environment=MALLOC_MMAP_THRESHOLD_=131072$/m);
  });
});
