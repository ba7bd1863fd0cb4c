// The republish identity rule (Miniflux #3120): an item re-published under a new GUID with the
// same link is the stored item edited.
import { describe, expect, it } from 'vitest';
import { findRepublishedId } from '../../src/domain/item-identity.js';

const stored = new Map([
  ['https://example.org/post/1', 'old-1'],
  ['https://example.org/', 'home'],
]);
const oldestWithLink = (link: string): string | null => stored.get(link) ?? null;

describe('findRepublishedId', () => {
  it.each([
    ['the same link as a stored item no longer in the feed: that item', 'https://example.org/post/1', [], 'old-1'],
    ['the stored item is still in the feed: two items with one link', 'https://example.org/post/1', ['old-1'], null],
    ['a link no stored item has: a new item', 'https://example.org/post/2', [], null],
    ['a home-page link never counts', 'https://example.org/', [], null],
    ['no link', null, [], null],
  ])('%s', (_name, link, batch, expected) => {
    expect(findRepublishedId({ link }, new Set(batch), oldestWithLink)).toBe(expected);
  });
});
