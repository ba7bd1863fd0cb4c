// Use case "run a cycle": the configured sources, read again each time (`sources add` edits them
// while the worker runs), fetched, processed, stored and published with what the app built.
import { runCycle, type CycleSummary, type ProgressEvent } from './pipeline.js';
import { resolveSources } from './sources.js';
import type { App } from './app.js';
import type { FeedProcessorFactory } from './process-feed.js';

export interface CycleOptions {
  /** Fetch every active source, due or not. */
  readonly force?: boolean;
  /** Aborted when the worker stops: no new fetch starts, fetches in flight are abandoned. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: ProgressEvent) => void;
  /** Starts the threads feeds are processed on: the worker's pool (createFeedProcessor in worker/process-pool.ts). */
  readonly processors: FeedProcessorFactory;
}

export type { CycleSummary, ProgressEvent };

export function runOneCycle(app: App, options: CycleOptions): Promise<CycleSummary> {
  const sources = resolveSources(app.config);
  const { tagger, languages } = app.tagging(sources);
  return runCycle({
    config: app.config,
    store: app.store,
    taxonomy: app.taxonomy,
    sources,
    clock: app.clock,
    logger: app.logger,
    policy: app.fetchPolicy.trusted,
    untrustedPolicy: app.fetchPolicy.untrusted,
    tagger,
    languages,
    translator: app.translator,
    summarizer: app.summarizer,
    ...options,
  });
}
