// The fingerprint of an item's content: an item whose fingerprint changed was edited upstream.
import { hash } from 'node:crypto';
import type { Item } from '../domain/types.js';

/**
 * SHA-256 of the fields, each followed by U+0001 (U+0000 for a missing one), then the dates, the
 * categories' JSON and the image, as one string hashed at once (issue 15: a hash object and eighteen
 * updates per item); the same digest as those updates, since no field can join a surrogate pair
 * with its neighbour across U+0001.
 */
export function hashItemContent(item: Item): string {
  let text = '';
  for (const part of [item.guid, item.link, item.title, item.summary, item.contentHtml, item.author, item.language]) {
    text += `${part ?? '\u0000'}\u0001`;
  }
  text += `${item.dateMissing ? '' : item.publishedAt}${item.updatedAt ?? ''}${JSON.stringify(item.categories)}${item.imageUrl ?? ''}`;
  return hash('sha256', text).slice(0, 32);
}
