// What `veille status` says about the processes sharing a PostgreSQL (issue 20): each one's role,
// heartbeat, jobs, who publishes, and the fetch queue's depth. Nothing with SQLite alone.
import type { Config } from '../config/load-config.js';
import { readQueueDepth, type QueueDepth } from '../coordination/job-queue.js';
import { connectionString, databaseLabel, openPool } from '../coordination/postgres.js';
import { ensureCoordinationSchema } from '../coordination/schema.js';
import { listWorkers, liveFetchWorkers, SILENT_AFTER_SECONDS, type WorkerRow } from '../coordination/workers.js';
import { VeilleError } from '../domain/errors.js';

export interface CoordinationStatus {
  readonly workers: readonly WorkerRow[];
  readonly queue: QueueDepth;
}

export async function readCoordinationStatus(config: Config, env: NodeJS.ProcessEnv): Promise<CoordinationStatus | null> {
  if (config.storage.kind !== 'postgres') return null;
  const connection = connectionString(config.storage, env);
  const pool = openPool(connection, 1);
  try {
    await ensureCoordinationSchema(pool);
    // The job queue's schema exists once a `start --role` process made it; before, nothing is queued.
    const jobs = await pool.query("SELECT 1 FROM information_schema.schemata WHERE schema_name = 'veille_jobs'");
    const [workers, queue] = await Promise.all([listWorkers(pool), jobs.length === 0 ? { waiting: 0, active: 0 } : readQueueDepth(connection)]);
    return { workers, queue };
  } finally {
    await pool.end();
  }
}

/**
 * `veille run` beside live fetch workers (roles fetch or all, a heartbeat within
 * SILENT_AFTER_SECONDS) would fetch the sources their jobs fetch, and its own per-host limiter
 * does not count their requests: it is refused (exit 2), saying who runs where. Nothing to check
 * with SQLite, or before any process beat on the database.
 */
export async function refuseBesideFetchWorkers(config: Config, env: NodeJS.ProcessEnv): Promise<void> {
  if (config.storage.kind !== 'postgres') return;
  const connection = connectionString(config.storage, env);
  const pool = openPool(connection, 1);
  let workers: WorkerRow[];
  try {
    workers = await liveFetchWorkers(pool);
  } finally {
    await pool.end();
  }
  if (workers.length === 0) return;
  // As `veille status` names them: host:pid:role.
  const where = workers.map((worker) => worker.id).join(', ');
  const [count, they, them] = workers.length === 1 ? ['1 fetch worker is', 'it fetches', 'it'] : [`${workers.length} fetch workers are`, 'they fetch', 'them'];
  throw new VeilleError(
    'USAGE',
    `run: ${count} running on the PostgreSQL store ${databaseLabel(connection)} (${where}; heartbeats within the last ${SILENT_AFTER_SECONDS} s): ` +
      `${they} the due sources and the elected publisher publishes. A one-shot run beside ${them} would fetch sources twice at once ` +
      'and ask hosts beyond their limits, so it fetches nothing.\n' +
      'See them with "veille status"; to run a one-shot cycle, stop the workers first.',
  );
}
