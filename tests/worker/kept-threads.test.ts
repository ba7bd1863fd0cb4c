// `veille start` keeps its processing threads from one cycle to the next (issue 15): the first
// cycle starts the pool, later cycles borrow it, and only the worker's stop closes it.
import { describe, expect, it, vi } from 'vitest';
import type { FeedJob, FeedProcessor, FeedProcessorOptions, ProcessedFeed } from '../../src/app/process-feed.js';
import { keepAcrossCycles } from '../../src/worker/worker.js';

const OPTIONS: FeedProcessorOptions = { threads: 2, deadlineMs: () => 1_000 };
const JOB = { url: 'http://127.0.0.1/feed.xml' } as FeedJob;

function fakePools() {
  const started: { process: ReturnType<typeof vi.fn>; close: ReturnType<typeof vi.fn> }[] = [];
  const create = (options: FeedProcessorOptions): FeedProcessor => {
    const pool = { process: vi.fn(async () => ({ items: [], unchangedIds: [] }) as unknown as ProcessedFeed), close: vi.fn(async () => undefined) };
    started.push(pool);
    return { threads: options.threads, process: pool.process, close: pool.close };
  };
  return { started, create };
}

describe('keepAcrossCycles', () => {
  it('starts one pool for several cycles, each cycle closing only its borrowing', async () => {
    const { started, create } = fakePools();
    const kept = keepAcrossCycles(create);
    for (let cycle = 0; cycle < 3; cycle += 1) {
      const processor = kept.factory(OPTIONS);
      await processor.process(JOB);
      await processor.close();
    }
    expect(started).toHaveLength(1);
    expect(started[0]?.process).toHaveBeenCalledTimes(3);
    expect(started[0]?.close).not.toHaveBeenCalled();
  });

  it('closes the pool when the worker stops, and starts a new one if a cycle comes after', async () => {
    const { started, create } = fakePools();
    const kept = keepAcrossCycles(create);
    await kept.factory(OPTIONS).process(JOB);
    await kept.close();
    expect(started[0]?.close).toHaveBeenCalledTimes(1);
    await kept.factory(OPTIONS).process(JOB);
    expect(started).toHaveLength(2);
  });

  it('settles the kept pool between cycles, and starts none to settle', async () => {
    const settled = vi.fn(async () => []);
    let starts = 0;
    const kept = keepAcrossCycles((options) => {
      starts += 1;
      return { threads: options.threads, process: vi.fn(), close: vi.fn(async () => undefined), settle: settled };
    });
    await kept.settle();
    expect(starts).toBe(0);
    kept.factory(OPTIONS);
    await kept.settle();
    expect(settled).toHaveBeenCalledTimes(1);
  });

  it('starts no pool when no cycle asks for one', async () => {
    const { started, create } = fakePools();
    await keepAcrossCycles(create).close();
    expect(started).toEqual([]);
  });
});
