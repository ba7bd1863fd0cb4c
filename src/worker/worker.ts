// The long-lived worker: publishes what is stored, serves the publish folder, runs a cycle at
// once and then on the fetch schedule, and stops cleanly on SIGINT/SIGTERM: no new fetch starts,
// the fetches in flight get fetch.stopGraceMs to finish (then they are abandoned and stay due), what
// was fetched is stored and published. Each cycle and digest is one write step (app.exclusive),
// so that `run`, `digest` and `retag` work beside the worker, waiting their turn.
import { createFeedProcessor, type SettlingFeedProcessor } from './process-pool.js';
import type { App } from '../app/app.js';
import type { FeedProcessor, FeedProcessorFactory, FeedProcessorOptions } from '../app/process-feed.js';
import { reduceMemory } from '../system/collect-garbage.js';
import { runOneCycle, type CycleSummary } from '../app/cycle.js';
import { describeError } from '../domain/errors.js';
import { startServer } from '../publish/server.js';
import { scheduleCron, type CronJob } from '../schedule/cron.js';
import { createMailer, runScheduledDigest } from '../app/digest.js';
import { subscriberRoutes } from '../app/subscribers.js';
import { createCycleMetrics, recordFullText, recordResumes, recordSourceResult, renderMetrics, renderWebSubMetrics } from './metrics.js';
import { publishFromStore } from '../app/publish.js';
import { notifyTargetStates } from '../app/notify-step.js';
import { healthHttpStatus, siteHealth } from '../app/site-health.js';
import { maintainSubscriptions, readWebSubStatus, webSubEndpoint } from '../app/websub.js';
import type { PushedFeed } from '../domain/websub.js';
import { createHttpClient } from '../fetch/http-client.js';

/** How often the worker looks for leases to renew and requests to retry between cycles. */
const SUBSCRIPTIONS_TICK_MS = 60_000;
import { cacheMaxAgeSeconds } from '../app/serve.js';

export interface WorkerDeps {
  /** Built once for the process (src/app/app.ts): the cycles and the digest share its store and translator. */
  readonly app: App;
  /** Resolves when the worker should stop (a signal, or a test). */
  readonly stopSignal: Promise<void>;
  readonly onListening?: (url: string) => void;
  readonly onCycle?: (summary: CycleSummary) => void;
}

export async function runWorker(deps: WorkerDeps): Promise<void> {
  const { app } = deps;
  const { config, store, logger } = app;
  const metrics = createCycleMetrics();
  await app.exclusive('publish', () =>
    publishFromStore({ config, store, taxonomy: app.taxonomy, builtAt: app.clock.now(), translator: app.translator }),
  );
  // Bodies pushed by WebSub hubs (issue 21), by source id: processed at once, a cycle of their own.
  const pushes = new Map<number, PushedFeed>();
  let receivePush = (_sourceId: number, _feed: PushedFeed): void => undefined;
  const server = await startServer({
    dir: config.publishDir,
    host: config.server.host,
    port: config.server.port,
    maxAgeSeconds: cacheMaxAgeSeconds(config),
    routes: {
      '/healthz': () => {
        const health = siteHealth(store.listSources({ activeOnly: true }), app.clock.now(), config.fetch.staleAfterDays);
        return { status: healthHttpStatus(health), contentType: 'application/json; charset=utf-8', body: `${JSON.stringify(health)}\n` };
      },
      '/metrics': () => ({
        status: 200,
        contentType: 'text/plain; version=0.0.4; charset=utf-8',
        body:
          renderMetrics(metrics, store.listSources({ activeOnly: true }), {
            now: app.clock.now(),
            staleAfterDays: config.fetch.staleAfterDays,
            notify: notifyTargetStates(config, store),
          }) + renderWebSubMetrics(readWebSubStatus(store)),
      }),
    },
    endpoints: [
      // With server.publicUrl: one-click unsubscribe, themes and sign-up (issue 23).
      ...subscriberRoutes({ ...app, mailer: () => createMailer(config, app.env) }),
      webSubEndpoint(app, (sourceId, feed) => receivePush(sourceId, feed)),
    ],
  });
  logger.info({ url: server.url, publishDir: config.publishDir }, 'serving the publish folder');
  deps.onListening?.(server.url);

  const stopping = new AbortController();
  const threads = keepAcrossCycles(createFeedProcessor);
  const abandon = new AbortController();
  let current: Promise<void> | null = null;
  // Subscriptions to sources' hubs after each cycle (a source may have declared one), never a cycle's failure.
  const websubClient = createHttpClient(app.fetchPolicy.untrusted);
  let maintaining: Promise<void> | null = null;
  const subscribe = (): Promise<void> =>
    (maintaining ??= maintainSubscriptions({ config, store, clock: app.clock, logger, userAgent: app.userAgent, client: websubClient, signal: stopping.signal })
      .catch((error: unknown) => logger.error({ err: describeError(error) }, 'websub: the subscriptions could not be maintained'))
      .finally(() => {
        maintaining = null;
      }));
  // Leases and retries come due between cycles too (a hub may grant an hour): looked at each minute.
  const leases = setInterval(() => {
    if (current === null && config.server.publicUrl !== undefined) void subscribe();
  }, SUBSCRIPTIONS_TICK_MS);
  leases.unref();
  let pushing: Promise<void> | null = null;
  receivePush = (sourceId, feed) => {
    pushes.set(sourceId, feed);
    pushing ??= drainPushes().finally(() => {
      pushing = null;
    });
  };
  // One push cycle at a time, after the cycle running if any; pushes that arrive meanwhile go in the next.
  const drainPushes = async (): Promise<void> => {
    while (pushes.size > 0 && !stopping.signal.aborted) {
      if (current) await current;
      if (current) continue;
      const batch = new Map(pushes);
      pushes.clear();
      await runTracked(() => runOneCycle(app, { processors: threads.factory, signal: stopping.signal, abandon: abandon.signal, pushed: batch }), 'push cycle');
    }
  };
  const runTracked = (run: () => Promise<CycleSummary>, what: string): Promise<void> => {
    metrics.running = true;
    current = Promise.resolve()
      .then(run)
      .then((summary) => {
        logger.info({ ...summary, failures: summary.failures.length }, `${what} done`);
        deps.onCycle?.(summary);
      })
      .catch((error: unknown) => logger.error({ err: describeError(error) }, `${what} failed`))
      .finally(() => {
        metrics.running = false;
        current = null;
      });
    return current;
  };
  const cycle = (): Promise<void> => {
    if (current) return current;
    metrics.running = true;
    // Everything, reading the sources included, happens inside the chain: a bad OPML file is a
    // failed cycle in the log, never an exception thrown into the scheduler.
    current = Promise.resolve()
      .then(() =>
        runOneCycle(app, {
          processors: threads.factory,
          signal: stopping.signal,
          abandon: abandon.signal,
          onProgress: (event) => recordSourceResult(metrics.fetches, event.result),
        }),
      )
      .then((summary) => {
        metrics.cycles += 1;
        metrics.lastCycle = summary;
        recordFullText(metrics.fullText, summary.fullText);
        recordResumes(metrics.resumes, summary);
        logger.info({ ...summary, failures: summary.failures.length }, 'cycle done');
        deps.onCycle?.(summary);
        return subscribe();
      })
      .catch((error: unknown) => logger.error({ err: describeError(error) }, 'cycle failed'))
      // The cycle's garbage goes now, not when the next cycle has allocated enough (issue 15).
      .then(() => threads.settle())
      .catch((error: unknown) => logger.warn({ err: describeError(error) }, 'the threads could not collect their garbage after the cycle'))
      .finally(() => {
        // What the cycle published is served at once, not after the server's next look at the files.
        server.refresh();
        metrics.running = false;
        current = null;
      });
    return current;
  };

  const missedTick = (job: string) => (planned: Date) =>
    logger.warn({ planned: planned.toISOString() }, `the process was too busy to start the ${job} tick on time; it is skipped`);
  const job: CronJob = scheduleCron(
    config.schedule.fetch,
    config.site.timezone,
    'fetch',
    cycle,
    () => logger.warn({}, 'the previous cycle is still running; this tick is skipped'),
    missedTick('fetch'),
  );
  // The weekly issue: built from what is stored, sent at most once per recipient (resumed if cut short).
  const digestJob: CronJob = scheduleCron(
    config.schedule.digest,
    config.site.timezone,
    'digest',
    () =>
      app
        .exclusive('digest', () => runScheduledDigest(app, app.env, stopping.signal))
        .catch((error: unknown) => logger.error({ err: describeError(error) }, 'digest failed'))
        .finally(() => server.refresh()),
    () => logger.warn({}, 'the previous digest run is still going; this tick is skipped'),
    missedTick('digest'),
  );
  void cycle();
  logger.info({ schedule: config.schedule.fetch, timezone: config.site.timezone, next: job.nextRun()?.toISOString() }, 'worker started');
  logger.info({ schedule: config.schedule.digest, next: digestJob.nextRun()?.toISOString() }, 'digest scheduled');

  await deps.stopSignal;
  const graceMs = config.fetch.stopGraceMs;
  logger.info({ graceMs }, `stopping: no new fetch starts; fetches in flight get ${graceMs / 1000} s to finish, then what was fetched is stored and published`);
  stopping.abort();
  const grace = setTimeout(() => {
    logger.warn({ graceMs }, 'stopping: fetches still in flight are abandoned (their sources stay due)');
    abandon.abort();
  }, graceMs);
  try {
    await Promise.all([job.stop(), digestJob.stop()]);
    if (current) await current;
  } finally {
    clearTimeout(grace);
  }
  clearInterval(leases);
  await pushing;
  await maintaining;
  await threads.close();
  await server.close();
  await websubClient.close();
  logger.info({}, 'stopped');
}

/**
 * The processing threads and the tables they loaded (eld's, the sanitizer's) kept from one cycle to
 * the next (issue 15): the first cycle starts the pool, each cycle borrows it (its close is the
 * cycle's end, not the pool's), `settle` lets the threads and this one shrink to their live heaps
 * between cycles, and `close` stops the pool when the worker stops.
 */
export function keepAcrossCycles(create: (options: FeedProcessorOptions) => FeedProcessor & Partial<Pick<SettlingFeedProcessor, 'settle'>>): {
  readonly factory: FeedProcessorFactory;
  settle(): Promise<void>;
  close(): Promise<void>;
} {
  let pool: (FeedProcessor & Partial<Pick<SettlingFeedProcessor, 'settle'>>) | null = null;
  return {
    factory: (options) => {
      const kept = (pool ??= create(options));
      return {
        threads: kept.threads,
        process: (job) => kept.process(job),
        expectBodies: (count) => kept.expectBodies?.(count),
        close: () => Promise.resolve(),
      };
    },
    settle: async () => {
      await pool?.settle?.();
      await reduceMemory();
    },
    close: async () => {
      const kept = pool;
      pool = null;
      await kept?.close();
    },
  };
}
