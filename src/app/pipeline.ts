// One cycle: fetch the due sources, parse, normalize, tag and store their items, then publish.
// A source's failure is recorded on that source and never stops the others; a host that answers
// 429 or 503 with Retry-After is left alone until then, by every source on it.
import { defaultMaxListeners, setMaxListeners } from 'node:events';
import { dirname } from 'node:path';
import type { Config } from '../config/load-config.js';
import { describeError, isVeilleError, type ErrorCode } from '../domain/errors.js';
import type { Clock, Logger } from '../domain/ports.js';
import { publicUrl, sourceUrlKey } from '../domain/source-url.js';
import type { SourceSpec } from '../domain/types.js';
import type { PushedFeed } from '../domain/websub.js';
import { isFetchError } from '../fetch/fetch-error.js';
import { fetchFeed, type FetchOutcome, type FetchPolicy } from '../fetch/fetch-feed.js';
import { createHostLimiter, readHostKey, type HostLimiter } from '../fetch/host-limiter.js';
import { createHttpClient, type HttpClient } from '../fetch/http-client.js';
import { diskFullError, isDiskFull } from '../store/disk-full.js';
import type { SourceRecord } from '../domain/source.js';
import type { Store } from '../store/store.js';
import type { Tagger } from '../tag/tagger.js';
import type { Taxonomy } from '../tag/taxonomy.js';
import {
  capRetryAfter,
  decodeFeedHints,
  encodeFeedHints,
  isDue,
  nextFetchAfterFailure,
  nextFetchAfterSuccess,
} from './fetch-schedule.js';
import { groupStoredStories } from './group-stored-stories.js';
import type { FeedProcessor, FeedProcessorFactory, ProcessedFeed } from './process-feed.js';
import { processorOptions } from './parse-deadline.js';
import { publishFromStore } from './publish.js';
import { bodyKey } from './skip-keys.js';
import { translateRecent } from './translate-step.js';
import { fetchFullTexts, NO_FULL_TEXT, type FullTextSummary } from './full-text-step.js';
import type { Translator } from '../translate/translator.js';
import type { SummarizeSummary, Summarizer } from '../summarize/summarizer.js';
import { summarizeRecent } from './summarize-step.js';
import type { NotifySummary } from './notify-step.js';

/** `bytes`: feed body bytes received (before decompression); `durationMs`: the fetch, redirects included. */
export type SourceResult =
  | {
      readonly kind: 'ok';
      readonly inserted: number;
      readonly updated: number;
      readonly items: number;
      readonly bytes: number;
      readonly durationMs: number;
      /** True when the body was the one last processed: not parsed again, nothing stored but the check. */
      readonly sameBody?: boolean;
    }
  | { readonly kind: 'not-modified'; readonly bytes: 0; readonly durationMs: number }
  | { readonly kind: 'failed'; readonly code: ErrorCode; readonly message: string; readonly durationMs: number }
  /** Not fetched: its host asked (Retry-After) not to be contacted before `until`. */
  | { readonly kind: 'deferred'; readonly until: string }
  /** Not fetched, or its fetch abandoned, because the worker is stopping; nothing recorded. */
  | { readonly kind: 'stopped' };

export interface ProgressEvent {
  readonly source: SourceRecord;
  readonly result: SourceResult;
  readonly done: number;
  readonly total: number;
  readonly failed: number;
}

export interface CycleSummary {
  readonly startedAt: string;
  readonly durationMs: number;
  readonly sources: number;
  readonly due: number;
  readonly fetched: number;
  readonly notModified: number;
  readonly failed: number;
  /** Due sources left alone because their host asked to wait (HTTP 429/503 with Retry-After). */
  readonly deferred: number;
  readonly newItems: number;
  readonly updatedItems: number;
  readonly published: number;
  /** Article pages of teaser items (issue 16): fetched, failed (the feed's content stays), left for later. */
  readonly fullText: FullTextSummary;
  readonly failures: readonly { readonly url: string; readonly name: string | null; readonly code: ErrorCode; readonly message: string }[];
  /** The résumé step's run (issue 16); null when no summarizer is configured. */
  readonly summarized?: SummarizeSummary | null;
  /** The webhooks' step after publishing (issue 21, app/notify-step.ts); absent without notify targets. */
  readonly notified?: NotifySummary;
}

export interface CycleDeps {
  readonly config: Config;
  readonly store: Store;
  readonly taxonomy: Taxonomy;
  readonly sources: readonly SourceSpec[];
  readonly clock: Clock;
  readonly logger: Logger;
  /** The fetch policy of the configured sources (trusted: they may point anywhere, loopback included). */
  readonly policy: FetchPolicy;
  /** The policy of URLs found in feeds (article pages); default: `policy`, untrusted. */
  readonly untrustedPolicy?: FetchPolicy;
  readonly tagger: Tagger;
  /** The languages detection chooses among (the language stage and the tagger alike). */
  readonly languages: readonly string[];
  /** Titles and summaries in the site's language before publishing; null: none configured. */
  readonly translator: Translator | null;
  /** Résumés of stories with a member not in the site's language (issue 16); null or absent: none configured. */
  readonly summarizer?: Summarizer | null;
  /** Fetch every active source, due or not. */
  readonly force?: boolean;
  /** Aborted when the worker stops: no new fetch starts. */
  readonly signal?: AbortSignal;
  /** Aborted when fetches in flight are abandoned (default: with `signal`); they stay due. */
  readonly abandon?: AbortSignal;
  readonly onProgress?: (event: ProgressEvent) => void;
  /** Starts the threads feeds are processed on (the worker's pool: worker/process-pool.ts). */
  readonly processors: FeedProcessorFactory;
  /**
   * Bodies a WebSub hub pushed (issue 21), by source id: only these sources are processed, each from
   * its pushed body instead of a fetch, through the same steps as a fetched feed.
   */
  readonly pushed?: ReadonlyMap<number, PushedFeed>;
}

export async function runCycle(deps: CycleDeps): Promise<CycleSummary> {
  const { config, store, clock, logger } = deps;
  const started = clock.now();
  const startedMs = performance.now();
  const active = store.syncSources(deps.sources, started.toISOString());
  const pushed = deps.pushed ?? null;
  const due = active.filter((source) => (pushed !== null ? pushed.has(source.id) : deps.force === true || isDue(source.nextFetchAt, started)));
  // Sources whose hub pushes to veille are polled at the slowest interval, as a safety net (issue 21).
  const subscribed = store.websub().pushedSourceIds(started.toISOString());
  const { policy, tagger, languages, translator } = deps;
  const hostHolds = new Map(
    store.listHostDeferrals(started.toISOString()).map((deferral) => [deferral.host, Date.parse(deferral.notBefore)]),
  );
  const limiter = createHostLimiter({
    globalConcurrency: config.fetch.concurrency,
    perHostConcurrency: config.fetch.perHostConcurrency,
    perHostDelayMs: config.fetch.perHostDelayMs,
  });
  const specs = new Map(deps.sources.map((spec) => [sourceUrlKey(spec.url), spec]));
  const fetcher = createSourceFetcher({ ...deps, specs, limiter, hostHolds, subscribed });
  // A source never fetched answers with a body (an import): the threads start now and load their
  // modules while the first requests are in flight. Every other source may answer 304 or the body
  // already processed, and a thread starts on the first body that needs one.
  fetcher.expectBodies(pushed !== null ? due.length : due.filter((source) => source.lastAttemptAt === null).length);

  let done = 0;
  let failedCount = 0;
  const results = new Map<number, SourceResult>();
  const failures: CycleSummary['failures'][number][] = [];
  try {
    await Promise.all(
      due.map((source) =>
        (async () => {
          const result = await fetcher.fetch(source);
          results.set(source.id, result);
          done += 1;
          if (result.kind === 'failed') {
            failedCount += 1;
            failures.push({ url: publicUrl(source.url), name: source.name, code: result.code, message: result.message });
          }
          deps.onProgress?.({ source, result, done, total: due.length, failed: failedCount });
        })(),
      ),
    );
  } finally {
    await fetcher.close();
  }
  const diskFull = fetcher.diskFull;
  const dataFolder = dirname(config.storagePath);
  if (diskFull.error !== null) throw diskFullError(diskFull.error, dataFolder, "storing the sources' items");
  const { fullText, published, summarized } = await publishFetched({ ...deps, active, specs, limiter, hostHolds });

  let newItems = 0;
  let updatedItems = 0;
  let notModified = 0;
  let fetched = 0;
  let deferred = 0;
  for (const result of results.values()) {
    if (result.kind === 'ok') {
      fetched += 1;
      newItems += result.inserted;
      updatedItems += result.updated;
    } else if (result.kind === 'not-modified') {
      notModified += 1;
    } else if (result.kind === 'deferred') {
      deferred += 1;
    }
  }
  return {
    startedAt: started.toISOString(),
    durationMs: Math.round(performance.now() - startedMs),
    sources: active.length,
    due: due.length,
    fetched,
    notModified,
    failed: failedCount,
    deferred,
    newItems,
    updatedItems,
    published,
    fullText,
    failures,
    ...(summarized !== null ? { summarized } : {}),
  };
}

/** What a cycle does once its sources are fetched (the publisher's part with several processes, issue 20). */
export interface PublishFetchedDeps extends CycleDeps {
  readonly active: readonly SourceRecord[];
  readonly specs: ReadonlyMap<string, SourceSpec>;
  readonly limiter: HostLimiter;
  readonly hostHolds: Map<string, number>;
}

/**
 * The article pages of teaser items, the stories, translations and résumés of what was stored,
 * then the site: the second half of a cycle.
 */
export async function publishFetched(
  deps: PublishFetchedDeps,
): Promise<{ readonly fullText: FullTextSummary; readonly published: number; readonly summarized: SummarizeSummary | null }> {
  const { config, store, clock, logger, translator } = deps;
  const dataFolder = dirname(config.storagePath);

  // Before grouping: the article pages' text and links feed the tagger and the story grouping.
  const fullText = await fetchCycleFullTexts(deps, dataFolder);

  let published: number;
  let summarized: SummarizeSummary | null = null;
  try {
    // Same story across sources and languages: new items join stories before they are published.
    const grouping = groupStoredStories(store, clock.now());
    logger.info({ ...grouping }, 'stories grouped');
    // Titles and summaries in the site's language before they are published (a failing provider only delays them).
    if (translator !== null && deps.signal?.aborted !== true) await translateRecent(translator, deps, deps.signal ? { signal: deps.signal } : {});
    // Résumés from all the members' texts, checked before they are stored (a failing provider only delays them).
    const summarizer = deps.summarizer ?? null;
    if (summarizer !== null && deps.signal?.aborted !== true) summarized = await summarizeRecent(summarizer, deps, deps.signal ? { signal: deps.signal } : {});
    published = await publishFromStore({
      config,
      store,
      taxonomy: deps.taxonomy,
      builtAt: clock.now(),
      translator,
      summarizer,
    });
    store.checkpoint();
  } catch (error) {
    // Publishing wraps its own write errors (PUBLISH_FAILED); SQLite's "database or disk is full" is the store's.
    if (isDiskFull(error) && !isVeilleError(error)) throw diskFullError(error, dataFolder, 'grouping and publishing the stored items');
    throw error;
  }

  return { fullText, published, summarized };
}

/** What fetching sources one by one needs: the cycle's parts, and the politeness and holds it shares. */
export interface FetcherDeps
  extends Pick<CycleDeps, 'config' | 'store' | 'clock' | 'logger' | 'policy' | 'tagger' | 'languages' | 'signal' | 'abandon' | 'processors' | 'pushed'> {
  /** The configured sources by sourceUrlKey of their URL. */
  readonly specs: ReadonlyMap<string, SourceSpec>;
  /** Politeness: this process's own (a cycle), or one shared through the database (fetch workers, issue 20). */
  readonly limiter: HostLimiter;
  /** Host key → epoch ms before which it is not contacted (Retry-After); filled from the store and by the fetches. */
  readonly hostHolds: Map<string, number>;
  /** The sources a WebSub hub pushes (an active lease): polled at fetch.maxIntervalMinutes. None if absent. */
  readonly subscribed?: ReadonlySet<number>;
}

/** Fetches, processes and stores one source at a time, many at once; `close` ends its client and threads. */
export interface SourceFetcher {
  fetch(source: SourceRecord): Promise<SourceResult>;
  /** Set by the first source that finds the disk full: no source is blamed, the caller ends. */
  readonly diskFull: { readonly error: unknown };
  /** At most this many bodies are coming: the processing threads may start now (FeedProcessor.expectBodies). */
  expectBodies(count: number): void;
  close(): Promise<void>;
}

export function createSourceFetcher(deps: FetcherDeps): SourceFetcher {
  const { config, logger } = deps;
  const client = createHttpClient(deps.policy);
  // The host limiter covers the network only: its slot is free again once the body is in, while
  // parsing, tagging and storing go on. A fetch also takes a permit, kept until its items are
  // stored, so that slow processing holds back new fetches instead of piling up bodies in memory.
  const permits = createPermits(config.fetch.concurrency * PERMITS_PER_FETCH_SLOT);
  // Each fetch in flight listens to the stop signal until it ends, so fetch.concurrency listeners at
  // once is the design, not a leak: Node's warning past 10 ("MaxListenersExceededWarning") would
  // say otherwise on every `veille start` with the default 16.
  const inFlight = deps.abandon ?? deps.signal;
  if (inFlight) setMaxListeners(Math.max(defaultMaxListeners, config.fetch.concurrency + STOP_LISTENERS_BESIDE_FETCHES), inFlight);
  // Always threads, even for one due source: a feed that overruns its deadline is stopped there
  // while the main thread goes on answering HTTP and processing the other sources.
  const processor = deps.processors(processorOptions(config.processing));
  const diskFull: DiskFull = { error: null };
  const context: SourceContext = { ...deps, client, processor, permits, diskFull, subscribed: deps.subscribed ?? new Set() };
  return {
    diskFull,
    async fetch(source) {
      const result = await processSource(source, context);
      // A failure is named at warn; the other sources' lines are detail (debug), and the cycle's
      // summary (info) counts them: 200 lines of "not modified" each cycle said nothing an operator
      // acts on, and writing them cost a one-shot run 30 to 140 ms (issue 15), as Miniflux keeps its
      // per-feed refresh lines at debug.
      if (result.kind === 'failed') {
        logger.warn({ source: publicUrl(source.url), code: result.code }, result.message);
      } else {
        logger.debug({ source: publicUrl(source.url), ...result, result: result.kind }, 'source done');
      }
      return result;
    },
    expectBodies: (count) => {
      if (count > 0) processor.expectBodies?.(count);
    },
    close: async () => {
      await Promise.all([client.close(), processor.close()]);
    },
  };
}

/**
 * The full-text step with its own client (untrusted: every hop under the address policy) and the
 * cycle's host limiter and holds. A failure of the step is logged, never the cycle's.
 */
async function fetchCycleFullTexts(
  deps: CycleDeps & { readonly active: readonly SourceRecord[]; readonly specs: ReadonlyMap<string, SourceSpec>; readonly limiter: HostLimiter; readonly hostHolds: Map<string, number> },
  dataFolder: string,
): Promise<FullTextSummary> {
  const { config } = deps;
  if (deps.signal?.aborted === true || config.fullText.maxPerCycle === 0) return NO_FULL_TEXT;
  const policy: FetchPolicy = { ...(deps.untrustedPolicy ?? deps.policy), untrusted: true, maxBytes: config.fullText.maxBytes };
  const client = createHttpClient(policy);
  try {
    return await fetchFullTexts({
      config,
      store: deps.store,
      clock: deps.clock,
      logger: deps.logger,
      sources: deps.active,
      modeOf: (key) => deps.specs.get(sourceUrlKey(key))?.fullText ?? 'auto',
      tagger: deps.tagger,
      policy,
      client,
      limiter: deps.limiter,
      hostHolds: deps.hostHolds,
      ...(deps.signal ? { signal: deps.signal } : {}),
    });
  } catch (error) {
    if (isDiskFull(error)) throw diskFullError(error, dataFolder, 'storing the article pages');
    deps.logger.error({ err: error }, `full text: the step failed, the feeds' content stays (${describeError(error)})`);
    return NO_FULL_TEXT;
  } finally {
    await client.close();
  }
}

interface SourceContext extends FetcherDeps {
  readonly client: HttpClient;
  readonly processor: FeedProcessor;
  readonly permits: Permits;
  /** Set by the first source that finds the disk full: the cycle ends, no source is blamed. */
  readonly diskFull: DiskFull;
  /** The sources a WebSub hub pushes (an active lease): polled at fetch.maxIntervalMinutes. */
  readonly subscribed: ReadonlySet<number>;
}

interface DiskFull {
  error: unknown;
}

/** Listeners on the stop signal besides the fetches': the translation step's and the digest's. */
const STOP_LISTENERS_BESIDE_FETCHES = 4;

/**
 * Feeds being fetched or fetched and not yet stored, per slot of fetch.concurrency. One: while the
 * processing keeps up, every slot fetches; when it does not (a first import on a fast network), the
 * bodies that wait for a thread hold back new fetches at fetch.concurrency feeds in memory, not twice
 * that (issue 15: bench:peers' 1st cycle, 16 slots, peak 147.4 → 143.3 MB, medians of 5 interleaved
 * runs at load 4–5, the same CPU within their noise).
 */
const PERMITS_PER_FETCH_SLOT = 1;

interface Permits {
  /** Resolves with the function that gives the permit back. */
  acquire(): Promise<() => void>;
}

function createPermits(size: number): Permits {
  let free = Math.max(1, size);
  const waiting: Array<() => void> = [];
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else free += 1;
  };
  return {
    acquire: () =>
      new Promise((resolve) => {
        const grant = (): void => resolve(once(release));
        if (free > 0) {
          free -= 1;
          grant();
        } else {
          waiting.push(grant);
        }
      }),
  };
}

function once(action: () => void): () => void {
  let done = false;
  return () => {
    if (!done) {
      done = true;
      action();
    }
  };
}

/** What the fetch step of one source came to: not tried (the worker stops, or its host asked to wait), or the fetch's outcome. */
type FetchStep = { readonly kind: 'stopped' } | { readonly kind: 'deferred'; readonly until: string } | FetchOutcome;

/** RFC 9110 §10.2.3 and RFC 6585 §4: with these statuses, Retry-After speaks for the whole server. */
const HOST_DEFERRING_STATUSES: ReadonlySet<number> = new Set([429, 503]);

async function processSource(source: SourceRecord, context: SourceContext): Promise<SourceResult> {
  const { store, clock, config } = context;
  let attemptAt = clock.now();
  const spec = context.specs.get(sourceUrlKey(source.key)) ?? context.specs.get(sourceUrlKey(source.url));
  let fetchStarted = performance.now();
  let durationMs: number | null = null;
  let releasePermit = (): void => undefined;
  try {
    // The host's Retry-After is checked when the slot is granted: a 429 may arrive while this waits.
    const step = await context.limiter.run(source.url, async (): Promise<FetchStep> => {
      // Waiting for a permit keeps the host slot: that is the back-pressure on fetching.
      releasePermit = await context.permits.acquire();
      attemptAt = clock.now();
      fetchStarted = performance.now();
      if (context.signal?.aborted) return { kind: 'stopped' };
      const push = context.pushed?.get(source.id);
      if (push !== undefined) return pushedOutcome(source, push);
      const heldUntil = context.hostHolds.get(readHostKey(source.url));
      if (heldUntil !== undefined && heldUntil > attemptAt.getTime()) return { kind: 'deferred', until: new Date(heldUntil).toISOString() };
      return fetchFeed(
        source.url,
        { etag: source.etag, lastModified: source.lastModified },
        context.policy,
        {
          client: context.client,
          now: () => clock.now(),
          // The configured URL's origin is trusted, not that of a URL the source moved to (a 301 may lead anywhere).
          trustedUrl: spec?.url ?? source.key,
          ...(context.abandon ?? context.signal ? { signal: context.abandon ?? context.signal } : {}),
        },
      );
    });
    switch (step.kind) {
      case 'stopped':
        return step;
      case 'deferred':
        if (source.nextFetchAt === null || source.nextFetchAt < step.until) store.postponeSource(source.id, step.until);
        return step;
      case 'not-modified':
        durationMs = step.durationMs;
        return recordNotModified(source, step, attemptAt, context);
      case 'ok':
        durationMs = step.durationMs;
        return await storeFeed(source, step, attemptAt, spec?.lang ?? source.lang, context);
      default:
        return unreachable(step);
    }
  } catch (error) {
    // A fetch abandoned because the worker stops is no failure of the source: it stays due.
    if ((context.abandon ?? context.signal)?.aborted && !isVeilleError(error)) return { kind: 'stopped' };
    // Nor is a full disk (SQLITE_FULL, ENOSPC): no back-off is recorded, the cycle ends and says
    // so (issue 13, finding 10: it was INTERNAL on the source, and run exited 0).
    if (isDiskFull(error) || context.diskFull.error !== null) {
      context.diskFull.error ??= error;
      return { kind: 'stopped' };
    }
    if (!isVeilleError(error)) context.logger.error({ source: publicUrl(source.url), err: error }, 'unexpected error');
    const code: ErrorCode = isVeilleError(error) ? error.code : 'INTERNAL';
    const message = describeError(error);
    const now = clock.now();
    const retryAfterMs = isFetchError(error) ? capRetryAfter(error.retryAfterMs, config.fetch) : null;
    if (isFetchError(error) && retryAfterMs !== null && HOST_DEFERRING_STATUSES.has(error.httpStatus ?? 0)) {
      deferHost(context, readHostKey(error.url), now.getTime() + retryAfterMs, `HTTP ${error.httpStatus} Retry-After`, now);
    }
    try {
      store.transaction(() => {
        store.recordAttempt(source.id, attemptAt.toISOString());
        store.recordFailure(source.id, {
          at: now.toISOString(),
          code,
          message,
          nextFetchAt: nextFetchAfterFailure(now, config.fetch, source.consecutiveFailures + 1, retryAfterMs).toISOString(),
        });
      });
    } catch (recordError) {
      if (!isDiskFull(recordError)) throw recordError;
      context.diskFull.error ??= recordError;
      return { kind: 'stopped' };
    }
    return { kind: 'failed', code, message, durationMs: durationMs ?? Math.round(performance.now() - fetchStarted) };
  } finally {
    releasePermit();
  }
}

/**
 * A pushed body as the fetch step would have returned it: the source's validators and URL stay as
 * they are (the next poll is still conditional), and it is marked so that nothing is rescheduled.
 */
function pushedOutcome(source: SourceRecord, push: PushedFeed): Extract<FetchOutcome, { kind: 'ok' }> {
  return {
    kind: 'ok',
    httpStatus: 200,
    requestedUrl: source.url,
    finalUrl: source.url,
    permanentUrl: null,
    etag: source.etag,
    lastModified: source.lastModified,
    hints: { maxAgeSeconds: null, retryAfterMs: null },
    durationMs: 0,
    text: push.text,
    charset: 'utf-8',
    contentType: push.contentType,
    bytes: Buffer.byteLength(push.text),
    receivedBytes: push.receivedBytes,
  };
}

/** The fetch schedule's bounds for a source: the slowest interval when its hub pushes (a safety net). */
function scheduleBounds(source: SourceRecord, context: SourceContext): Config['fetch'] {
  const { fetch } = context.config;
  return context.subscribed.has(source.id) ? { ...fetch, minIntervalMinutes: fetch.maxIntervalMinutes } : fetch;
}

/** A 304 is not parsed: the feed's own hints come from its last full fetch. */
function recordNotModified(
  source: SourceRecord,
  outcome: Extract<FetchOutcome, { kind: 'not-modified' }>,
  attemptAt: Date,
  context: SourceContext,
): SourceResult {
  const { store, config } = context;
  const now = context.clock.now();
  const nextFetchAt = nextFetchAfterSuccess(now, scheduleBounds(source, context), {
    ...decodeFeedHints(source.feedHints),
    maxAgeSeconds: outcome.hints.maxAgeSeconds,
  }).toISOString();
  const check = { at: now.toISOString(), nextFetchAt, etag: outcome.etag, lastModified: outcome.lastModified };
  if (outcome.permanentUrl === null) {
    store.recordNotModified(source.id, check);
  } else {
    // One commit, as a fetched feed's bookkeeping (storeFeed).
    store.transaction(() => {
      store.recordAttempt(source.id, attemptAt.toISOString());
      store.recordSuccess(source.id, { ...check, movedTo: outcome.permanentUrl });
    });
  }
  return { kind: 'not-modified', bytes: 0, durationMs: outcome.durationMs };
}

/** A fetched feed: processed on a thread, tagged, its items stored, the source's schedule updated. */
async function storeFeed(
  source: SourceRecord,
  outcome: Extract<FetchOutcome, { kind: 'ok' }>,
  attemptAt: Date,
  sourceLang: string | null,
  context: SourceContext,
): Promise<SourceResult> {
  const { store } = context;
  const now = context.clock.now();
  const isPush = context.pushed?.has(source.id) === true;
  const bounds = scheduleBounds(source, context);
  // A push changes nothing of the polling schedule.
  const nextFetch = (hints: Parameters<typeof nextFetchAfterSuccess>[2]): string =>
    isPush && source.nextFetchAt !== null ? source.nextFetchAt : nextFetchAfterSuccess(now, bounds, hints).toISOString();
  const processing = {
    contentType: outcome.contentType,
    // The base of relative links and the name in parse errors: a link resolved against the URL
    // as fetched would carry its user name, password or token into published items.
    url: publicUrl(outcome.finalUrl),
    sourceKey: source.key,
    sourceLang,
    languages: context.languages,
  };
  // A publisher without validators (no ETag, no Last-Modified) sends the same bytes again: the
  // items, stories and site they made are stored already (issue 15). One hash, one row update.
  const key = bodyKey(outcome.utf8 ?? outcome.text, processing);
  if (key === source.bodyHash) {
    store.transaction(() => {
      if (!isPush) store.recordAttempt(source.id, attemptAt.toISOString());
      store.recordSuccess(source.id, {
        at: now.toISOString(),
        nextFetchAt: nextFetch({ ...decodeFeedHints(source.feedHints), maxAgeSeconds: outcome.hints.maxAgeSeconds }),
        etag: outcome.etag,
        lastModified: outcome.lastModified,
        movedTo: outcome.permanentUrl,
      });
    });
    return { kind: 'ok', inserted: 0, updated: 0, items: 0, bytes: outcome.receivedBytes, durationMs: outcome.durationMs, sameBody: true };
  }
  const feed = await context.processor.process({
    ...processing,
    // The bytes when they are the text's UTF-8: the thread decodes them, the main thread never does.
    text: outcome.utf8 ?? outcome.text,
    fetchedAt: now.toISOString(),
    knownItems: await store.itemRawHashes(source.id),
  });
  // An item whose article page was fetched is tagged from it, also when the feed edits the item.
  const fullTexts = await store.fullTexts().textsOf(feed.items.map(({ item }) => item.id));
  const tagged = tagProcessedItems(feed.items, context.tagger, source.url, fullTexts);
  const feedHints = {
    ttlMinutes: feed.ttlMinutes,
    updatePeriodMinutes: feed.updatePeriodMinutes,
    skipHours: feed.skipHours,
    skipDays: feed.skipDays,
  };
  // The items and the source's bookkeeping in one transaction (issue 20): one commit, where each
  // write was its own (on PostgreSQL, a round trip each). The attempt is recorded here too: a fetch
  // that fails on the way records it with its failure. On PostgreSQL this thread does not wait for the commit.
  const saved = await store.transactionCommitted(() => {
    if (!isPush) store.recordAttempt(source.id, attemptAt.toISOString());
    const result = store.saveItems(source.id, tagged, now.toISOString());
    store.touchItems(feed.unchangedIds, now.toISOString());
    store.recordSuccess(source.id, {
      at: now.toISOString(),
      nextFetchAt: nextFetch({ ...feedHints, maxAgeSeconds: outcome.hints.maxAgeSeconds }),
      etag: outcome.etag,
      lastModified: outcome.lastModified,
      siteUrl: feed.link,
      feedTitle: feed.title,
      movedTo: outcome.permanentUrl,
      feedHints: encodeFeedHints(feedHints),
      bodyHash: key,
    });
    if (!isPush) {
      // W3C WebSub §4: the hub and the topic (the self URL, else the URL fetched) the feed declares.
      const hub = feed.websub?.hubs[0];
      store.websub().recordDiscovery(source.id, hub === undefined ? null : { hub, topic: feed.websub?.self ?? outcome.finalUrl }, now.toISOString());
      // A hub that should have pushed these: noticed, shown in status.
      if (context.subscribed.has(source.id) && result.inserted > 0) store.websub().recordMissed(source.id, result.inserted, now.toISOString());
    }
    return result;
  });
  return {
    kind: 'ok',
    inserted: saved.inserted,
    updated: saved.updated,
    items: feed.items.length + feed.unchangedIds.length,
    bytes: outcome.receivedBytes,
    durationMs: outcome.durationMs,
  };
}

/** The default of an exhaustive switch: a type error when a case is missing. */
function unreachable(value: never): never {
  throw new Error(`pipeline: unexpected fetch step ${JSON.stringify(value)}`);
}

/** Other sources on the host wait, in this cycle (the map) and the next ones (the store). */
function deferHost(context: SourceContext, host: string, untilMs: number, reason: string, now: Date): void {
  const previous = context.hostHolds.get(host) ?? 0;
  if (untilMs <= previous) return;
  context.hostHolds.set(host, untilMs);
  context.store.deferHost({ host, notBefore: new Date(untilMs).toISOString(), reason }, now.toISOString());
  context.logger.warn({ host, until: new Date(untilMs).toISOString() }, `fetch: ${host} asked to wait; its other sources are deferred`);
}

/** A processed feed's items with their themes, as the store takes them. */
export function tagProcessedItems(
  items: ProcessedFeed['items'],
  tagger: Tagger,
  sourceUrl: string,
  fullTexts: ReadonlyMap<string, string> = new Map(),
) {
  return items.map(({ item, contentText, contentHash, textSignature, rawHash }) => ({
    item,
    contentHash,
    textSignature,
    rawHash,
    themes: tagger.tag({
      title: item.title,
      summary: item.summary,
      content: fullTexts.get(item.id) ?? contentText,
      categories: item.categories,
      // Settled by the language stage, on the processing thread: the tagger does not detect again.
      language: item.language,
      languageSettled: true,
      sourceUrl,
    }),
  }));
}
