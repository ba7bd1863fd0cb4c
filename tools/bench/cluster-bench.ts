// Grouping speed: 10,000 synthetic items (stories told by one to four sources: near-duplicates,
// French posts linking back, round-ups) grouped by the cluster stage, against the time to just
// tokenize and hash the same texts into shingles. Called by the bench runner; target < 2 s.
import { groupItems } from '../../src/cluster/group-stories.js';
import type { ClusterItem } from '../../src/domain/story.js';
import { computeTextSignature, encodeTextSignature, hashShingles, tokenizeWords } from '../../src/cluster/features.js';

const ITEMS = 10_000;
/** For the incremental figure: one cycle's new items against the stored window. */
const FRESH_IN_CYCLE = 500;

/** A small deterministic PRNG (mulberry32): the same items on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = ['ka', 'lo', 'mi', 're', 'tu', 'sa', 'ne', 'po', 'vi', 'da', 'ri', 'mo', 'che', 'lan', 'ter', 'gio', 'bu', 'fen'];

export function syntheticClusterItems(count: number = ITEMS): ClusterItem[] {
  const next = random(42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const word = (): string => Array.from({ length: 2 + Math.floor(next() * 2) }, () => pick(SYLLABLES)).join('');
  const vocabulary = Array.from({ length: 3000 }, word);
  const names = Array.from({ length: 800 }, () => word().replace(/^./, (c) => c.toUpperCase()));
  const sentence = (length: number) => Array.from({ length }, () => pick(vocabulary)).join(' ');
  const items: ClusterItem[] = [];
  const base = Date.UTC(2026, 10, 1);
  let story = 0;
  while (items.length < count) {
    story += 1;
    // Stories come one after the other (a round-up covers stories already out).
    const at = base + story * 240_000 + Math.floor(next() * 60_000);
    const storyNames = [pick(names), pick(names), pick(names), `${2020 + (story % 8)}`];
    const title = `${storyNames[0]} ${sentence(6)}`;
    const summary = `${sentence(20)} ${storyNames.join(' ')} ${sentence(20)}`;
    const link = `https://source${story % 300}.example.org/posts/${story}`;
    const publishedAt = (offsetHours: number) => new Date(at + offsetHours * 3_600_000).toISOString();
    items.push({ id: `s${story}-0`, sourceId: story % 300, link, links: [], title, summary, language: 'en', publishedAt: publishedAt(0), storyId: null });
    const tellings = Math.floor(next() * 4);
    for (let n = 1; n <= tellings && items.length < count; n += 1) {
      const kind = next();
      const sourceId = 300 + Math.floor(next() * 200);
      const id = `s${story}-${n}`;
      const other = `https://source${sourceId}.example.org/${story}/${n}`;
      if (kind < 0.4) {
        // Near-duplicate: a syndicated copy with a few words changed.
        const words = summary.split(' ');
        for (let k = 0; k < 3; k += 1) words[Math.floor(next() * words.length)] = pick(vocabulary);
        items.push({ id, sourceId, link: other, links: [], title, summary: words.join(' '), language: 'en', publishedAt: publishedAt(n * 5), storyId: null });
      } else if (kind < 0.8) {
        // A French post about it, linking back.
        items.push({ id, sourceId, link: other, links: [link], title: `${storyNames[0]} ${sentence(7)}`, summary: `${sentence(30)} ${storyNames.join(' ')}`, language: 'fr', publishedAt: publishedAt(n * 7), storyId: null });
      } else {
        // A round-up linking to this story and an earlier one.
        const earlier = `https://source${(story - 1) % 300}.example.org/posts/${story - 1}`;
        items.push({ id, sourceId, link: other, links: [link, earlier], title: `Weekly ${sentence(5)}`, summary: sentence(45), language: 'en', publishedAt: publishedAt(n * 9), storyId: null });
      }
    }
  }
  return items;
}

export interface ClusterBenchFigures {
  readonly items: number;
  readonly baselineSeconds: number;
  readonly allFreshSeconds: number;
  readonly incrementalSeconds: number;
  /** The same cycle with the stored items' text signatures read from the store, as the pipeline does. */
  readonly incrementalStoredSeconds: number;
  readonly stories: number;
}

export function benchClustering(count: number = ITEMS): ClusterBenchFigures {
  const items = syntheticClusterItems(count);
  // Warm-up on a slice, so the figures are the JIT-compiled steady state.
  groupItems([], items.slice(0, 1000));

  let started = performance.now();
  let sink = 0;
  for (const item of items) sink += hashShingles(tokenizeWords(`${item.title} ${item.summary}`)).length;
  const baselineSeconds = (performance.now() - started) / 1000;
  if (sink === 0) throw new Error('bench: no shingles');

  started = performance.now();
  const assignments = groupItems([], items);
  const allFreshSeconds = (performance.now() - started) / 1000;

  // The stored window with its stories, then one cycle's new items.
  const storyOf = new Map<string, number>();
  assignments.forEach((assignment, index) => {
    for (const id of assignment.itemIds) storyOf.set(id, index + 1);
  });
  const stored = items.slice(0, count - FRESH_IN_CYCLE).map((item) => ({ ...item, storyId: storyOf.get(item.id) ?? null }));
  started = performance.now();
  groupItems(stored, items.slice(count - FRESH_IN_CYCLE));
  const incrementalSeconds = (performance.now() - started) / 1000;

  const signed = stored.map((item) => ({ ...item, textSignature: encodeTextSignature(computeTextSignature(item.title, item.summary)) }));
  started = performance.now();
  groupItems(signed, items.slice(count - FRESH_IN_CYCLE));
  const incrementalStoredSeconds = (performance.now() - started) / 1000;
  return { items: count, baselineSeconds, allFreshSeconds, incrementalSeconds, incrementalStoredSeconds, stories: assignments.length };
}

export function runClusterBench(): void {
  const figures = benchClustering();
  console.log('');
  console.log(`cluster: grouping ${figures.items} synthetic items into ${figures.stories} stories, in process`);
  console.log(`baseline: tokenize and hash the same texts into word 3-shingles: ${figures.baselineSeconds.toFixed(2)} s`);
  console.log(`  all ${figures.items} items at once (first run)   ${figures.allFreshSeconds.toFixed(2)} s   ${(figures.allFreshSeconds / figures.baselineSeconds).toFixed(1)}x the baseline`);
  console.log(`  ${FRESH_IN_CYCLE} new items against ${figures.items - FRESH_IN_CYCLE} stored   ${figures.incrementalSeconds.toFixed(2)} s`);
  console.log(`    the same, with the stored items' text signatures (as stored by the pipeline)   ${figures.incrementalStoredSeconds.toFixed(2)} s`);
  console.log('  target: all at once < 2 s');
}
