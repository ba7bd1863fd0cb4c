// A cycle run in process against loopback servers: a temporary folder with its config, store and
// publish folder, and the result of every source by URL.
import { createFeedProcessor } from '../../src/worker/process-pool.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeApp, configureApp } from '../../src/app/app.js';
import { runOneCycle } from '../../src/app/cycle.js';
import { loadConfig, type Config } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/domain/ports.js';
import { Store } from '../../src/store/store.js';
import { loadTaxonomy } from '../../src/tag/taxonomy.js';
import type { CycleSummary, ProgressEvent, SourceResult } from '../../src/app/pipeline.js';
import type { FeedJob, ProcessedFeed } from '../../src/app/process-feed.js';
import { THEMES_FILE } from '../helpers/cli.js';

export interface CycleProject {
  readonly dir: string;
  readonly config: Config;
  readonly store: Store;
  /** One cycle at `now`; results by the source's URL at the time it was fetched. */
  run(now: Date, options?: RunOptions): Promise<{ summary: CycleSummary; results: Map<string, SourceResult> }>;
  /** Titles of the merged JSON Feed's entries. */
  publishedTitles(): string[];
  cleanup(): void;
}

export interface RunOptions {
  readonly force?: boolean;
  /** A stand-in script for the processing threads. */
  readonly threadScript?: URL;
  readonly onProgress?: (event: ProgressEvent) => void;
  /** The worker's stop signal. */
  readonly signal?: AbortSignal;
  /** Told of each feed a processing thread processed, with what it gave back. */
  readonly onProcessed?: (job: FeedJob, feed: ProcessedFeed) => void;
  /** Awaited before each feed goes to the processing threads: a test holds the processing back with it. */
  readonly beforeProcess?: (job: FeedJob) => Promise<void>;
  /** Told each time the cycle tells its processor how many bodies are coming (FeedProcessor.expectBodies). */
  readonly onExpectBodies?: (count: number) => void;
}

/** `processing`: the YAML value of that key (one thread by default); `themes`: the taxonomy file (the shipped one by default). */
export function makeCycleProject(yaml: string, options: { processing?: string; themes?: string; env?: NodeJS.ProcessEnv } = {}): CycleProject {
  const dir = mkdtempSync(join(tmpdir(), 'veille-cycle-'));
  const file = join(dir, 'veille.yaml');
  writeFileSync(
    file,
    `${yaml}\nthemes: ${JSON.stringify(options.themes ?? THEMES_FILE)}\nstorage: { path: veille.db }\npublish: { dir: public }\n` +
      `processing: ${options.processing ?? '{ threads: 1 }'}\nlog: { level: warn }\n` +
      // Test feeds link to example.org: no article page is fetched (no test touches the network) unless asked.
      (/^fullText:/m.test(yaml) ? '' : 'fullText: { maxPerCycle: 0 }\n'),
  );
  const config = loadConfig(file);
  const store = Store.open(config.storagePath);
  const taxonomy = loadTaxonomy(config.themesFile);
  let now = new Date(0);
  const app = composeApp(configureApp(config, { clock: { now: () => now }, env: options.env ?? {}, logger: silentLogger }), { store, taxonomy });
  return {
    dir,
    config,
    store,
    async run(at, options = {}) {
      now = at;
      const results = new Map<string, SourceResult>();
      const summary = await runOneCycle(app, {
        force: options.force === true,
        ...(options.signal ? { signal: options.signal } : {}),
        processors: (processing) => {
          const processor = createFeedProcessor({ ...processing, ...(options.threadScript ? { threadScript: options.threadScript } : {}) });
          const { onProcessed, onExpectBodies, beforeProcess } = options;
          return {
            ...processor,
            ...(onProcessed || beforeProcess
              ? {
                  process: async (job: FeedJob) => {
                    await beforeProcess?.(job);
                    const feed = await processor.process(job);
                    onProcessed?.(job, feed);
                    return feed;
                  },
                }
              : {}),
            ...(onExpectBodies
              ? {
                  expectBodies: (count: number) => {
                    onExpectBodies(count);
                    processor.expectBodies?.(count);
                  },
                }
              : {}),
          };
        },
        onProgress: (event) => {
          results.set(event.source.url, event.result);
          options.onProgress?.(event);
        },
      });
      return { summary, results };
    },
    publishedTitles() {
      const feed = JSON.parse(readFileSync(join(dir, 'public/feed.json'), 'utf8')) as { items: { title: string }[] };
      return feed.items.map((item) => item.title);
    },
    cleanup() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
