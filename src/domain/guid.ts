// The GUIDs readers see in feeds and digests. Published GUIDs never change (DESIGN.md), so each
// is derived from an id fixed when the thing was first stored, never from its text.

/** The prefix of every item and story GUID; the store's queries order loose items by it. */
export const ITEM_GUID_PREFIX = 'urn:veille:item:';

/** An item's entry GUID: from the item's stable id only. */
export function itemGuid(itemId: string): string {
  return `${ITEM_GUID_PREFIX}${itemId}`;
}

/**
 * A story's GUID: its first item's own entry GUID, fixed when the story is created. A single-item
 * story keeps the GUID its item was published under, and members joining later do not change it.
 */
export function storyGuid(firstItemId: string): string {
  return itemGuid(firstItemId);
}

/** A weekly issue's GUID, from its ISO week ("2026-W47"). */
export function digestGuid(week: string): string {
  return `urn:veille:digest:${week}`;
}
