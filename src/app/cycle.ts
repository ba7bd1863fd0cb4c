// Use case "run a cycle": the configured sources, read again from the config file each time
// (`sources add` edits it while the worker runs), fetched, processed, stored and published with
// what the app built, as one write step (no other process's cycle, digest or retag meanwhile).
import { runCycle, type CycleSummary, type ProgressEvent } from './pipeline.js';
import { resolveSources } from './sources.js';
import { existsSync } from 'node:fs';
import type { App } from './app.js';
import { loadConfig } from '../config/load-config.js';
import { describeError } from '../domain/errors.js';
import type { SourceSpec } from '../domain/types.js';
import type { FeedProcessorFactory } from './process-feed.js';

export interface CycleOptions {
  /** Fetch every active source, due or not. */
  readonly force?: boolean;
  /** Aborted when the worker stops: no new fetch starts. */
  readonly signal?: AbortSignal;
  /** Aborted when fetches in flight are abandoned (default: with `signal`). */
  readonly abandon?: AbortSignal;
  readonly onProgress?: (event: ProgressEvent) => void;
  /** Starts the threads feeds are processed on: the worker's pool (createFeedProcessor in worker/process-pool.ts). */
  readonly processors: FeedProcessorFactory;
}

export type { CycleSummary, ProgressEvent };

export function runOneCycle(app: App, options: CycleOptions): Promise<CycleSummary> {
  return app.exclusive('cycle', () => {
    const sources = currentSources(app);
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
  });
}

/**
 * The sources of the config file as it is now; the ones loaded at start when it cannot be read
 * or no longer loads (said in the log: the cycle goes on with what it had).
 */
export function currentSources(app: App): SourceSpec[] {
  if (!existsSync(app.config.file)) return resolveSources(app.config);
  try {
    return resolveSources(loadConfig(app.config.file));
  } catch (error) {
    app.logger.warn({ err: describeError(error) }, 'the config file no longer loads: this cycle uses the sources read at start');
    return resolveSources(app.config);
  }
}
