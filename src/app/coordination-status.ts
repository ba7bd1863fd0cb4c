// What `veille status` says about the processes sharing a PostgreSQL (issue 20): each one's role,
// heartbeat, jobs, who publishes, and the fetch queue's depth. Nothing with SQLite alone.
import type { Config } from '../config/load-config.js';
import { readQueueDepth, type QueueDepth } from '../coordination/job-queue.js';
import { connectionString, openPool } from '../coordination/postgres.js';
import { ensureCoordinationSchema } from '../coordination/schema.js';
import { listWorkers, type WorkerRow } from '../coordination/workers.js';

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
