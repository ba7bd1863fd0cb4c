// Grouping reads each fresh item without a map or set of its own (issue 15: the matches, the LSH
// candidates seen and the names shared of each of a first import's 17,680 items were three
// collections each, about 13 MB of its grouping's allocations): what an item met is told by stamps.
import { describe, expect, it } from 'vitest';
import { computeTextSignature, encodeTextSignature } from '../../src/cluster/features.js';
import { createClusterFeatures, groupItems, heldForGrouping } from '../../src/cluster/group-stories.js';
import type { ClusterItem, StoryAssignment } from '../../src/domain/story.js';
import { countMapsAndSets } from '../helpers/count-collections.js';

const ITEMS = 300;

/** Stories of three items each: an English post, its French retelling naming the same people, and a near-duplicate. */
function items(): ClusterItem[] {
  return Array.from({ length: ITEMS }, (_, index) => {
    const story = Math.floor(index / 3);
    const kind = index % 3;
    const names = `Ada Lovelace${story} and Grace Hopper${story} met Alan Turing${story} at Bletchley Park${story}`;
    const title = kind === 1 ? `${names} : ce qu'il faut retenir` : `${names}: what to know about model ${story}`;
    const summary = `${names} discussed the release of model ${story}, its weights, its licence and its benchmarks in detail.`;
    return {
      id: `item-${index}`,
      sourceId: index + 1,
      link: `https://site${kind}.example/${story}`,
      links: kind === 1 ? [`https://site0.example/${story}`] : [],
      title,
      summary,
      language: kind === 1 ? 'fr' : 'en',
      publishedAt: new Date(Date.UTC(2026, 11, 1) + index * 60_000).toISOString(),
      storyId: null,
      textSignature: encodeTextSignature(computeTextSignature(title, summary)),
    };
  });
}

/** The maps and sets made by grouping these items (held copies: their features are computed before). */
function countCollections(all: readonly ClusterItem[]): { made: { maps: number; sets: number }; assignments: StoryAssignment[] } {
  const features = createClusterFeatures();
  const fresh = all.map((item) => heldForGrouping(item, features));
  const { made, result } = countMapsAndSets(() => groupItems([], fresh, undefined, features));
  return { made, assignments: result };
}

describe('groupItems', () => {
  it('makes no map or set for each item it reads', () => {
    const { made, assignments } = countCollections(items());
    // The items do group (the collections are not spared by finding nothing).
    expect(assignments.filter((a) => a.itemIds.length > 1).length).toBeGreaterThan(ITEMS / 6);
    // The grouping's own indexes: 6 here; the three per item read were 900 more.
    expect(made.maps + made.sets).toBeLessThan(2 * ITEMS);
  });

  it('makes no set for each group of its result, nor for each item whose links it follows', () => {
    const { made, assignments } = countCollections(items());
    expect(assignments.filter((a) => a.itemIds.length > 1).length).toBeGreaterThan(ITEMS / 6);
    // A set (with an object and a list) per group and one per item in linksOneStory were 385 more here
    // (issue 15: a first import's 16,346 groups and 17,680 items).
    expect(made.maps + made.sets).toBeLessThan(20);
  });
});
