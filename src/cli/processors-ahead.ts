// `veille run` on an import: the processing threads start before this thread loads the cycle's
// modules, the taxonomy and the store, so that both load at once (issue 15).
import { existsSync } from 'node:fs';
import type { FeedProcessor, FeedProcessorFactory, FeedProcessorOptions } from '../app/process-feed.js';
import type { Config } from '../config/load-config.js';

/** The cycle's processors, started ahead, and how to stop them if the cycle never takes them. */
export interface ProcessorsAhead {
  readonly factory: FeedProcessorFactory;
  close(): Promise<void>;
}

/**
 * An import known before anything else is loaded: a SQLite store not made yet, so that every
 * source's first answer is a body to process. Its threads then start first and load their modules
 * while this thread loads its own (they started on the first body, 0.6 s into a first import, and
 * spent their first 0.25 s loading). Null for any other cycle: the cycle starts them from what the
 * store says (sources never fetched: pipeline.ts), or on the first body that needs one, so that a
 * cycle whose feeds all answer 304 starts none.
 */
export async function processorsAhead(
  config: Config,
  create?: (options: FeedProcessorOptions) => FeedProcessor,
): Promise<ProcessorsAhead | null> {
  if (config.storage.kind !== 'sqlite' || existsSync(config.storage.path)) return null;
  const bodies = config.sources.kind === 'list' ? config.sources.sources.length : config.processing.threads;
  if (bodies === 0) return null;
  const [{ createFeedProcessor }, { processorOptions }] = await Promise.all([import('../worker/process-pool.js'), import('../app/parse-deadline.js')]);
  const make = create ?? createFeedProcessor;
  const started = make(processorOptions(config.processing));
  started.expectBodies?.(bodies);
  let waiting: FeedProcessor | null = started;
  return {
    // The cycle's pool is the one started ahead; a second cycle (none in `run`) would get its own.
    factory: (options) => {
      const pool = waiting ?? make(options);
      waiting = null;
      return pool;
    },
    // The cycle closes the pool it took; this stops the threads when the cycle never got that far.
    close: () => started.close(),
  };
}
