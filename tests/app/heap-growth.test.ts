// The process's heap stays near its live size between full collections (issue 15: a worker's heap
// reached 185 MB for 27 MB of live objects and stayed resident between cycles). Each case runs in
// its own node process, since the setting is the whole process's.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const HEAP_GROWTH = new URL('../../dist/app/heap-growth.js', import.meta.url).href;

/** The largest heap V8 reserved while 40 MB stay live and 300 MB of objects pass through the old generation, in MB. */
function peakHeap(limit: boolean): number {
  const script = `
    import { limitHeapGrowth } from ${JSON.stringify(HEAP_GROWTH)};
    ${limit ? 'limitHeapGrowth();' : ''}
    const live = Array.from({ length: 100 }, () => new Array(12_500).fill(0).map((_, i) => ({ i })));
    let peak = 0;
    let sink = 0;
    // Objects that outlive a few collections of the young generation, as a cycle's feed bodies and items do.
    const recent = [];
    for (let round = 0; round < 800; round += 1) {
      recent.push(new Array(12_500).fill(0).map((_, i) => ({ i, round })));
      if (recent.length > 30) sink += recent.shift().length;
      if (round % 10 === 0) peak = Math.max(peak, process.memoryUsage().heapTotal);
    }
    process.stdout.write(String(Math.round(peak / 1048576) + (live.length + sink) * 0));
  `;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: fileURLToPath(new URL('.', import.meta.url)) });
  if (child.status !== 0) throw new Error(child.stderr);
  return Number(child.stdout);
}

describe('limitHeapGrowth', () => {
  it('keeps the heap well under what V8 reserves by default for the same live objects and garbage', () => {
    const limited = peakHeap(true);
    const unlimited = peakHeap(false);
    expect(limited).toBeLessThan(unlimited * 0.75);
  }, 60_000);
});
