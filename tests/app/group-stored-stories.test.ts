// After grouping many fresh items, the heap is collected before the publish step (issue 15: a first
// import's grouping left about 50 MB of garbage in the old generation, and publishing grew the heap
// on top of it: 10 MB of the first cycle's peak RSS); after a cycle of a few items, it is not.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { COLLECT_AFTER_GROUPING, groupStoredStories } from '../../src/app/group-stored-stories.js';
import type { ClusterItem, StoryAssignment } from '../../src/domain/story.js';
import type { Store } from '../../src/store/store.js';
import { collectGarbage } from '../../src/system/collect-garbage.js';

vi.mock('../../src/system/collect-garbage.js', () => ({ collectGarbage: vi.fn() }));

/** A store holding `count` fresh items and no grouped one; what grouping decided is kept. */
function storeWith(count: number): { store: Store; decided: StoryAssignment[] } {
  const decided: StoryAssignment[] = [];
  const items = (): ClusterItem[] =>
    Array.from({ length: count }, (_, index) => ({
      id: `item-${index}`,
      sourceId: 1 + (index % 7),
      link: `https://example.org/${index}`,
      links: [],
      title: `Item number ${index} of a first import`,
      summary: `The summary of item ${index}.`,
      language: 'en',
      publishedAt: new Date(Date.UTC(2026, 11, 1) + index * 60_000).toISOString(),
      storyId: null,
    }));
  const store = {
    listUngroupedItems: items,
    eachGroupedSince: () => undefined,
    applyStoryAssignments: (assignments: readonly StoryAssignment[]) => void decided.push(...assignments),
  };
  return { store: store as unknown as Store, decided };
}

const NOW = new Date(Date.UTC(2026, 11, 7, 8));

describe('groupStoredStories and the heap', () => {
  beforeEach(() => vi.mocked(collectGarbage).mockClear());

  it.each([
    ['a first import', COLLECT_AFTER_GROUPING, 1],
    ['a cycle of a few new items', 3, 0],
    ['a cycle with nothing new', 0, 0],
  ])('%s: %i items, %i collection', (_name, count, collections) => {
    const { store, decided } = storeWith(count);
    expect(groupStoredStories(store, NOW).grouped).toBe(count);
    expect(decided.flatMap((assignment) => assignment.itemIds)).toHaveLength(count);
    expect(vi.mocked(collectGarbage)).toHaveBeenCalledTimes(collections);
  });
});
