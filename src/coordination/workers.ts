// The processes on one database and what they do (issue 20): each writes a heartbeat row every
// few seconds; `veille status` and /metrics list the rows, a row whose beat is older than a few
// beats being a process that died or lost the database.
import { hostname } from 'node:os';
import type { Sql } from './postgres.js';

export type Role = 'fetch' | 'publish' | 'all';

export interface WorkerCounters {
  jobsRunning: number;
  jobsDone: number;
  jobsFailed: number;
  publishing: boolean;
}

export interface WorkerRow {
  readonly id: string;
  readonly role: string;
  readonly hostname: string;
  readonly pid: number;
  readonly startedAt: string;
  readonly beatAt: string;
  /** Seconds since the last heartbeat, by the database's clock. */
  readonly silentSeconds: number;
  readonly jobsRunning: number;
  readonly jobsDone: number;
  readonly jobsFailed: number;
  readonly publishing: boolean;
}

export const HEARTBEAT_MS = 5_000;

/** Three missed heartbeats: a process silent for longer stopped or lost the database (`veille status` says so, `veille run` does not count it). */
export const SILENT_AFTER_SECONDS = 15;

export function newWorkerId(role: Role): string {
  return `${hostname()}:${process.pid}:${role}`;
}

export async function beat(sql: Sql, id: string, role: Role, counters: WorkerCounters): Promise<void> {
  await sql.query(
    `INSERT INTO veille_workers (id, role, hostname, pid, jobs_running, jobs_done, jobs_failed, publishing)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (id) DO UPDATE SET beat_at = now(), jobs_running = $5, jobs_done = $6, jobs_failed = $7, publishing = $8`,
    [id, role, hostname(), process.pid, counters.jobsRunning, counters.jobsDone, counters.jobsFailed, counters.publishing],
  );
}

export async function leave(sql: Sql, id: string): Promise<void> {
  await sql.query('DELETE FROM veille_workers WHERE id = $1', [id]);
}

/** The processes that beat in the last hour, most recent first (older rows are dropped). */
export async function listWorkers(sql: Sql): Promise<WorkerRow[]> {
  await sql.query(`DELETE FROM veille_workers WHERE beat_at < now() - interval '1 hour'`);
  const rows = await sql.query<Record<string, unknown>>(
    `SELECT id, role, hostname, pid, started_at, beat_at, extract(epoch FROM now() - beat_at) AS silent,
            jobs_running, jobs_done, jobs_failed, publishing
     FROM veille_workers ORDER BY role, hostname, pid`,
  );
  return rows.map(workerRow);
}

/**
 * The processes that fetch (roles fetch and all) and beat within SILENT_AFTER_SECONDS, by the
 * database's clock; none when no process ever beat on this database (no table yet).
 */
export async function liveFetchWorkers(sql: Sql): Promise<WorkerRow[]> {
  const [table] = await sql.query<{ present: boolean }>("SELECT to_regclass('veille_workers') IS NOT NULL AS present");
  if (table?.present !== true) return [];
  const rows = await sql.query<Record<string, unknown>>(
    `SELECT id, role, hostname, pid, started_at, beat_at, extract(epoch FROM now() - beat_at) AS silent,
            jobs_running, jobs_done, jobs_failed, publishing
     FROM veille_workers WHERE role IN ('fetch', 'all') AND beat_at >= now() - $1 * interval '1 second'
     ORDER BY hostname, pid`,
    [SILENT_AFTER_SECONDS],
  );
  return rows.map(workerRow);
}

function workerRow(row: Record<string, unknown>): WorkerRow {
  return {
    id: String(row.id),
    role: String(row.role),
    hostname: String(row.hostname),
    pid: Number(row.pid),
    startedAt: new Date(row.started_at as string).toISOString(),
    beatAt: new Date(row.beat_at as string).toISOString(),
    silentSeconds: Math.round(Number(row.silent)),
    jobsRunning: Number(row.jobs_running),
    jobsDone: Number(row.jobs_done),
    jobsFailed: Number(row.jobs_failed),
    publishing: row.publishing === true,
  };
}
