// The C allocator's free pages go back to the system after a collection (issue 15: glibc kept a
// first import's freed blocks in the main arena for good, 28–43 MB of the soak's resident memory).
// Each case runs in a child process of its own, with the node flags the bin gives veille, so that
// the arena holds only what the case allocated; glibc (Linux) only.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { onGlibc, releaseFreeMemory } from '../../src/system/release-memory.js';

const DIST = new URL('../../dist/system/', import.meta.url).href;
const glibc = onGlibc();

/**
 * In a child: 1,000 blocks of 40 kB allocated in the main arena (after an 8 MiB block, mmapped and
 * freed, has raised glibc's mmap threshold above them, as a first import's large bodies do), then
 * all but every 20th let go, so that the free ones lie between live ones, then `collectGarbage`.
 * Prints the main arena's resident kB when full and after.
 */
const CHILD = `
import { readFileSync } from 'node:fs';
const { collectGarbage } = await import(${JSON.stringify(`${DIST}collect-garbage.js`)});
const arenaKb = () => {
  let inArena = false;
  let kb = 0;
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\\n')) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) inArena = line.endsWith('[heap]');
    else if (inArena && line.startsWith('Rss:')) kb += Number(line.split(/\\s+/)[1]);
  }
  return kb;
};
let large = Buffer.allocUnsafeSlow(8 << 20);
large.fill(1);
large = null;
collectGarbage();
let blocks = [];
for (let index = 0; index < 1000; index += 1) blocks.push(Buffer.allocUnsafeSlow(40_000).fill(index));
const full = arenaKb();
blocks = blocks.filter((_, index) => index % 20 === 0);
collectGarbage();
process.stdout.write(JSON.stringify({ full, after: arenaKb(), kept: blocks.length }));
`;

describe('collectGarbage and the C heap', () => {
  it.skipIf(!glibc)('gives the free pages between live blocks back to the system', () => {
    const output = execFileSync(process.execPath, ['--single-threaded-gc', '--input-type=module', '-e', CHILD], {
      encoding: 'utf8',
      env: { ...process.env, MALLOC_ARENA_MAX: '2' },
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
    });
    const { full, after, kept } = JSON.parse(output) as { full: number; after: number; kept: number };
    // 40 MB allocated, 2 MB kept: without the release, the arena stays at about 40 MB.
    expect(kept).toBe(50);
    expect(full).toBeGreaterThan(35_000);
    expect(after).toBeLessThan(full / 4);
  });
});

describe('releaseFreeMemory', () => {
  it.skipIf(!glibc)('calls malloc_trim from the main thread of a glibc process', () => {
    expect(releaseFreeMemory()).toBe(true);
    // Again: it stays usable (SQLite closed the library after malloc_trim's answer).
    expect(releaseFreeMemory()).toBe(true);
  });

  it.skipIf(glibc)('does nothing where there is no glibc', () => {
    expect(releaseFreeMemory()).toBe(false);
  });
});
