// Runs the cluster stage over the store: items not yet grouped are matched against the items
// grouped in the recent window, and the decisions are written back in one transaction.
import {
  DEFAULT_CLUSTER_OPTIONS,
  collectCandidates,
  collectLinkedPages,
  createClusterFeatures,
  groupItems,
  holdForGrouping,
  type ClusterOptions,
} from '../cluster/group-stories.js';
import type { Store } from '../store/store.js';

export interface GroupingSummary {
  readonly grouped: number;
  /** Items that joined a story that already had another member. */
  readonly joined: number;
  readonly merged: number;
}

export function groupStoredStories(store: Store, now: Date, options: ClusterOptions = DEFAULT_CLUSTER_OPTIONS): GroupingSummary {
  // A cycle that stored nothing new reads no grouped item (issue 15: it read the whole window to find none).
  const fresh = store.listUngroupedItems();
  if (fresh.length === 0) return { grouped: 0, joined: 0, merged: 0 };
  const since = new Date(now.getTime() - options.windowDays * 86_400_000).toISOString();
  // Only the window's items the fresh ones can meet are held (issue 15: the whole window was, 60 MB
  // of heap after an import of 17,680 items, to group a few new ones), with the same decisions.
  // Each item's features are computed once for the three reads below.
  const features = createClusterFeatures(options);
  // The fresh items' texts are let go once their features are known (a first import's 17,680).
  holdForGrouping(fresh, features);
  const first = collectCandidates(fresh, options, features);
  store.eachGroupedSince(since, (item) => first.offer(item));
  let stored = first.candidates();
  const second = collectLinkedPages(fresh, stored, options, features);
  if (second !== null) {
    store.eachGroupedSince(since, (item) => second.offer(item));
    stored = second.candidates();
  }
  const assignments = groupItems(stored, fresh, options, features);
  store.applyStoryAssignments(assignments, now.toISOString());
  let joined = 0;
  let merged = 0;
  for (const assignment of assignments) {
    joined += assignment.storyId !== null ? assignment.itemIds.length : Math.max(0, assignment.itemIds.length - 1);
    merged += assignment.mergedStoryIds.length;
  }
  return { grouped: fresh.length, joined, merged };
}
