// Feed text → normalized items in their language: the CPU-heavy part of a cycle (parse, sanitize,
// text, language detection), free of I/O and of shared state, so that it can run inline or in a
// worker thread.
import { normalizeChangedItems, normalizeSourceInfo } from '../clean/normalize.js';
import { decodeUtf8 } from '../fetch/charset.js';
import { computeTextSignature, encodeTextSignature } from '../cluster/features.js';
import type { Item, ParsedFeed } from '../domain/types.js';
import { languageSample, settleLanguage } from '../language/item-language.js';
import { parseFeed } from '../parse/parse-feed.js';
import { hashItemContent } from '../store/item-hash.js';
import { rawItemKeys } from './skip-keys.js';

export interface FeedJob {
  /**
   * The feed's text, or the bytes it is the UTF-8 of (fetch/charset.ts FeedText's utf8), decoded here
   * on the thread: the main thread then neither decodes the body nor copies its text into the message
   * (issue 15).
   */
  readonly text: string | Uint8Array;
  readonly contentType: string | null;
  /** The URL the text was fetched from, after redirects: base for relative links. */
  readonly url: string;
  readonly sourceKey: string;
  readonly sourceLang: string | null;
  /** The languages detection may choose (ISO 639-1): the site's, English and the sources'. */
  readonly languages: readonly string[];
  /** ISO 8601. */
  readonly fetchedAt: string;
  /**
   * The raw keys (skip-keys.ts rawItemKeys) of the source's stored items: an item whose key is here
   * is stored as the feed still carries it, and is only identified, not cleaned, detected or tagged.
   */
  readonly knownItems?: readonly string[];
}

/** The feed's title and link, and its hints for the schedule (ttl, sy:updatePeriod, skipHours, skipDays). */
export interface ProcessedFeed extends Pick<ParsedFeed, 'title' | 'link' | 'ttlMinutes' | 'updatePeriodMinutes' | 'skipHours' | 'skipDays' | 'websub'> {
  /** One record per new or changed item, in the feed's order: it crosses to the main thread as plain data (structured clone). */
  readonly items: readonly ProcessedItem[];
  /** The ids of the items the feed carries unchanged (their raw key in job.knownItems): stored as they are. */
  readonly unchangedIds: readonly string[];
}

/** One item as processing left it, with what the tagger and the store need of it. */
export interface ProcessedItem {
  /** Its language settled by the language stage. */
  readonly item: Item;
  /** Plain text of its content, for the tagger. */
  readonly contentText: string;
  /** hashItemContent(item). */
  readonly contentHash: string;
  /** The cluster stage's encoded text signature of the title and summary, stored for grouping. */
  readonly textSignature: Uint8Array;
  /** Its raw key (skip-keys.ts), stored: the next fetch that finds it unchanged skips it. */
  readonly rawHash: string;
}

export async function processFeed(job: FeedJob): Promise<ProcessedFeed> {
  const text = typeof job.text === 'string' ? job.text : decodeUtf8(job.text);
  const feed = await parseFeed(text, { contentType: job.contentType, url: job.url });
  const rawHashes = rawItemKeys(feed, job);
  const known = new Set(job.knownItems ?? []);
  const { items: normalized, unchangedIds } = normalizeChangedItems(
    feed,
    { sourceKey: job.sourceKey, baseUrl: job.url, sourceLang: job.sourceLang, fetchedAt: new Date(job.fetchedAt) },
    (index) => known.has(rawHashes[index] ?? ''),
  );
  // The language stage: the declared language (normalize's) unless detection is confident.
  const items = normalized.map(({ index, normalized: { item: declared, contentText } }): ProcessedItem => {
    const text = languageSample(declared.title, declared.summary, contentText);
    const language = settleLanguage(declared.language, text, job.languages);
    const item = language === declared.language ? declared : { ...declared, language };
    return {
      item,
      contentText,
      contentHash: hashItemContent(item),
      textSignature: encodeTextSignature(computeTextSignature(item.title, item.summary)),
      rawHash: rawHashes[index] ?? '',
    };
  });
  // The feed's own title and site link reach status, OPML and Atom <source>: text and web URLs only.
  const info = normalizeSourceInfo(feed, job.url);
  return {
    title: info.title,
    link: info.siteUrl,
    ttlMinutes: feed.ttlMinutes,
    updatePeriodMinutes: feed.updatePeriodMinutes,
    skipHours: [...feed.skipHours],
    skipDays: [...feed.skipDays],
    ...(feed.websub !== undefined ? { websub: { hubs: [...feed.websub.hubs], self: feed.websub.self } } : {}),
    items,
    unchangedIds,
  };
}

/**
 * Where processFeed runs so that a feed overrunning its deadline can be stopped: the worker's pool
 * of threads (worker/process-pool.ts), handed to the cycle by whoever runs it.
 */
export interface FeedProcessor {
  /** Most threads in use at once. */
  readonly threads: number;
  process(job: FeedJob): Promise<ProcessedFeed>;
  /**
   * At most this many bodies are on their way (an import's sources, none stored yet): the threads
   * may start now, loading their modules while the first fetches are in flight, instead of on the
   * first body (issue 15). A cycle that expects none starts nothing.
   */
  expectBodies?(count: number): void;
  close(): Promise<void>;
}

export interface FeedProcessorOptions {
  /** At least 1. */
  readonly threads: number;
  /** How long one job may run on its thread, counted from when the thread takes it. */
  readonly deadlineMs: (job: FeedJob) => number;
  /** The script each thread runs: the compiled process-thread.js unless a test stands in another. */
  readonly threadScript?: URL;
}

export type FeedProcessorFactory = (options: FeedProcessorOptions) => FeedProcessor;

export { parseDeadlineMs } from './parse-deadline.js';
