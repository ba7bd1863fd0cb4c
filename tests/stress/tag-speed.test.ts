// Tagging speed on the 3,027 real AI-news items (issue 19: at least 20,000 items/s on one core).
// A wall-clock check, so it lives here with the other timing checks, run on a quiet machine.
import { describe, expect, it } from 'vitest';
import { benchTagging } from '../../tools/bench/tag-bench.js';
import { FIXTURES } from '../tag/helpers.js';

describe('tagging speed', () => {
  it('tags at least 20,000 items per second', async () => {
    const result = await benchTagging(`${FIXTURES}ai-news/items.jsonl`);
    expect(result.itemsPerSecond).toBeGreaterThan(20_000);
  });
});
