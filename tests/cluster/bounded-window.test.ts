// Grouping reads only the stored items the new ones can meet (issue 15: a cycle held the whole
// 14-day window, 17,680 items after an import, to group a few new ones). On the real items of
// tests/fixtures/ai-news and the labelled pairs of tests/fixtures/cluster (French posts that link
// back, cross-posts, round-ups), fed cycle by cycle in date order, the stories are those of the
// whole window.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeTextSignature, encodeTextSignature } from '../../src/cluster/features.js';
import {
  collectCandidates,
  collectLinkedPages,
  createClusterFeatures,
  DEFAULT_CLUSTER_OPTIONS,
  groupItems,
  type ClusterOptions,
} from '../../src/cluster/group-stories.js';
import type { ClusterItem, StoryAssignment } from '../../src/domain/story.js';
import { LABELLED_PAIRS, type PairItem } from './labelled-pairs.js';

interface FixtureItem {
  readonly feed_title: string;
  readonly title: string;
  readonly summary: string;
  readonly link: string;
  readonly date: string;
}

function realItems(): Omit<ClusterItem, 'storyId'>[] {
  const sourceIds = new Map<string, number>();
  const sourceId = (name: string): number => {
    if (!sourceIds.has(name)) sourceIds.set(name, sourceIds.size + 1);
    return sourceIds.get(name) as number;
  };
  const lines = readFileSync(new URL('../fixtures/ai-news/items.jsonl', import.meta.url), 'utf8').split('\n').filter(Boolean);
  const items = lines.flatMap((line, index) => {
    const entry = JSON.parse(line) as FixtureItem;
    const time = Date.parse(entry.date);
    if (Number.isNaN(time)) return [];
    return [{ id: `item-${index}`, sourceId: sourceId(entry.feed_title), link: entry.link, links: [], title: entry.title, summary: entry.summary, language: 'en', publishedAt: new Date(time).toISOString() }];
  });
  const fromPair = (item: PairItem, id: string) => ({ id, sourceId: sourceId(item.source), ...item });
  const pairs = LABELLED_PAIRS.flatMap((pair) => [fromPair(pair.a, `${pair.id}-a`), fromPair(pair.b, `${pair.id}-b`)]);
  // Signatures computed once, as the processing thread stores them.
  return [...items, ...pairs]
    .sort((a, b) => a.publishedAt.localeCompare(b.publishedAt) || a.id.localeCompare(b.id))
    .map((item) => ({ ...item, textSignature: encodeTextSignature(computeTextSignature(item.title, item.summary)) }));
}

/** The assignments as a set: their order follows the first member of each group read, which a smaller read may change. */
const asSet = (assignments: readonly StoryAssignment[]): string[] => assignments.map((assignment) => JSON.stringify(assignment)).sort();

const ITEMS = realItems();

describe('grouping against the stored items the new ones can meet', () => {
  it.each([
    ['the default options', DEFAULT_CLUSTER_OPTIONS, 500],
    // Lists of more than 3 holders are cut or skipped: the candidates must cut and skip them alike.
    ['lists of at most 3 items', { ...DEFAULT_CLUSTER_OPTIONS, maxPostings: 3 }, 1_200],
  ])('gives the stories of the whole window, cycle after cycle, and reads a fraction of it: %s', (_name, options: ClusterOptions, cycle) => {
    const stored: ClusterItem[] = [];
    let nextStory = 1;
    let read = 0;
    // The last cycle brings 3 items, as a cycle of `veille start` does.
    const starts = [...Array.from({ length: Math.ceil((ITEMS.length - 3) / cycle) }, (_, index) => index * cycle), ITEMS.length - 3];
    for (const [index, start] of starts.entries()) {
      const fresh = ITEMS.slice(start, starts[index + 1] ?? ITEMS.length).map((item): ClusterItem => ({ ...item, storyId: null }));
      const whole = groupItems(stored, fresh, options);
      // The reads of groupStoredStories (src/app/group-stored-stories.ts), the window in the store's
      // order, each item's features computed once for the three of them.
      const features = createClusterFeatures(options);
      const first = collectCandidates(fresh, options, features);
      for (const item of stored) first.offer(item);
      let candidates = first.candidates();
      const second = collectLinkedPages(fresh, candidates, options, features);
      if (second !== null) {
        for (const item of stored) second.offer(item);
        candidates = second.candidates();
      }
      expect(asSet(groupItems(candidates, fresh, options, features))).toEqual(asSet(whole));
      // Issue 15: the fresh items' features were computed twice, the candidates' up to three times.
      expect(features.computed).toBe(fresh.length + stored.length);
      read = candidates.length;
      // The store's side: new stories, members joining, younger stories merged into the oldest.
      const storyOf = new Map<string, number>();
      for (const assignment of whole) {
        const story = assignment.storyId ?? nextStory++;
        for (const id of assignment.itemIds) storyOf.set(id, story);
        const merged = new Set(assignment.mergedStoryIds);
        for (const [index, item] of stored.entries()) if (item.storyId !== null && merged.has(item.storyId)) stored[index] = { ...item, storyId: story };
      }
      stored.push(...fresh.map((item) => ({ ...item, storyId: storyOf.get(item.id) ?? null })));
    }
    expect(stored.length).toBeGreaterThan(3_000);
    // Stories of several members were made.
    expect(new Set(stored.map((item) => item.storyId)).size).toBeLessThan(stored.length - 30);
    expect(read).toBeLessThan(stored.length / 10);
  }, 60_000);

  it('reads nothing of the fresh items for an empty window (a first import): grouping computes their features once, itself', () => {
    const fresh = ITEMS.slice(0, 400).map((item): ClusterItem => ({ ...item, storyId: null }));
    const features = createClusterFeatures(DEFAULT_CLUSTER_OPTIONS);
    const first = collectCandidates(fresh, DEFAULT_CLUSTER_OPTIONS, features);
    expect(first.candidates()).toEqual([]);
    // Issue 15: the keys the fresh items look up were made for 17,680 items and no stored one.
    expect(features.computed).toBe(0);
    expect(collectLinkedPages(fresh, [], DEFAULT_CLUSTER_OPTIONS, features)).toBeNull();
    expect(groupItems([], fresh, DEFAULT_CLUSTER_OPTIONS, features)).toEqual(groupItems([], fresh));
    expect(features.computed).toBe(fresh.length);
  });
});
