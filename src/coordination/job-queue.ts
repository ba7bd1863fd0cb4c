// Due sources as jobs (issue 20), on pg-boss: the one module that imports it. The elected
// publisher enqueues the sources that are due; any number of fetch workers take them. The queue's
// `stately` policy keeps at most one waiting and one running job per source (its URL key is the
// singleton key), so a source is never fetched twice at once; a job whose worker died is failed by
// pg-boss's maintenance after its lease (expireInSeconds) and retried by another worker.
import PgBoss from 'pg-boss';
import { describeError } from '../domain/errors.js';
import type { Logger } from '../domain/ports.js';
import { databaseLabel } from './postgres.js';

export const FETCH_QUEUE = 'veille-fetch-source';

export interface FetchJob {
  /** The source's URL key (sourceUrlKey), as the store knows it. */
  readonly key: string;
}

export interface QueueSettings {
  readonly connection: string;
  /** How long a taken job may run before another worker may take it (its worker is presumed dead). */
  readonly leaseSeconds: number;
  readonly logger: Logger;
}

export interface QueueDepth {
  /** Waiting to be taken (created or to retry). */
  readonly waiting: number;
  /** Taken by a worker and not finished. */
  readonly active: number;
}

export interface JobQueue {
  /** Enqueues these sources; one already waiting or running is left as it is. */
  enqueue(keys: readonly string[]): Promise<void>;
  /** Takes jobs, `concurrency` at once, until `stop`; a handler that throws fails the job (retried). */
  work(concurrency: number, handler: (job: FetchJob) => Promise<void>): Promise<void>;
  depth(): Promise<QueueDepth>;
  /** Stops taking jobs, waits up to graceMs for the ones running, and closes the connections. */
  stop(graceMs: number): Promise<void>;
}

export async function openJobQueue(settings: QueueSettings): Promise<JobQueue> {
  const boss = new PgBoss({
    connectionString: settings.connection,
    schema: 'veille_jobs',
    max: 4,
    // The lease's check: an expired job goes back to the queue within a beat of its lease.
    maintenanceIntervalSeconds: Math.max(1, Math.min(30, Math.floor(settings.leaseSeconds / 2))),
    archiveCompletedAfterSeconds: 3600,
  });
  // The database going away (a restart) is told here and retried by pg-boss's own loops.
  const database = databaseLabel(settings.connection);
  boss.on('error', (error: Error) => settings.logger.warn({ err: describeError(error), database }, 'coordination: job queue error (retried)'));
  await boss.start();
  await ensureQueue(boss, settings.leaseSeconds);
  let taking: Taking | null = null;
  return {
    async enqueue(keys) {
      if (keys.length === 0) return;
      await boss.insert(keys.map((key) => ({ name: FETCH_QUEUE, data: { key }, singletonKey: key, expireInSeconds: settings.leaseSeconds })));
    },
    work(concurrency, handler) {
      taking = takeJobs(boss, concurrency, handler, settings.logger);
      return Promise.resolve();
    },
    async depth() {
      const [waiting, unfinished] = await Promise.all([
        boss.getQueueSize(FETCH_QUEUE, { before: 'active' }),
        boss.getQueueSize(FETCH_QUEUE, { before: 'completed' }),
      ]);
      return { waiting, active: Math.max(0, unfinished - waiting) };
    },
    async stop(graceMs) {
      await taking?.stop(graceMs);
      await boss.stop({ graceful: true, timeout: Math.max(1000, graceMs), wait: true });
    },
  };
}

/** While the queue is empty, how often a worker with a free slot asks again. */
const IDLE_POLL_MS = 500;

interface Taking {
  /** Takes no more jobs, waits up to graceMs for the running ones, then fails those left (taken again at once). */
  stop(graceMs: number): Promise<void>;
}

/**
 * One loop per worker that keeps `concurrency` jobs running: each free slot is filled as soon as
 * it frees, in one fetch for all the free slots (pg-boss's own work() loops each wait out their
 * polling interval after every job: 16 loops at 0.5 s took at most 32 jobs a second, whatever
 * the fetches' speed). A job is failed on its own when its handler throws; the jobs whose
 * handlers end in one turn of the event loop are completed together.
 */
function takeJobs(boss: PgBoss, concurrency: number, handler: (job: FetchJob) => Promise<void>, logger: Logger): Taking {
  const running = new Map<string, Promise<void>>();
  let stopping = false;
  let wake: (() => void) | null = null;
  const nudge = (): void => {
    wake?.();
  };
  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });
  // Jobs done in one turn of the event loop are completed in one statement, not one each.
  let completing: { readonly ids: string[]; readonly done: Promise<void> } | null = null;
  const complete = (id: string): Promise<void> => {
    if (completing === null) {
      const ids: string[] = [];
      const done = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
        completing = null;
        await boss.complete(FETCH_QUEUE, ids);
      });
      completing = { ids, done };
    }
    completing.ids.push(id);
    return completing.done;
  };
  const settle = async (id: string, outcome: Promise<void>): Promise<void> => {
    try {
      await outcome;
      await complete(id);
    } catch (error) {
      // The job goes back to the queue (its retry policy), whether the handler or the completion failed.
      await boss.fail(FETCH_QUEUE, id, { message: describeError(error) }).catch((failure: unknown) => {
        logger.warn({ err: describeError(failure), job: id }, 'coordination: a job could not be failed; its lease will free it');
      });
    }
  };
  const start = (job: PgBoss.Job<FetchJob>): void => {
    const outcome = Promise.resolve().then(() => handler(job.data));
    const settled = settle(job.id, outcome).finally(() => {
      running.delete(job.id);
      nudge();
    });
    running.set(job.id, settled);
  };
  const loop = (async () => {
    while (!stopping) {
      const free = concurrency - running.size;
      if (free <= 0) {
        // Woken when a job ends.
        await pause(IDLE_POLL_MS);
        continue;
      }
      let jobs: PgBoss.Job<FetchJob>[] = [];
      try {
        jobs = await boss.fetch<FetchJob>(FETCH_QUEUE, { batchSize: free });
      } catch (error) {
        logger.warn({ err: describeError(error) }, 'coordination: taking jobs failed (retried)');
      }
      if (stopping) {
        // Taken while stopping: back to the queue at once.
        if (jobs.length > 0) await boss.fail(FETCH_QUEUE, jobs.map((job) => job.id)).catch(() => undefined);
        break;
      }
      for (const job of jobs) start(job);
      // A full batch: more may wait, ask again as soon as a slot frees; else the queue is empty for now.
      if (jobs.length < free) await pause(IDLE_POLL_MS);
    }
  })();
  return {
    async stop(graceMs) {
      stopping = true;
      nudge();
      await loop;
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, Math.max(1000, graceMs));
      });
      await Promise.race([Promise.all(running.values()), grace]);
      clearTimeout(timer);
      const left = [...running.keys()];
      if (left.length > 0) await boss.fail(FETCH_QUEUE, left).catch(() => undefined);
    },
  };
}

async function ensureQueue(boss: PgBoss, leaseSeconds: number): Promise<void> {
  // Processes starting at once may create it together: one wins, the others (a deadlock or a
  // duplicate key) find it on the next try.
  for (let attempt = 1; ; attempt += 1) {
    if ((await boss.getQueue(FETCH_QUEUE)) !== null) return;
    try {
      await boss.createQueue(FETCH_QUEUE, { name: FETCH_QUEUE, policy: 'stately', expireInSeconds: leaseSeconds, retryLimit: 5, retryDelay: 1 });
      return;
    } catch (error) {
      if (attempt >= QUEUE_CREATE_TRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

const QUEUE_CREATE_TRIES = 10;

/** The queue's depth read by a process that takes no job (`veille status`): nothing supervised, nothing created. */
export async function readQueueDepth(connection: string): Promise<QueueDepth> {
  const boss = new PgBoss({ connectionString: connection, schema: 'veille_jobs', max: 1, supervise: false, schedule: false, migrate: false });
  boss.on('error', () => undefined);
  await boss.start();
  try {
    if ((await boss.getQueue(FETCH_QUEUE)) === null) return { waiting: 0, active: 0 };
    const [waiting, unfinished] = await Promise.all([
      boss.getQueueSize(FETCH_QUEUE, { before: 'active' }),
      boss.getQueueSize(FETCH_QUEUE, { before: 'completed' }),
    ]);
    return { waiting, active: Math.max(0, unfinished - waiting) };
  } finally {
    await boss.stop({ graceful: false, wait: true });
  }
}
