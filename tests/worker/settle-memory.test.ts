// Between two cycles the worker gives back what V8 keeps for the next allocations, as V8's memory
// reducer does only after about 8 s with little allocation (issue 15: the soak's cycles run back to
// back, and an ordinary full collection left each thread's new space at 2 × --max-semi-space-size).
// The case runs in a child process with the bin's semi-space flag, so that the new space holds only
// what the case allocated.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const WORKER = new URL('../../dist/worker/worker.js', import.meta.url).href;

/**
 * In a child: objects that survive a few scavenges each, until V8 has grown the new space to its
 * largest, then the settle of a worker that never started its pool (this thread's part). Prints
 * the new space's resident bytes before and after.
 */
const CHILD = `
import { getHeapSpaceStatistics } from 'node:v8';
const newSpace = () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').physical_space_size;
let kept = [];
for (let index = 0; index < 2_000_000; index += 1) {
  kept.push({ index, text: 'x' + index });
  if (kept.length > 100_000) kept = kept.slice(50_000);
}
kept = null;
const full = newSpace();
const { keepAcrossCycles } = await import(${JSON.stringify(WORKER)});
await keepAcrossCycles(() => { throw new Error('no pool in this case'); }).settle();
process.stdout.write(JSON.stringify({ full, after: newSpace() }));
`;

describe('keepAcrossCycles().settle and V8 memory', () => {
  it('shrinks the new space back to its starting size', () => {
    const output = execFileSync(process.execPath, ['--max-semi-space-size=4', '--single-threaded-gc', '--input-type=module', '-e', CHILD], {
      encoding: 'utf8',
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
    });
    const { full, after } = JSON.parse(output) as { full: number; after: number };
    const MB = 1024 * 1024;
    // Two 4 MB semi-spaces when full; an ordinary collection kept 7.3 MB of them resident.
    expect(full).toBeGreaterThanOrEqual(6 * MB);
    expect(after).toBeLessThan(2 * MB);
  });
});
