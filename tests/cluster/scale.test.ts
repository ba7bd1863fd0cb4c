// Grouping at the bench's scale: 10,000 synthetic items, no group mixes two stories, every
// syndicated copy and linked French post finds its story, and round-ups stay alone.
import { describe, expect, it } from 'vitest';
import { syntheticClusterItems } from '../../tools/bench/cluster-bench.js';
import { groupItems } from '../../src/cluster/group-stories.js';

describe('groupItems on 10,000 items', () => {
  it('groups each story exactly and leaves round-ups alone', () => {
    const items = syntheticClusterItems(10_000);
    const assignments = groupItems([], items);
    const storyOfItem = (id: string) => id.split('-')[0];
    const groupOf = new Map<string, number>();
    assignments.forEach((assignment, index) => assignment.itemIds.forEach((id) => groupOf.set(id, index)));
    const mixed = assignments.filter((assignment) => new Set(assignment.itemIds.map(storyOfItem)).size > 1);
    expect(mixed).toEqual([]);
    const missed = items.filter(
      (item) => !item.title.startsWith('Weekly ') && groupOf.get(item.id) !== groupOf.get(`${storyOfItem(item.id)}-0`),
    );
    expect(missed).toEqual([]);
    const roundups = items.filter((item) => item.title.startsWith('Weekly '));
    expect(roundups.every((item) => assignments[groupOf.get(item.id) as number]?.itemIds.length === 1)).toBe(true);
  });
});
