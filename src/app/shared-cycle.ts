// A cycle split between processes on one PostgreSQL (issue 20): the elected publisher syncs the
// sources and enqueues the due ones (enqueueDueSources), fetch workers fetch and store one source
// per job (createJobFetcher), and the publisher then groups, translates and publishes what was
// stored (publishStored). With SQLite alone, runOneCycle (cycle.ts) does all three in one process.
import type { App } from './app.js';
import { currentSources, cycleParts } from './cycle.js';
import { isDue } from './fetch-schedule.js';
import { createSourceFetcher, publishFetched, type SourceResult } from './pipeline.js';
import type { FeedProcessorFactory } from './process-feed.js';
import { sourceUrlKey } from '../domain/source-url.js';
import type { HostLimiter } from '../fetch/host-limiter.js';
import type { FullTextSummary } from './full-text-step.js';

/** Syncs the configured sources into the store and returns the keys of those due now. */
export function dueSourceKeys(app: App): string[] {
  const now = app.clock.now();
  const active = app.store.syncSources(currentSources(app), now.toISOString());
  return active.filter((source) => isDue(source.nextFetchAt, now)).map((source) => source.key);
}

export interface JobFetcherOptions {
  /** Politeness shared by every fetch worker on the database. */
  readonly limiter: HostLimiter;
  readonly processors: FeedProcessorFactory;
  readonly signal: AbortSignal;
  readonly abandon: AbortSignal;
}

export interface JobFetcher {
  /** Fetches and stores the source of this key when it is still due; null when it is not (fetched meanwhile, removed). */
  fetch(key: string): Promise<SourceResult | null>;
  close(): Promise<void>;
}

/** How often a fetch worker reads the config's sources and the hosts' Retry-After holds again. */
const REFRESH_MS = 5_000;

export function createJobFetcher(app: App, options: JobFetcherOptions): JobFetcher {
  const hostHolds = new Map<string, number>();
  const specs = new Map<string, ReturnType<typeof currentSources>[number]>();
  let refreshedAt = Number.NEGATIVE_INFINITY;
  const refresh = (): void => {
    if (performance.now() - refreshedAt < REFRESH_MS) return;
    refreshedAt = performance.now();
    specs.clear();
    for (const spec of currentSources(app)) specs.set(sourceUrlKey(spec.url), spec);
    // Another worker's Retry-After is in the store: every worker leaves the host alone until then.
    for (const deferral of app.store.listHostDeferrals(app.clock.now().toISOString())) {
      hostHolds.set(deferral.host, Math.max(hostHolds.get(deferral.host) ?? 0, Date.parse(deferral.notBefore)));
    }
  };
  refresh();
  const { tagger, languages } = app.tagging([...specs.values()]);
  const fetcher = createSourceFetcher({
    config: app.config,
    store: app.store,
    clock: app.clock,
    logger: app.logger,
    policy: app.fetchPolicy.trusted,
    tagger,
    languages,
    signal: options.signal,
    abandon: options.abandon,
    processors: options.processors,
    specs,
    limiter: options.limiter,
    hostHolds,
  });
  return {
    async fetch(key) {
      refresh();
      // Read now, not from a list: a job taken again after its lease finds the source as the dead
      // worker left it (still due), and one fetched meanwhile is left alone.
      const source = await app.store.findActiveSource(key);
      if (source === null || !isDue(source.nextFetchAt, app.clock.now())) return null;
      const result = await fetcher.fetch(source);
      if (fetcher.diskFull.error !== null) throw fetcher.diskFull.error;
      return result;
    },
    close: () => fetcher.close(),
  };
}

/** The second half of a cycle on what the fetch workers stored: article pages, stories, translations, résumés, the site. */
export async function publishStored(
  app: App,
  options: { readonly limiter: HostLimiter; readonly signal: AbortSignal; readonly processors: FeedProcessorFactory },
): Promise<{ readonly fullText: FullTextSummary; readonly published: number }> {
  const sources = currentSources(app);
  const result = await publishFetched({
    ...cycleParts(app, sources),
    signal: options.signal,
    processors: options.processors,
    active: app.store.listSources({ activeOnly: true }),
    specs: new Map(sources.map((spec) => [sourceUrlKey(spec.url), spec])),
    limiter: options.limiter,
    hostHolds: new Map(),
  });
  return { fullText: result.fullText, published: result.published };
}
