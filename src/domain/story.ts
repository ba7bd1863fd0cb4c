// Stories: the same news told by one or more sources. What the cluster stage reads and decides,
// and the stored stories the feeds are built from.
import type { Item, ThemeMatch } from './types.js';

/** An item as stored, with its source, when it was first and last seen changed, and its themes. */
export interface StoredItem extends Item {
  readonly sourceId: number;
  readonly firstSeenAt: string;
  readonly changedAt: string | null;
  readonly themes: readonly ThemeMatch[];
  /**
   * Plain text of the article page (one paragraph a line), extracted and cleaned by the full-text
   * stage; null when the page was not fetched or gave nothing. `fullText ?? summary`: the most text.
   */
  readonly fullText: string | null;
}

/** A story and its members (active sources), oldest first. `id` is null for an item not yet grouped. */
export interface StoredStory {
  readonly id: number | null;
  readonly guid: string;
  readonly members: readonly StoredItem[];
}

/** What grouping needs of an item. */
export interface ClusterItem {
  readonly id: string;
  readonly sourceId: number;
  /** Canonical link. */
  readonly link: string | null;
  /** Outbound links of the content (canonical). */
  readonly links: readonly string[];
  readonly title: string;
  readonly summary: string;
  readonly language: string | null;
  /** ISO 8601. */
  readonly publishedAt: string;
  /** The story of an item already grouped; null for an item to group. */
  readonly storyId: number | null;
  /** encodeTextSignature of the title and summary when already computed (stored); else computed when grouping. */
  readonly textSignature?: Uint8Array | null;
}

export type MatchReason = 'same-link' | 'links-to' | 'same-title' | 'near-duplicate' | 'shared-names';

/** What the cluster stage decided for one group; the store records it. */
export interface StoryAssignment {
  /** The story the items join: the oldest stored story of the group, or null for a new story. */
  readonly storyId: number | null;
  /** For a new story: the item it is named after (its earliest item); '' when `storyId` is set. */
  readonly firstItemId: string;
  /** Items not yet grouped that join this story. */
  readonly itemIds: readonly string[];
  /** Younger stored stories that this group merges into `storyId`. */
  readonly mergedStoryIds: readonly number[];
  /** Why each joining item joined, for `veille stories` and the tests. */
  readonly reasons: readonly { readonly itemId: string; readonly matchedId: string; readonly reason: MatchReason }[];
}
