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
  /** Takes jobs with `concurrency` loops until `stop`; a handler that throws fails the job (retried). */
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
  return {
    async enqueue(keys) {
      if (keys.length === 0) return;
      await boss.insert(keys.map((key) => ({ name: FETCH_QUEUE, data: { key }, singletonKey: key, expireInSeconds: settings.leaseSeconds })));
    },
    async work(concurrency, handler) {
      for (let loop = 0; loop < concurrency; loop += 1) {
        await boss.work<FetchJob>(FETCH_QUEUE, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async (jobs) => {
          for (const job of jobs) await handler(job.data);
        });
      }
    },
    async depth() {
      const [waiting, unfinished] = await Promise.all([
        boss.getQueueSize(FETCH_QUEUE, { before: 'active' }),
        boss.getQueueSize(FETCH_QUEUE, { before: 'completed' }),
      ]);
      return { waiting, active: Math.max(0, unfinished - waiting) };
    },
    async stop(graceMs) {
      await boss.stop({ graceful: true, timeout: Math.max(1000, graceMs), wait: true });
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
