// The cluster stage: groups items that tell the same story, across sources and languages.
// Incremental: items not yet grouped are matched against the stored items of a recent window
// through indexes (URL, outbound link, normalized title, MinHash LSH bands, rare names), never
// by comparing all pairs. Precision first: a wrong merge hides a story from readers.
import type { ClusterItem, MatchReason, StoryAssignment } from '../domain/story.js';
import { hostOf, isStoryUrl, storyHostOf } from '../domain/web-url.js';
import {
  BANDS,
  toBandKeys,
  estimateJaccard,
  extractNames,
  computeTextSignature,
  decodeTextSignatureInto,
  normalizeTitle,
  readTitleNumbers,
  SIGNATURE_SIZE,
} from './features.js';

export interface ClusterOptions {
  /** Two items further apart than this are never the same story by text or names (days). */
  readonly textWindowDays: number;
  /** Items further apart than this are never the same story at all (days). */
  readonly windowDays: number;
  /** Estimated Jaccard similarity of word 3-shingles above which two texts are near-duplicates. */
  readonly nearDuplicateJaccard: number;
  /** Fewest shingles a text needs to be compared as text. */
  readonly minShingles: number;
  /** Fewest words a title needs for an equal title to mean the same story. */
  readonly minTitleWords: number;
  /** Fewest shared names (an outbound link counts two) for items in different languages. */
  readonly minSharedNames: number;
  /** Shared names over the smaller item's names, for items in different languages. */
  readonly minNameOverlap: number;
  /**
   * A name or LSH bucket held by more items than this is too common to suggest candidates; a page
   * or title held by more is joined through the latest this many items that hold it.
   */
  readonly maxPostings: number;
  /**
   * An item with more outbound links (to other sites) than this is a round-up: its links never
   * join it to a story, even when only one of the stories it covers is known yet.
   */
  readonly maxStoryLinks: number;
}

export const DEFAULT_CLUSTER_OPTIONS: ClusterOptions = {
  textWindowDays: 7,
  windowDays: 14,
  nearDuplicateJaccard: 0.6,
  minShingles: 6,
  minTitleWords: 4,
  minSharedNames: 4,
  minNameOverlap: 0.5,
  maxPostings: 50,
  maxStoryLinks: 5,
};

/** What grouping reads of an item, computed once per item (ClusterFeatures). */
interface Features {
  /** The item's link when it can identify a story (isStoryUrl), else null. */
  readonly storyLink: string | null;
  readonly time: number;
  /** Its LSH band keys are computed when read (bandsOf): 16 numbers an item, not held. */
  readonly signature: Uint32Array | null;
  readonly title: string;
  readonly titleWords: number;
  readonly numbers: string;
  /** Each once, in the order first met; arrays, not sets: a set costs several times their size. */
  readonly names: readonly string[];
  readonly links: readonly string[];
  /** Outbound links to other sites than the item's own. */
  readonly externalLinks: number;
  readonly language: string | null;
}

/**
 * The features of the items one grouping reads, each item's computed once: a cycle reads the fresh
 * items in collectCandidates and again in groupItems, and the candidates in collectLinkedPages and
 * groupItems (issue 15: a 200-feed import computed each of its 17,680 items' names, shingles and
 * bands twice on the main thread, 0.6 s of its 2.4 s of grouping). Held weakly: an item the window
 * offers and no list keeps is let go with its features.
 */
export interface ClusterFeatures {
  /** Items whose features were computed (not read from this cache). */
  readonly computed: number;
}

interface FeatureCache extends ClusterFeatures {
  of(item: ClusterItem): Features;
  /** The item without its texts, its features computed and kept for the copy. */
  hold(item: ClusterItem): ClusterItem;
}

/**
 * A copy of the item, its features computed now, without the texts they were computed from (title,
 * summary, links, stored signature), which grouping reads only through the features: what a
 * grouping holds of its fresh items (issue 15: a 200-feed import held 17,680 items' texts through
 * the whole grouping, 22 MB). Make it as each item is read, so that its texts are let go at once;
 * pass the copies to collectCandidates, collectLinkedPages and groupItems with the same `features`:
 * their features are read from it, never computed again.
 */
export function heldForGrouping(item: ClusterItem, features: ClusterFeatures): ClusterItem {
  return (features as FeatureCache).hold(item);
}

/** A cache for one grouping (one set of options): pass the same one to collectCandidates, collectLinkedPages and groupItems. */
export function createClusterFeatures(options: ClusterOptions = DEFAULT_CLUSTER_OPTIONS): ClusterFeatures {
  const cache = new WeakMap<ClusterItem, Features>();
  const tables = createFeatureTables();
  let computed = 0;
  const features: FeatureCache = {
    get computed() {
      return computed;
    },
    of(item) {
      let found = cache.get(item);
      if (found === undefined) {
        found = computeFeatures(item, options, tables);
        cache.set(item, found);
        computed += 1;
      }
      return found;
    },
    hold(item) {
      // Computed for the copy alone: the item is let go by the caller.
      let found = cache.get(item);
      if (found === undefined) {
        found = computeFeatures(item, options, tables);
        computed += 1;
      }
      const held: ClusterItem = {
        id: item.id,
        sourceId: item.sourceId,
        link: item.link,
        links: NONE,
        title: '',
        summary: '',
        language: item.language === null ? null : tables.intern(item.language),
        publishedAt: tables.intern(item.publishedAt),
        storyId: item.storyId,
      };
      cache.set(held, found);
      return held;
    },
  };
  return features;
}

const DAY_MS = 86_400_000;

/**
 * Groups `fresh` items (not yet grouped) with each other and with `stored` items (grouped,
 * from the recent window). Returns one assignment per group that holds a fresh item or merges
 * stored stories; stored stories untouched by the fresh items are not returned.
 */
export function groupItems(
  stored: readonly ClusterItem[],
  fresh: readonly ClusterItem[],
  options: ClusterOptions = DEFAULT_CLUSTER_OPTIONS,
  features: ClusterFeatures = createClusterFeatures(options),
): StoryAssignment[] {
  const freshSorted = [...fresh].sort((a, b) => a.publishedAt.localeCompare(b.publishedAt) || a.id.localeCompare(b.id));
  // Each entry's item and features at its index in two lists: no object per entry joins them (issue 15:
  // one for each of a first import's 17,680 items, 2 MB of its grouping's height).
  const items = [...stored, ...freshSorted];
  const all = items.map((features as FeatureCache).of);
  // Each phase is a function of its own (issue 15: as one 5 KB function, groupItems was compiled by
  // TurboFan once per hot loop, four times on a first import, each time whole).
  const forest = createForest(all.length);
  joinStoredStories(items, forest);
  const reasons = matchFreshItems(items, all, stored.length, options, forest);
  return toAssignments(items, forest, reasons);
}

/** Union-find over the entries' indexes: each group is named by its smallest index. */
interface Forest {
  find(index: number): number;
  union(a: number, b: number): void;
}

function createForest(count: number): Forest {
  const parent = new Int32Array(count);
  for (let index = 0; index < count; index += 1) parent[index] = index;
  const find = (i: number): number => {
    let root = i;
    while (parent[root] !== root) root = parent[root] as number;
    while (parent[i] !== root) {
      const next = parent[i] as number;
      parent[i] = root;
      i = next;
    }
    return root;
  };
  return {
    find,
    union(a, b) {
      const ra = find(a);
      const rb = find(b);
      if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
    },
  };
}

/** Stored items keep their stories. */
function joinStoredStories(items: readonly ClusterItem[], forest: Forest): void {
  const firstOfStory = new Map<number, number>();
  for (let index = 0; index < items.length; index += 1) {
    const storyId = (items[index] as ClusterItem).storyId;
    if (storyId === null) continue;
    const first = firstOfStory.get(storyId);
    if (first === undefined) firstOfStory.set(storyId, index);
    else forest.union(first, index);
  }
}

/** Per fresh entry that matched another, the first entry it matched and why. */
type MatchReasons = Map<number, { readonly matched: number; readonly reason: MatchReason }>;

/**
 * Each fresh entry, in index order, is matched against the entries before it (stored first), joined
 * to the groups of those it matches, then indexed for the entries after it.
 */
function matchFreshItems(items: readonly ClusterItem[], all: readonly Features[], storedCount: number, options: ClusterOptions, forest: Forest): MatchReasons {
  const matcher = createMatcher(items, all, options, forest);
  for (let index = 0; index < storedCount; index += 1) matcher.insert(index);
  for (let index = storedCount; index < all.length; index += 1) {
    matcher.match(index);
    matcher.insert(index);
  }
  return matcher.reasons;
}

interface Matcher {
  /** Indexes an entry (its page, outbound links, title, names) for the entries after it. */
  insert(index: number): void;
  /** Finds the entries before `index` it matches, joins their groups, and records its first reason. */
  match(index: number): void;
  readonly reasons: MatchReasons;
}

function createMatcher(items: readonly ClusterItem[], all: readonly Features[], options: ClusterOptions, forest: Forest): Matcher {
  const { find } = forest;
  const byUrl = new Map<string, Postings>();
  const byOutbound = new Map<string, Postings>();
  const byTitle = new Map<string, Postings>();
  const byName = new Map<string, Postings>();
  const reasons: MatchReasons = new Map();
  const languageOf = all.map((entry) => entry.language);
  const buckets = indexBands(all);
  // Per entry read, what it met, told by a stamp (its index + 1) per other entry, not a map or set made
  // for each (issue 15: a first import's grouping made three for each of its 17,680 items).
  const matchStamps = new Int32Array(all.length);
  const seenStamps = new Int32Array(all.length);
  const sharedStamps = new Int32Array(all.length);
  const shared = new Float64Array(all.length);
  const sharing: number[] = [];
  // The entry being matched: the entries it matches, each once, in the order found, with the first reason found.
  let current = -1;
  let stamp = 0;
  const matched: number[] = [];
  const matchedReasons: MatchReason[] = [];

  const add = <K>(map: Map<K, Postings>, key: K, index: number): void => {
    const list = map.get(key);
    if (list === undefined) map.set(key, index);
    else if (typeof list === 'number') map.set(key, [list, index]);
    else list.push(index);
  };

  /**
   * The latest items of a page's or title's list. Those in the window are already one story, so
   * its latest ones join an item to it, and each item reads a bounded number: read whole, 2,000
   * items with one title took 16 times as long as 250.
   */
  const latest = (postings: Postings | undefined): readonly number[] => {
    const list = listOf(postings);
    return list.length <= options.maxPostings ? list : list.slice(-options.maxPostings);
  };

  /**
   * Whether an item's outbound links point at one story only (with `joining`, counted as linked).
   * A round-up (links to several known stories, or to many other sites) joins none of them.
   */
  const linksOneStory = (entry: Features, joining?: number): boolean => {
    if (entry.externalLinks > options.maxStoryLinks) return false;
    // The one story's root met so far, -1 none: no set made for each item read.
    let root = joining === undefined ? -1 : find(joining);
    for (const link of entry.links) {
      for (const target of latest(byUrl.get(link))) {
        const other = find(target);
        if (root === -1) root = other;
        else if (other !== root) return false;
      }
    }
    return root !== -1;
  };

  const consider = (other: number, reason: MatchReason): void => {
    if (other === current || matchStamps[other] === stamp) return;
    matchStamps[other] = stamp;
    matched.push(other);
    matchedReasons.push(reason);
  };

  const withinWindow = (entry: Features, other: Features, days: number): boolean => Math.abs(other.time - entry.time) <= days * DAY_MS;

  const matchLinks = (entry: Features): void => {
    // The same canonical URL: the same page, whoever carries it.
    if (entry.storyLink !== null) {
      for (const other of latest(byUrl.get(entry.storyLink))) if (withinWindow(entry, all[other] as Features, options.windowDays)) consider(other, 'same-link');
    }
    // One item links to the other's page (a French post's "Lire l'article sur AIhub").
    if (linksOneStory(entry)) {
      for (const link of entry.links) for (const other of latest(byUrl.get(link))) if (withinWindow(entry, all[other] as Features, options.windowDays)) consider(other, 'links-to');
    }
    if (entry.storyLink !== null) {
      for (const other of latest(byOutbound.get(entry.storyLink))) {
        const linker = all[other] as Features;
        if (!withinWindow(entry, linker, options.windowDays)) continue;
        if (linksOneStory(linker, current)) consider(other, 'links-to');
      }
    }
  };

  /** The same title, long enough to be specific, from another source. */
  const matchTitle = (entry: Features, sourceId: number): void => {
    if (entry.titleWords < options.minTitleWords) return;
    for (const other of latest(byTitle.get(entry.title))) {
      const candidate = all[other] as Features;
      if ((items[other] as ClusterItem).sourceId !== sourceId && withinWindow(entry, candidate, options.windowDays)) consider(other, 'same-title');
    }
  };

  /** Near-duplicate text, from another source: LSH candidates, then the signature's estimate. */
  const matchText = (entry: Features, signature: Uint32Array, sourceId: number): void => {
    for (let band = 0; band < BANDS; band += 1) {
      const { holders, start, end } = buckets.before(current, band);
      // Boilerplate shared by many items (a template, a footer) is no story: skip the bucket.
      if (end - start > options.maxPostings) continue;
      for (let at = start; at < end; at += 1) {
        const other = holders[at] as number;
        if (seenStamps[other] === stamp) continue;
        seenStamps[other] = stamp;
        const candidate = all[other] as Features;
        if ((items[other] as ClusterItem).sourceId === sourceId || candidate.numbers !== entry.numbers) continue;
        if (!withinWindow(entry, candidate, options.textWindowDays) || !candidate.signature) continue;
        if (estimateJaccard(signature, candidate.signature) >= options.nearDuplicateJaccard) consider(other, 'near-duplicate');
      }
    }
  };

  /** Counts, for each item in another language than `language` that holds a key, its weight. */
  const countShared = (held: Postings | undefined, weight: number, language: string): void => {
    const postings = listOf(held);
    if (postings.length > options.maxPostings) return;
    // Only items in another language can match here: the others are not counted (issue 15:
    // counting every holder of every name was a fifth of a 17,680-item import's grouping).
    for (const other of postings) {
      const otherLanguage = languageOf[other];
      if (otherLanguage === null || otherLanguage === language) continue;
      if (sharedStamps[other] !== stamp) {
        sharedStamps[other] = stamp;
        shared[other] = 0;
        sharing.push(other);
      }
      shared[other] = (shared[other] as number) + weight;
    }
  };

  /** Across languages: rare names and outbound links both mention. */
  const matchNames = (entry: Features, language: string, sourceId: number): void => {
    sharing.length = 0;
    for (const name of entry.names) countShared(byName.get(name), 1, language);
    // entry.links holds story URLs only (see computeFeatures).
    for (const link of entry.links) countShared(byOutbound.get(link), 2, language);
    for (const other of sharing) {
      const score = shared[other] as number;
      const candidate = all[other] as Features;
      if (candidate.language === null || candidate.language === language) continue;
      if ((items[other] as ClusterItem).sourceId === sourceId || !withinWindow(entry, candidate, options.textWindowDays)) continue;
      const smaller = Math.min(entry.names.length + 2 * entry.links.length, candidate.names.length + 2 * candidate.links.length);
      if (score >= options.minSharedNames && score / Math.max(1, smaller) >= options.minNameOverlap) consider(other, 'shared-names');
    }
  };

  return {
    reasons,
    insert(index) {
      const entry = all[index] as Features;
      if (entry.storyLink !== null) add(byUrl, entry.storyLink, index);
      for (const link of entry.links) add(byOutbound, link, index);
      if (entry.titleWords >= options.minTitleWords) add(byTitle, entry.title, index);
      for (const name of entry.names) add(byName, name, index);
    },
    match(index) {
      const entry = all[index] as Features;
      const sourceId = (items[index] as ClusterItem).sourceId;
      current = index;
      stamp = index + 1;
      matched.length = 0;
      matchedReasons.length = 0;
      matchLinks(entry);
      matchTitle(entry, sourceId);
      if (entry.signature) matchText(entry, entry.signature, sourceId);
      if (entry.language !== null && entry.names.length + entry.links.length > 0) matchNames(entry, entry.language, sourceId);
      for (let m = 0; m < matched.length; m += 1) {
        const other = matched[m] as number;
        if (!reasons.has(index)) reasons.set(index, { matched: other, reason: matchedReasons[m] as MatchReason });
        forest.union(index, other);
      }
    },
  };
}

/**
 * One assignment per group holding a fresh item, in the order of each group's first entry. A group is
 * a run of one array of entries, not an object, a list and a set each (issue 15: a first import made
 * 16,346 groups, with the assignments, the height of its grouping's heap).
 */
function toAssignments(items: readonly ClusterItem[], forest: Forest, reasons: MatchReasons): StoryAssignment[] {
  const count = items.length;
  const groupOf = new Int32Array(count);
  const groupOfRoot = new Int32Array(count).fill(-1);
  let groupCount = 0;
  for (let index = 0; index < count; index += 1) {
    const root = forest.find(index);
    if (groupOfRoot[root] === -1) groupOfRoot[root] = groupCount++;
    groupOf[index] = groupOfRoot[root] as number;
  }
  // Group g's entries, in index order, are members[starts[g]..starts[g + 1]).
  const starts = new Int32Array(groupCount + 1);
  for (let index = 0; index < count; index += 1) starts[(groupOf[index] as number) + 1] = (starts[(groupOf[index] as number) + 1] as number) + 1;
  for (let group = 0; group < groupCount; group += 1) starts[group + 1] = (starts[group + 1] as number) + (starts[group] as number);
  const members = new Int32Array(count);
  const filled = starts.slice(0, groupCount);
  for (let index = 0; index < count; index += 1) {
    const group = groupOf[index] as number;
    members[filled[group] as number] = index;
    filled[group] = (filled[group] as number) + 1;
  }
  const assignments: StoryAssignment[] = [];
  const groupFresh: number[] = [];
  for (let group = 0; group < groupCount; group += 1) {
    groupFresh.length = 0;
    let stories: Set<number> | null = null;
    for (let at = starts[group] as number; at < (starts[group + 1] as number); at += 1) {
      const index = members[at] as number;
      const storyId = (items[index] as ClusterItem).storyId;
      if (storyId === null) groupFresh.push(index);
      else (stories ??= new Set()).add(storyId);
    }
    if (groupFresh.length === 0 && (stories === null || stories.size < 2)) continue;
    const sorted = stories === null ? [] : [...stories].sort((a, b) => a - b);
    const first = groupFresh[0];
    assignments.push({
      storyId: sorted[0] ?? null,
      firstItemId: sorted.length > 0 || first === undefined ? '' : (items[first] as ClusterItem).id,
      itemIds: groupFresh.map((index) => (items[index] as ClusterItem).id),
      mergedStoryIds: sorted.slice(1),
      reasons: groupFresh.flatMap((index) => {
        const reason = reasons.get(index);
        return reason ? [{ itemId: (items[index] as ClusterItem).id, matchedId: (items[reason.matched] as ClusterItem).id, reason: reason.reason }] : [];
      }),
    });
  }
  return assignments;
}

/**
 * Which stored items grouping `fresh` reads (issue 15: a cycle held and prepared the whole window,
 * 17,680 items after an import, to group a few new ones). groupItems reads a stored item only
 * through a list of the items that hold one key (a page, an outbound link, a title, an LSH band, a
 * name): a list a fresh item looks up, or the page list of a link of an item that links to a fresh
 * item's page (linksOneStory). It reads at most the latest maxPostings items of a list, or skips a
 * list longer than that; so the latest maxPostings + 1 stored holders of each such key, in the
 * window's order, give the decisions of the whole window.
 */
export interface CandidateCollector {
  /** Takes each stored item of the window, in the order the window is read (first seen, then id). */
  offer(item: ClusterItem): void;
  /** The items kept, in the order they were offered. */
  candidates(): ClusterItem[];
}

/**
 * The first read of the window: the holders of the keys the fresh items look up. The keys are made
 * when the first stored item is offered: an empty window (a first import) makes none.
 */
export function collectCandidates(
  fresh: readonly ClusterItem[],
  options: ClusterOptions = DEFAULT_CLUSTER_OPTIONS,
  features: ClusterFeatures = createClusterFeatures(options),
): CandidateCollector {
  const { of } = features as FeatureCache;
  const lookupsOf = (): Set<string> => {
    const lookups = new Set<string>();
    for (const item of fresh) {
      const entry = of(item);
      for (const key of keysOf(entry, options)) lookups.add(key);
      // A fresh item's links are looked up among the stored items' pages.
      for (const link of entry.links) lookups.add(`u ${link}`);
      if (entry.storyLink !== null) lookups.add(`o ${entry.storyLink}`);
    }
    return lookups;
  };
  return holdersOf(lookupsOf, (item) => keysOf(of(item), options), new Set(), options);
}

/**
 * The second read of the window, or null when none is needed: the candidates again, and the holders
 * of the pages linked by the candidates that link to a fresh item's page.
 */
export function collectLinkedPages(
  fresh: readonly ClusterItem[],
  candidates: readonly ClusterItem[],
  options: ClusterOptions = DEFAULT_CLUSTER_OPTIONS,
  features: ClusterFeatures = createClusterFeatures(options),
): CandidateCollector | null {
  const freshPages = new Set(fresh.flatMap((item) => (isStoryUrl(item.link) ? [item.link] : [])));
  const lookups = new Set<string>();
  for (const item of candidates) {
    const entry = (features as FeatureCache).of(item);
    if (entry.links.some((link) => freshPages.has(link))) for (const link of entry.links) lookups.add(`u ${link}`);
  }
  if (lookups.size === 0) return null;
  const pinned = new Set(candidates.map((item) => item.id));
  return holdersOf(() => lookups, (item) => (isStoryUrl(item.link) ? [`u ${item.link}`] : []), pinned, options);
}

/** The keys of the lists an item is in (insert in groupItems), each once. */
function keysOf(entry: Features, options: ClusterOptions): string[] {
  const keys: string[] = [];
  if (entry.storyLink !== null) keys.push(`u ${entry.storyLink}`);
  for (const link of entry.links) keys.push(`o ${link}`);
  if (entry.titleWords >= options.minTitleWords) keys.push(`t ${entry.title}`);
  for (const band of bandsOf(entry)) keys.push(`b ${band}`);
  for (const name of entry.names) keys.push(`n ${name}`);
  return keys;
}

function holdersOf(
  lookupsOf: () => ReadonlySet<string>,
  keysOfItem: (item: ClusterItem) => readonly string[],
  pinned: ReadonlySet<string>,
  options: ClusterOptions,
): CandidateCollector {
  const limit = options.maxPostings + 1;
  /** The latest holders of each key looked up, oldest first. */
  const holders = new Map<string, ClusterItem[]>();
  /** Each item kept, with the number of lists that keep it (Infinity: pinned); in the order offered. */
  const kept = new Map<ClusterItem, number>();
  let lookups: ReadonlySet<string> | null = null;
  return {
    offer(item) {
      lookups ??= lookupsOf();
      if (pinned.has(item.id)) kept.set(item, Infinity);
      for (const key of keysOfItem(item)) {
        if (!lookups.has(key)) continue;
        let list = holders.get(key);
        if (list === undefined) holders.set(key, (list = []));
        list.push(item);
        kept.set(item, (kept.get(item) ?? 0) + 1);
        if (list.length > limit) {
          const dropped = list.shift() as ClusterItem;
          const count = (kept.get(dropped) as number) - 1;
          if (count === 0) kept.delete(dropped);
          else kept.set(dropped, count);
        }
      }
    },
    candidates: () => [...kept.keys()],
  };
}

/**
 * The items that hold one key, in the order inserted: a key held by one item keeps its bare index
 * (issue 15: most names, titles and pages of a first import are held by one item, and an array for
 * each cost more than its key).
 */
type Postings = number | number[];

const NO_POSTINGS: readonly number[] = [];

function listOf(postings: Postings | undefined): readonly number[] {
  return postings === undefined ? NO_POSTINGS : typeof postings === 'number' ? [postings] : postings;
}

const NO_BANDS: readonly number[] = [];

const RADIX_BITS = 11;
const RADIX = 1 << RADIX_BITS;

/** The entries that share an LSH band with an entry, inserted before it. */
interface BandBuckets {
  /** They are holders[start..end), in the order inserted. */
  before(index: number, band: number): { readonly holders: Int32Array; readonly start: number; readonly end: number };
}

/**
 * The LSH buckets of a grouping, built once: for each band, the entries with a signature sorted by
 * that band's hash, then by index (issue 15: a map of a first import's 283,000 band keys, each a heap
 * number with its list, took 10 MB; these arrays take 4 bytes an entry a band four times). groupItems
 * inserts its entries in index order, so the bucket an entry reads, the holders of its band key
 * inserted before it, is the run of its hash below its own index, in the same order.
 */
function indexBands(all: readonly Features[]): BandBuckets {
  const hashes = new Uint32Array(all.length * BANDS);
  const signed: number[] = [];
  for (let index = 0; index < all.length; index += 1) {
    const signature = (all[index] as Features).signature;
    if (signature === null) continue;
    signed.push(index);
    const keys = toBandKeys(signature);
    for (let band = 0; band < BANDS; band += 1) hashes[index * BANDS + band] = (keys[band] as number) - band * 0x100000000;
  }
  // A stable radix sort by hash, of entries listed in index order: sorted by hash, then index.
  const sorted = Array.from({ length: BANDS }, (_, band) => {
    let holders = Int32Array.from(signed);
    let spare = new Int32Array(holders.length);
    const counts = new Int32Array(RADIX + 1);
    for (let shift = 0; shift < 32; shift += RADIX_BITS) {
      counts.fill(0);
      for (let at = 0; at < holders.length; at += 1) {
        const other = holders[at] as number;
        const next = (((hashes[other * BANDS + band] as number) >>> shift) & (RADIX - 1)) + 1;
        counts[next] = (counts[next] as number) + 1;
      }
      for (let digit = 1; digit <= RADIX; digit += 1) counts[digit] = (counts[digit] as number) + (counts[digit - 1] as number);
      for (let at = 0; at < holders.length; at += 1) {
        const other = holders[at] as number;
        const digit = ((hashes[other * BANDS + band] as number) >>> shift) & (RADIX - 1);
        spare[counts[digit] as number] = other;
        counts[digit] = (counts[digit] as number) + 1;
      }
      [holders, spare] = [spare, holders];
    }
    return holders;
  });
  // Each entry's place in each band's order, and where its hash's run starts there: the bucket an entry
  // reads is the run up to its own place, found by two reads (issue 15: two binary searches an entry
  // and band, a quarter of groupItems' own time on a first import).
  const places = new Int32Array(all.length * BANDS);
  const runs = sorted.map((holders, band) => {
    const starts = new Int32Array(holders.length);
    let runStart = 0;
    for (let at = 0; at < holders.length; at += 1) {
      const other = holders[at] as number;
      if (at > 0 && hashes[other * BANDS + band] !== hashes[(holders[at - 1] as number) * BANDS + band]) runStart = at;
      starts[at] = runStart;
      places[other * BANDS + band] = at;
    }
    return starts;
  });
  return {
    before(index, band) {
      const end = places[index * BANDS + band] as number;
      return { holders: sorted[band] as Int32Array, start: (runs[band] as Int32Array)[end] as number, end };
    },
  };
}

function bandsOf(entry: Features): readonly number[] {
  return entry.signature === null ? NO_BANDS : toBandKeys(entry.signature);
}

const NONE: readonly string[] = [];

/**
 * Signatures per slab: 256 KiB, above the mmap threshold bin/veille.js holds glibc's at (128 KiB), so
 * that a slab is a mapping of its own, given back when the grouping lets it go.
 */
const SLAB_SIGNATURES = 1024;

/**
 * What the features of one grouping share (issue 15: a first import's grouping held, for each of its
 * 17,680 fresh items, its signature in an ArrayBuffer of its own, with the allocator's block behind
 * it, and its own copy of each name, link, language and date: 120,000 name strings for 7,400 names):
 * the signatures are views of a few slabs, and equal strings are held once.
 */
interface FeatureTables {
  /** The one string of this grouping equal to `text`. */
  intern(text: string): string;
  /** The item's MinHash, from its stored signature or computed, when it has minShingles shingles or more. */
  signatureOf(item: ClusterItem, minShingles: number): Uint32Array | null;
}

function createFeatureTables(): FeatureTables {
  const strings = new Map<string, string>();
  let slab = new Uint32Array(0);
  let used = SLAB_SIGNATURES;
  return {
    intern(text) {
      const found = strings.get(text);
      if (found !== undefined) return found;
      strings.set(text, text);
      return text;
    },
    signatureOf(item, minShingles) {
      if (used === SLAB_SIGNATURES) {
        slab = new Uint32Array(SLAB_SIGNATURES * SIGNATURE_SIZE);
        used = 0;
      }
      // Written at the slab's next place, which a signature left out is overwritten in (all its values).
      const at = used * SIGNATURE_SIZE;
      let shingles = item.textSignature ? decodeTextSignatureInto(item.textSignature, slab, at) : null;
      if (shingles === null) {
        const text = computeTextSignature(item.title, item.summary);
        slab.set(text.minHash, at);
        shingles = text.shingles;
      }
      if (shingles < minShingles) return null;
      used += 1;
      return slab.subarray(at, at + SIGNATURE_SIZE);
    },
  };
}

function computeFeatures(item: ClusterItem, options: ClusterOptions, tables: FeatureTables): Features {
  const title = normalizeTitle(item.title);
  const signature = tables.signatureOf(item, options.minShingles);
  // Each URL is parsed once: whether it can identify a story, and its host.
  const links = new Set<string>();
  let externalLinks = 0;
  const ownHost = item.link === null ? null : hostOf(item.link);
  for (const link of item.links) {
    if (link === item.link || links.has(link)) continue;
    const host = storyHostOf(link);
    if (host === undefined) continue;
    links.add(link);
    if (host !== ownHost) externalLinks += 1;
  }
  return {
    storyLink: isStoryUrl(item.link) ? item.link : null,
    time: Date.parse(item.publishedAt),
    signature,
    title,
    titleWords: title === '' ? 0 : countSpaces(title) + 1,
    numbers: readTitleNumbers(item.title),
    names: listed(extractNames(`${item.title}. ${item.summary}`), tables),
    links: links.size === 0 ? NONE : [...links],
    externalLinks,
    language: item.language === null ? null : tables.intern(item.language.toLowerCase().split(/[-_]/)[0] as string),
  };
}

/** title.split(' ').length - 1, without the list. */
function countSpaces(title: string): number {
  let count = 0;
  for (let at = title.indexOf(' '); at >= 0; at = title.indexOf(' ', at + 1)) count += 1;
  return count;
}

function listed(values: ReadonlySet<string>, tables: FeatureTables): readonly string[] {
  if (values.size === 0) return NONE;
  // Sized at once: pushed, a list of a few names took room for 17.
  const list = new Array<string>(values.size);
  let at = 0;
  for (const value of values) list[at++] = tables.intern(value);
  return list;
}
