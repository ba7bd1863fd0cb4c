// When an incoming item is one already stored: the rules that keep a published GUID fixed when
// its source edits or re-publishes the item (DESIGN.md: an item edited upstream is updated, not
// duplicated).
import type { Item } from './types.js';
import { isStoryUrl } from './web-url.js';

/**
 * The republish identity rule. An item re-published by its source with a new GUID (or an edited
 * title, so a new id) but the same canonical link is the stored item edited, not a second one
 * (Miniflux #3120): it keeps the stored id, hence its published GUID and its story.
 * - `oldestWithLink`: the source's oldest stored item with that link, or null.
 * - Not when that item is still in the feed (`batchIds`): then the source really has two items
 *   with one link.
 * - A home-page link never counts: a site's home page is shared by all it publishes.
 * Returns the stored id the item is an edit of, or null when it is a new item.
 */
export function findRepublishedId(
  item: Pick<Item, 'link'>,
  batchIds: ReadonlySet<string>,
  oldestWithLink: (link: string) => string | null,
): string | null {
  if (!isStoryUrl(item.link)) return null;
  const previous = oldestWithLink(item.link);
  return previous !== null && !batchIds.has(previous) ? previous : null;
}
