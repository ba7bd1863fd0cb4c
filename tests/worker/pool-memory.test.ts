// The feed processor gives the C heap's free pages back to the system while its threads answer
// jobs, at most once a second, and once its threads have stopped (issue 15: the first cycle's peak
// RSS; glibc kept up to 24 MB of freed blocks in the main arena while fetching). The release itself
// is tested in tests/system/release-memory.test.ts; here, when the pool asks for it.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FeedJob } from '../../src/app/process-feed.js';
import { releaseFreeMemory } from '../../src/system/release-memory.js';
import { createFeedProcessor } from '../../src/worker/process-pool.js';
import { rssFeed } from '../helpers/feed-server.js';

vi.mock('../../src/system/release-memory.js', () => ({ releaseFreeMemory: vi.fn(() => true) }));

const job = (name: string): FeedJob => ({
  text: rssFeed(name, [{ title: `${name}: one`, link: `https://${name}.example/1`, guid: `${name}-1` }]),
  contentType: 'application/rss+xml',
  url: `https://${name}.example/feed`,
  sourceKey: `https://${name}.example/feed`,
  sourceLang: 'en',
  languages: ['fr', 'en'],
  fetchedAt: '2026-11-26T08:00:00.000Z',
});

afterEach(() => vi.mocked(releaseFreeMemory).mockClear());

describe('createFeedProcessor and the C heap', () => {
  it('releases free memory when a job is answered a second or more after the last release, and when it closes', async () => {
    let clock = 0;
    const processor = createFeedProcessor({ threads: 1, deadlineMs: () => 60_000, now: () => clock });
    const released = (): number => vi.mocked(releaseFreeMemory).mock.calls.length;
    try {
      // [clock when the job is answered, releases after it]: 999 ms after the start is too soon.
      const steps: Array<[number, number]> = [
        [999, 0],
        [1_000, 1],
        [1_500, 1],
        [2_100, 2],
      ];
      for (const [time, expected] of steps) {
        clock = time;
        expect((await processor.process(job(`feed-${time}`))).items).toHaveLength(1);
        expect(released()).toBe(expected);
      }
    } finally {
      await processor.close();
    }
    expect(released()).toBe(3);
  });

  it('releases nothing on closing a pool that never started a thread', async () => {
    const processor = createFeedProcessor({ threads: 1, deadlineMs: () => 60_000 });
    await processor.close();
    expect(vi.mocked(releaseFreeMemory)).not.toHaveBeenCalled();
  });
});
