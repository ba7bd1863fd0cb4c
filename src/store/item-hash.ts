// The fingerprint of an item's content: an item whose fingerprint changed was edited upstream.
import { createHash } from 'node:crypto';
import type { Item } from '../domain/types.js';

export function hashItemContent(item: Item): string {
  const hash = createHash('sha256');
  for (const part of [item.guid, item.link, item.title, item.summary, item.contentHtml, item.author, item.language]) {
    hash.update(part ?? '\u0000').update('\u0001');
  }
  hash.update(item.dateMissing ? '' : item.publishedAt).update(item.updatedAt ?? '');
  hash.update(JSON.stringify(item.categories)).update(item.imageUrl ?? '');
  return hash.digest('hex').slice(0, 32);
}
