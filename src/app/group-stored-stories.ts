// Runs the cluster stage over the store: items not yet grouped are matched against the items
// grouped in the recent window, and the decisions are written back in one transaction.
import {
  DEFAULT_CLUSTER_OPTIONS,
  collectCandidates,
  collectLinkedPages,
  createClusterFeatures,
  groupItems,
  heldForGrouping,
  type ClusterOptions,
} from '../cluster/group-stories.js';
import type { Store } from '../store/store.js';
import { collectGarbage } from '../system/collect-garbage.js';

export interface GroupingSummary {
  readonly grouped: number;
  /** Items that joined a story that already had another member. */
  readonly joined: number;
  readonly merged: number;
}

/**
 * A grouping of at least this many fresh items is followed by a full collection: it leaves tens of
 * MB of garbage in the old generation (a first import of 17,680 items: about 50 MB), which the
 * publish step that comes next would otherwise grow the heap on top of (issue 15: 10 MB of a first
 * cycle's peak RSS, for about 30 ms of CPU). A cycle of a few new items leaves little: it is not.
 */
export const COLLECT_AFTER_GROUPING = 2_000;

export function groupStoredStories(store: Store, now: Date, options: ClusterOptions = DEFAULT_CLUSTER_OPTIONS): GroupingSummary {
  const summary = groupFreshItems(store, now, options);
  // Here, once groupFreshItems has returned: its items, features and indexes are garbage.
  if (summary.grouped >= COLLECT_AFTER_GROUPING) collectGarbage();
  return summary;
}

function groupFreshItems(store: Store, now: Date, options: ClusterOptions): GroupingSummary {
  // A cycle that stored nothing new reads no grouped item (issue 15: it read the whole window to find none).
  // Each item's features are computed once for the three reads below.
  const features = createClusterFeatures(options);
  // The fresh items' texts are let go once their features are known (a first import's 17,680),
  // each as it is read.
  const fresh = store.listUngroupedItems((item) => heldForGrouping(item, features));
  if (fresh.length === 0) return { grouped: 0, joined: 0, merged: 0 };
  const since = new Date(now.getTime() - options.windowDays * 86_400_000).toISOString();
  // Only the window's items the fresh ones can meet are held (issue 15: the whole window was, 60 MB
  // of heap after an import of 17,680 items, to group a few new ones), with the same decisions.
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
