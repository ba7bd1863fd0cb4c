// `veille start --role fetch|publish|all` over PostgreSQL (issue 20). Every process beats in
// veille_workers and serves /metrics and /healthz. `fetch` takes due sources from the job queue
// (fetch.concurrency at once), politeness shared through the database; `publish` campaigns for the
// publisher's advisory lock and, while it holds it, enqueues the due sources on schedule.fetch,
// publishes what the fetch workers stored once the queue is drained, and sends the digest on
// schedule.digest; `all` does both. With SQLite alone, `start` is runWorker (worker.ts), unchanged.
import type { App } from '../app/app.js';
import { notifyAfterPublish, pingHubs } from '../app/cycle.js';
import { resumeDigest, runScheduledDigest } from '../app/digest.js';
import { publishFromStore } from '../app/publish.js';
import { createJobFetcher, dueSourceKeys, publishStored } from '../app/shared-cycle.js';
import { healthHttpStatus, siteHealth } from '../app/site-health.js';
import { campaign, type Leadership } from '../coordination/election.js';
import { openJobQueue, type JobQueue, type QueueDepth } from '../coordination/job-queue.js';
import { createSharedHostLimiter } from '../coordination/host-slots.js';
import { connectionString, databaseLabel, openPool, type SqlPool } from '../coordination/postgres.js';
import { ensureCoordinationSchema } from '../coordination/schema.js';
import { tolerateLostDatabase } from '../coordination/lost-database.js';
import { beat, HEARTBEAT_MS, leave, listWorkers, newWorkerId, type Role, type WorkerCounters, type WorkerRow } from '../coordination/workers.js';
import { describeError, VeilleError } from '../domain/errors.js';
import { createHostLimiter, readHostKey, type HostLimiter } from '../fetch/host-limiter.js';
import { startServer } from '../publish/server.js';
import { scheduleCron, type CronJob } from '../schedule/cron.js';
import { createFeedProcessor } from './process-pool.js';
import { createCycleMetrics, recordSourceResult, renderMetrics } from './metrics.js';
import { renderCoordinationMetrics } from './coordination-metrics.js';

/** A fetch worker's threads collect their garbage once no job has run for this long. */
const SETTLE_AFTER_IDLE_MS = 1_000;
import { keepAcrossCycles } from './worker.js';

export const ROLES: readonly Role[] = ['fetch', 'publish', 'all'];

export interface RolesDeps {
  readonly app: App;
  readonly role: Role;
  readonly stopSignal: Promise<void>;
  readonly onListening?: (url: string) => void;
}

/** How long the publisher waits for the queue to drain before publishing what is stored anyway. */
const DRAIN_WAIT_MS = 10 * 60_000;
const DRAIN_POLL_MS = 1_000;
/** How long a fetch waits for a slot on its host (other workers hold them) before it is an error of that fetch. */
const HOST_WAIT_MS = 5 * 60_000;

export async function runRoles(deps: RolesDeps): Promise<void> {
  const { app, role } = deps;
  const { config, logger } = app;
  if (config.storage.kind !== 'postgres') {
    throw new VeilleError('USAGE', `start: --role ${role} needs a shared PostgreSQL (storage.url in the config); with SQLite, veille start runs everything in one process`);
  }
  const fetchMaxMs = config.fetch.connectTimeoutMs + config.fetch.headersTimeoutMs + config.fetch.bodyTimeoutMs;
  if (config.roles.jobLeaseSeconds * 1000 <= fetchMaxMs) {
    // A job (and its host slot) taken again while its fetch may still run would fetch the source twice at once.
    throw new VeilleError(
      'CONFIG_INVALID',
      `config: roles.jobLeaseSeconds (${config.roles.jobLeaseSeconds}) must exceed a fetch's longest run, fetch.connectTimeoutMs + headersTimeoutMs + bodyTimeoutMs (${fetchMaxMs / 1000} s)`,
    );
  }
  const connection = connectionString(config.storage, app.env);
  const database = databaseLabel(connection);
  const untolerate = tolerateLostDatabase(logger, database);
  const pool = openPool(connection, Math.max(4, Math.ceil(config.fetch.concurrency / 2)));
  await untilReachable(() => ensureCoordinationSchema(pool), logger);
  const queue = await openJobQueue({ connection, leaseSeconds: config.roles.jobLeaseSeconds, logger });
  const id = newWorkerId(role);
  const counters: WorkerCounters = { jobsRunning: 0, jobsDone: 0, jobsFailed: 0, publishing: false };
  const metrics = createCycleMetrics();
  const seen: { workers: readonly WorkerRow[]; depth: QueueDepth | null } = { workers: [], depth: null };
  const heartbeat = async (): Promise<void> => {
    try {
      await beat(pool, id, role, counters);
      [seen.workers, seen.depth] = await Promise.all([listWorkers(pool), queue.depth()]);
    } catch (error) {
      logger.warn({ err: describeError(error), database }, 'coordination: heartbeat failed (the database is unreachable?); retrying');
    }
  };
  await heartbeat();
  const beating = setInterval(() => void heartbeat(), HEARTBEAT_MS);

  const server = await startServer({
    dir: config.publishDir,
    host: config.server.host,
    port: config.server.port,
    routes: {
      '/healthz': () => {
        const health = siteHealth(app.store.listSources({ activeOnly: true }), app.clock.now(), config.fetch.staleAfterDays);
        return { status: healthHttpStatus(health), contentType: 'application/json; charset=utf-8', body: `${JSON.stringify(health)}\n` };
      },
      '/metrics': () => ({
        status: 200,
        contentType: 'text/plain; version=0.0.4; charset=utf-8',
        body:
          renderMetrics(metrics, app.store.listSources({ activeOnly: true }), { now: app.clock.now(), staleAfterDays: config.fetch.staleAfterDays }) +
          renderCoordinationMetrics(seen.workers, seen.depth),
      }),
    },
  });
  logger.info({ url: server.url, role, worker: id }, 'serving the publish folder and /metrics');
  deps.onListening?.(server.url);

  const stopping = new AbortController();
  const abandon = new AbortController();
  const threads = keepAcrossCycles(createFeedProcessor);
  const limiter = sharedLimiter(app, pool, id);
  const tasks: Promise<void>[] = [];
  const fetcher = role === 'publish' ? null : createJobFetcher(app, { limiter, processors: threads.factory, signal: stopping.signal, abandon: abandon.signal });
  // A fetch worker has no cycle's end: its garbage goes when no job has run for a moment (issue 15).
  let idleTimer: NodeJS.Timeout | null = null;
  const settleWhenIdle = (): void => {
    if (idleTimer !== null) clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      idleTimer = null;
      if (counters.jobsRunning > 0 || stopping.signal.aborted) return;
      threads.settle().catch((error: unknown) => logger.warn({ err: describeError(error) }, 'the threads could not collect their garbage after the jobs'));
    }, SETTLE_AFTER_IDLE_MS);
    idleTimer.unref();
  };
  if (fetcher !== null) {
    await queue.work(config.fetch.concurrency, async (job) => {
      counters.jobsRunning += 1;
      try {
        const result = await fetcher.fetch(job.key);
        if (result !== null) recordSourceResult(metrics.fetches, result);
        // A fetch abandoned because this worker stops: the job goes back to the queue (the source stays due).
        if (result?.kind === 'stopped') throw new VeilleError('COORDINATION_FAILED', `coordination: ${job.key} not fetched: the worker is stopping`);
        counters.jobsDone += 1;
      } catch (error) {
        counters.jobsFailed += 1;
        throw error;
      } finally {
        counters.jobsRunning -= 1;
        if (counters.jobsRunning === 0) settleWhenIdle();
      }
    });
    logger.info({ concurrency: config.fetch.concurrency, leaseSeconds: config.roles.jobLeaseSeconds }, 'fetch worker taking due sources');
  }
  if (role !== 'fetch') {
    tasks.push(
      campaign({
        connection,
        retryMs: config.roles.electionRetrySeconds * 1000,
        logger,
        stop: stopping.signal,
        lead: (leadership) => lead(app, { queue, leadership, limiter, counters, processors: threads.factory }),
      }),
    );
  }

  await deps.stopSignal;
  const graceMs = config.fetch.stopGraceMs;
  logger.info({ graceMs }, 'stopping: no new job is taken; jobs in flight get their grace, the publisher steps down');
  stopping.abort();
  const grace = setTimeout(() => abandon.abort(), graceMs);
  try {
    await queue.stop(graceMs);
    await Promise.all(tasks);
  } finally {
    clearTimeout(grace);
    clearInterval(beating);
  }
  await fetcher?.close();
  await threads.close();
  await leave(pool, id).catch(() => undefined);
  await pool.end();
  await server.close();
  untolerate();
  logger.info({}, 'stopped');
}

/** This process's own cap on fetches, and per host the slots and delay shared by every worker. */
function sharedLimiter(app: App, pool: SqlPool, holder: string): HostLimiter {
  const { fetch } = app.config;
  const local = createHostLimiter({ globalConcurrency: fetch.concurrency, perHostConcurrency: fetch.perHostConcurrency, perHostDelayMs: 0 });
  const shared = createSharedHostLimiter(pool, holder, {
    perHostConcurrency: fetch.perHostConcurrency,
    perHostDelayMs: fetch.perHostDelayMs,
    // A dead holder's slot is free again when its job is taken again (a fetch never runs longer: checked at start).
    leaseMs: app.config.roles.jobLeaseSeconds * 1000,
    maxWaitMs: HOST_WAIT_MS,
  });
  return { run: (url, task) => local.run(url, () => shared.run(readHostKey(url), task)) };
}

interface LeadParts {
  readonly queue: JobQueue;
  readonly leadership: Leadership;
  readonly limiter: HostLimiter;
  readonly counters: WorkerCounters;
  readonly processors: Parameters<typeof publishStored>[1]['processors'];
}

/** The publisher's term: the site and a partly sent digest at once, then each tick of schedule.fetch and schedule.digest, until the term ends. */
async function lead(app: App, parts: LeadParts): Promise<void> {
  const { config, logger } = app;
  const { signal } = parts.leadership;
  parts.counters.publishing = true;
  let running: Promise<void> | null = null;
  const guarded = (name: string, work: () => Promise<void>) => (): Promise<void> => {
    if (signal.aborted) return Promise.resolve();
    // The write steps' lock on the database: a `veille run`, `digest` or `retag` on another machine takes turns with it.
    running = app
      .exclusive(name, work, { signal })
      .catch((error: unknown) =>
        signal.aborted ? logger.info({ err: describeError(error) }, `${name} ended: this process is no longer the publisher`) : logger.error({ err: describeError(error) }, `${name} failed`),
      )
      .finally(() => {
        running = null;
      });
    return running;
  };
  const cycle = guarded('cycle', async () => {
    const startedAt = app.clock.now();
    const keys = dueSourceKeys(app);
    await parts.queue.enqueue(keys);
    logger.info({ due: keys.length }, 'due sources enqueued');
    await drained(parts.queue, signal);
    if (signal.aborted) return;
    const result = await publishStored(app, { limiter: parts.limiter, signal, processors: parts.processors });
    logger.info({ published: result.published }, 'published what the fetch workers stored');
    // The webhooks and the hubs' pings, as a one-process cycle sends them (issue 21): by the publisher only.
    if (config.notify.length > 0) await notifyAfterPublish(app, startedAt, signal);
    await pingHubs(app, signal);
  });
  const digest = guarded('digest', () => runScheduledDigest(app, app.env, signal));
  // An issue a dead publisher left partly sent is finished now, not at the next digest tick.
  const resume = guarded('digest', async () => {
    await resumeDigest(app, app.env, signal);
  });
  const missedTick = (job: string) => (planned: Date) =>
    logger.warn({ planned: planned.toISOString() }, `the process was too busy to start the ${job} tick on time; it is skipped`);
  const jobs: CronJob[] = [
    scheduleCron(config.schedule.fetch, config.site.timezone, 'fetch', cycle, () => logger.warn({}, 'the previous cycle is still running; this tick is skipped'), missedTick('fetch')),
    scheduleCron(config.schedule.digest, config.site.timezone, 'digest', digest, () => logger.warn({}, 'the previous digest run is still going; this tick is skipped'), missedTick('digest')),
  ];
  try {
    await publishFromStore({ config, store: app.store, taxonomy: app.taxonomy, builtAt: app.clock.now(), translator: app.translator });
    await resume();
    await cycle();
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    await Promise.all(jobs.map((job) => job.stop()));
    if (running) await running;
    parts.counters.publishing = false;
    logger.info({}, 'coordination: this process is no longer the publisher');
  }
}

/** Resolves when no fetch job waits or runs, the term ends, or DRAIN_WAIT_MS passed (what is stored is published anyway). */
async function drained(queue: JobQueue, signal: AbortSignal): Promise<void> {
  const deadline = performance.now() + DRAIN_WAIT_MS;
  while (!signal.aborted && performance.now() < deadline) {
    const depth = await queue.depth().catch(() => null);
    if (depth !== null && depth.waiting + depth.active === 0) return;
    await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
  }
}

/** Retries `work` while the database is unreachable at start (it may be starting too), at most ~5 minutes. */
async function untilReachable(work: () => Promise<void>, logger: App['logger']): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await work();
      return;
    } catch (error) {
      if (attempt >= 60) throw new VeilleError('COORDINATION_FAILED', `coordination: cannot reach the database: ${describeError(error)}`, { cause: error });
      logger.warn({ err: describeError(error), attempt }, 'coordination: the database is unreachable; retrying in 5 s');
      await new Promise((resolve) => setTimeout(resolve, 5_000));
    }
  }
}
