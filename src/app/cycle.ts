// Use case "run a cycle": the configured sources, read again from the config file each time
// (`sources add` edits it while the worker runs), fetched, processed, stored and published with
// what the app built, as one write step (no other process's cycle, digest or retag meanwhile).
import { runCycle, type CycleSummary, type ProgressEvent } from './pipeline.js';
import type { PushedFeed } from '../domain/websub.js';
import { resolveSources } from './sources.js';
import { existsSync } from 'node:fs';
import type { App } from './app.js';
import { loadConfig } from '../config/load-config.js';
import { describeError } from '../domain/errors.js';
import type { SourceSpec } from '../domain/types.js';
import type { FeedProcessorFactory } from './process-feed.js';
import { dirname } from 'node:path';
import { diskFullError, isDiskFull } from '../store/disk-full.js';
import { deliverDue, NO_NOTIFY, notifyDepsOf, queueNewStories, type NotifySummary } from './notify-step.js';
import { createHttpClient } from '../fetch/http-client.js';
import { sendDuePings } from './websub.js';

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
  /** Bodies a WebSub hub pushed, by source id: only those sources, from those bodies (issue 21). */
  readonly pushed?: ReadonlyMap<number, PushedFeed>;
}

export type { CycleSummary, ProgressEvent };

/** A cycle, then the pings of the hubs for the feeds it rewrote (outside the write step: the network is slow). */
export async function runOneCycle(app: App, options: CycleOptions): Promise<CycleSummary> {
  const summary = await runCycleStep(app, options);
  await pingHubs(app, options.signal);
  return summary;
}

/** Pings the configured hubs for the published feeds queued and due (W3C WebSub, publishing; issue 21). */
export async function pingHubs(app: App, signal?: AbortSignal): Promise<{ sent: number; failed: number }> {
  if (app.store.websub().duePings(app.clock.now().toISOString()).length === 0) return { sent: 0, failed: 0 };
  const client = createHttpClient(app.fetchPolicy.trusted);
  try {
    return await sendDuePings({ config: app.config, store: app.store, clock: app.clock, logger: app.logger, userAgent: app.userAgent, client, ...(signal ? { signal } : {}) });
  } finally {
    await client.close();
  }
}

function runCycleStep(app: App, options: CycleOptions): Promise<CycleSummary> {
  return app.exclusive(options.pushed !== undefined ? 'push' : 'cycle', async () => {
    const summary = await runCycle({ ...cycleParts(app, currentSources(app)), ...options });
    if (app.config.notify.length === 0) return summary;
    return { ...summary, notified: await notifyAfterPublish(app, new Date(summary.startedAt), options.signal) };
  });
}

/** What a cycle takes from the app, for these sources: one process's cycle, or the elected publisher's half (shared-cycle.ts). */
export function cycleParts(app: App, sources: SourceSpec[]) {
  const { tagger, languages } = app.tagging(sources);
  return {
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
  };
}

/**
 * The webhooks (issue 21), once the cycle's stories are stored and published: queued always, sent
 * unless the worker stops. A failure is logged, never the cycle's (a full disk aside).
 */
export async function notifyAfterPublish(app: App, startedAt: Date, signal: AbortSignal | undefined): Promise<NotifySummary> {
  const deps = notifyDepsOf(app);
  try {
    const queued = queueNewStories(deps, startedAt);
    if (signal?.aborted === true) return { ...NO_NOTIFY, queued };
    return { queued, ...(await deliverDue(deps, signal)) };
  } catch (error) {
    if (isDiskFull(error)) throw diskFullError(error, dirname(app.config.storagePath), 'queuing the webhooks');
    app.logger.error({ err: error }, `notify: the step failed; what is queued stays queued (${describeError(error)})`);
    return NO_NOTIFY;
  }
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
