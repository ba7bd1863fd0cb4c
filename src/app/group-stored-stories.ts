// Runs the cluster stage over the store: items not yet grouped are matched against the items
// grouped in the recent window, and the decisions are written back in one transaction.
import { DEFAULT_CLUSTER_OPTIONS, groupItems, type ClusterOptions } from '../cluster/group-stories.js';
import type { Store } from '../store/store.js';

export interface GroupingSummary {
  readonly grouped: number;
  /** Items that joined a story that already had another member. */
  readonly joined: number;
  readonly merged: number;
}

export function groupStoredStories(store: Store, now: Date, options: ClusterOptions = DEFAULT_CLUSTER_OPTIONS): GroupingSummary {
  // A cycle that stored nothing new reads no item (issue 15: it read the whole window to find none).
  if (!store.hasUngroupedItems()) return { grouped: 0, joined: 0, merged: 0 };
  const since = new Date(now.getTime() - options.windowDays * 86_400_000).toISOString();
  const { stored, fresh } = store.listGroupingItems(since);
  if (fresh.length === 0) return { grouped: 0, joined: 0, merged: 0 };
  const assignments = groupItems(stored, fresh, options);
  store.applyStoryAssignments(assignments, now.toISOString());
  let joined = 0;
  let merged = 0;
  for (const assignment of assignments) {
    joined += assignment.storyId !== null ? assignment.itemIds.length : Math.max(0, assignment.itemIds.length - 1);
    merged += assignment.mergedStoryIds.length;
  }
  return { grouped: fresh.length, joined, merged };
}
