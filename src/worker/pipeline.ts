// One cycle: fetch the due sources, parse, normalize, tag and store their items, then publish.
// A source's failure is recorded on that source and never stops the others.
import type { Config } from '../config/load-config.js';
import { describeError, isVeilleError } from '../domain/errors.js';
import type { Clock, Logger } from '../domain/ports.js';
import type { SourceSpec } from '../domain/types.js';
import { isFetchError } from '../fetch/fetch-error.js';
import { fetchFeed, type FetchPolicy } from '../fetch/fetch-feed.js';
import { createHostLimiter } from '../fetch/host-limiter.js';
import { createHttpClient, type HttpClient } from '../fetch/http-client.js';
import type { SourceRecord, Store } from '../store/store.js';
import { createTagger, type Tagger } from '../tag/tagger.js';
import type { Taxonomy } from '../tag/taxonomy.js';
import { isDue, nextFetchAfterFailure, nextFetchAfterSuccess } from './fetch-schedule.js';
import { createFeedProcessor, type FeedProcessor } from './process-pool.js';
import { publishFromStore } from './publish-from-store.js';

export type SourceResult =
  | { readonly kind: 'ok'; readonly inserted: number; readonly updated: number; readonly items: number }
  | { readonly kind: 'not-modified' }
  | { readonly kind: 'failed'; readonly code: string; readonly message: string };

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
  readonly newItems: number;
  readonly updatedItems: number;
  readonly published: number;
  readonly failures: readonly { readonly url: string; readonly name: string | null; readonly code: string; readonly message: string }[];
}

export interface CycleDeps {
  readonly config: Config;
  readonly store: Store;
  readonly taxonomy: Taxonomy;
  readonly sources: readonly SourceSpec[];
  readonly clock: Clock;
  readonly logger: Logger;
  readonly userAgent: string;
  /** Fetch every active source, due or not. */
  readonly force?: boolean;
  readonly onProgress?: (event: ProgressEvent) => void;
}

export async function runCycle(deps: CycleDeps): Promise<CycleSummary> {
  const { config, store, clock, logger } = deps;
  const started = clock.now();
  const startedMs = performance.now();
  const active = store.syncSources(deps.sources, started.toISOString());
  const due = active.filter((source) => deps.force === true || isDue(source.nextFetchAt, started));
  const policy: FetchPolicy = {
    userAgent: deps.userAgent,
    connectTimeoutMs: config.fetch.connectTimeoutMs,
    headersTimeoutMs: config.fetch.headersTimeoutMs,
    bodyTimeoutMs: config.fetch.bodyTimeoutMs,
    maxBytes: config.fetch.maxBytes,
    maxRedirects: config.fetch.maxRedirects,
  };
  const client = createHttpClient(policy);
  const limiter = createHostLimiter({
    globalConcurrency: config.fetch.concurrency,
    perHostConcurrency: config.fetch.perHostConcurrency,
    perHostDelayMs: config.fetch.perHostDelayMs,
  });
  const tagger = createTagger(deps.taxonomy, { languages: languagesOf(config, deps.sources) });
  const processor = createFeedProcessor(due.length > 1 ? config.processing.threads : 0);

  let done = 0;
  let failedCount = 0;
  const results = new Map<number, SourceResult>();
  const failures: CycleSummary['failures'][number][] = [];
  try {
    await Promise.all(
      due.map((source) =>
        limiter.run(source.url, async () => {
          const result = await processSource(source, { ...deps, tagger, client, policy, processor });
          results.set(source.id, result);
          done += 1;
          if (result.kind === 'failed') {
            failedCount += 1;
            failures.push({ url: source.url, name: source.name, code: result.code, message: result.message });
            logger.warn({ source: source.url, code: result.code }, result.message);
          } else {
            logger.info({ source: source.url, result: result.kind, ...(result.kind === 'ok' ? result : {}) }, 'source done');
          }
          deps.onProgress?.({ source, result, done, total: due.length, failed: failedCount });
        }),
      ),
    );
  } finally {
    await Promise.all([client.close(), processor.close()]);
  }

  const published = await publishFromStore({
    config,
    store,
    taxonomy: deps.taxonomy,
    sources: store.listSources({ activeOnly: true }),
    builtAt: clock.now(),
  });
  store.checkpoint();

  let newItems = 0;
  let updatedItems = 0;
  let notModified = 0;
  let fetched = 0;
  for (const result of results.values()) {
    if (result.kind === 'ok') {
      fetched += 1;
      newItems += result.inserted;
      updatedItems += result.updated;
    } else if (result.kind === 'not-modified') {
      notModified += 1;
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
    newItems,
    updatedItems,
    published,
    failures,
  };
}

interface SourceContext extends CycleDeps {
  readonly tagger: Tagger;
  readonly client: HttpClient;
  readonly policy: FetchPolicy;
  readonly processor: FeedProcessor;
}

async function processSource(source: SourceRecord, context: SourceContext): Promise<SourceResult> {
  const { store, clock, config } = context;
  const attemptAt = clock.now();
  store.recordAttempt(source.id, attemptAt.toISOString());
  const spec = context.sources.find((candidate) => candidate.url === source.key || candidate.url === source.url);
  const sourceLang = spec?.lang ?? source.lang;
  try {
    const outcome = await fetchFeed(
      source.url,
      { etag: source.etag, lastModified: source.lastModified },
      context.policy,
      { client: context.client, now: () => clock.now() },
    );
    const now = clock.now();
    if (outcome.kind === 'not-modified') {
      store.recordSuccess(source.id, {
        at: now.toISOString(),
        nextFetchAt: nextFetchAfterSuccess(now, config.fetch, { ttlMinutes: null, maxAgeSeconds: outcome.hints.maxAgeSeconds }).toISOString(),
        etag: outcome.etag ?? source.etag,
        lastModified: outcome.lastModified ?? source.lastModified,
        movedTo: outcome.permanentUrl,
      });
      return { kind: 'not-modified' };
    }
    const feed = await context.processor.process({
      text: outcome.text,
      contentType: outcome.contentType,
      url: outcome.finalUrl,
      sourceKey: source.key,
      sourceLang,
      fetchedAt: now.toISOString(),
    });
    const tagged = feed.items.map((item, index) => ({
      item,
      contentHash: feed.contentHashes[index],
      themes: context.tagger.tag({
        title: item.title,
        summary: item.summary,
        content: feed.contentTexts[index] ?? '',
        categories: item.categories,
        language: item.language,
        sourceUrl: source.url,
      }),
    }));
    const saved = store.saveItems(source.id, tagged, now.toISOString());
    store.recordSuccess(source.id, {
      at: now.toISOString(),
      nextFetchAt: nextFetchAfterSuccess(now, config.fetch, {
        ttlMinutes: feed.ttlMinutes,
        maxAgeSeconds: outcome.hints.maxAgeSeconds,
      }).toISOString(),
      etag: outcome.etag,
      lastModified: outcome.lastModified,
      siteUrl: feed.link,
      feedTitle: feed.title,
      movedTo: outcome.permanentUrl,
    });
    return { kind: 'ok', inserted: saved.inserted, updated: saved.updated, items: feed.items.length };
  } catch (error) {
    if (!isVeilleError(error)) context.logger.error({ source: source.url, err: error }, 'unexpected error');
    const code = isVeilleError(error) ? error.code : 'INTERNAL';
    const message = describeError(error);
    const now = clock.now();
    const retryAfterMs = isFetchError(error) ? error.retryAfterMs : null;
    store.recordFailure(source.id, {
      at: now.toISOString(),
      code,
      message,
      nextFetchAt: nextFetchAfterFailure(now, config.fetch, source.consecutiveFailures + 1, retryAfterMs).toISOString(),
    });
    return { kind: 'failed', code, message };
  }
}

/** The languages items may be in: the site's and the sources' own. */
function languagesOf(config: Config, sources: readonly SourceSpec[]): string[] {
  const primary = (tag: string) => tag.toLowerCase().split(/[-_]/)[0] ?? tag;
  const languages = new Set([primary(config.site.language), 'en']);
  for (const source of sources) if (source.lang) languages.add(primary(source.lang));
  return [...languages];
}
