// Prometheus lines on the processes sharing one database (issue 20): each worker's heartbeat age,
// jobs running and done, who publishes, and the fetch queue's depth.
import type { QueueDepth } from '../coordination/job-queue.js';
import type { WorkerRow } from '../coordination/workers.js';

export function renderCoordinationMetrics(workers: readonly WorkerRow[], depth: QueueDepth | null): string {
  const label = (worker: WorkerRow): string => `worker="${escapeLabel(worker.id)}",role="${escapeLabel(worker.role)}"`;
  const lines = [
    '# HELP veille_workers Processes that beat on the shared database in the last hour.',
    '# TYPE veille_workers gauge',
    `veille_workers ${workers.length}`,
    '# HELP veille_worker_heartbeat_age_seconds Seconds since each process last beat (a silent one died or lost the database).',
    '# TYPE veille_worker_heartbeat_age_seconds gauge',
    ...workers.map((worker) => `veille_worker_heartbeat_age_seconds{${label(worker)}} ${worker.silentSeconds}`),
    '# HELP veille_worker_jobs_running Fetch jobs each process runs now.',
    '# TYPE veille_worker_jobs_running gauge',
    ...workers.map((worker) => `veille_worker_jobs_running{${label(worker)}} ${worker.jobsRunning}`),
    '# HELP veille_worker_jobs_total Fetch jobs each process finished, by outcome.',
    '# TYPE veille_worker_jobs_total counter',
    ...workers.flatMap((worker) => [
      `veille_worker_jobs_total{${label(worker)},outcome="done"} ${worker.jobsDone}`,
      `veille_worker_jobs_total{${label(worker)},outcome="failed"} ${worker.jobsFailed}`,
    ]),
    '# HELP veille_worker_publishing 1 for the process elected to publish.',
    '# TYPE veille_worker_publishing gauge',
    ...workers.map((worker) => `veille_worker_publishing{${label(worker)}} ${worker.publishing ? 1 : 0}`),
    ...(depth === null
      ? []
      : [
          '# HELP veille_queue_jobs Fetch jobs in the shared queue: waiting to be taken, or taken and running.',
          '# TYPE veille_queue_jobs gauge',
          `veille_queue_jobs{state="waiting"} ${depth.waiting}`,
          `veille_queue_jobs{state="active"} ${depth.active}`,
        ]),
  ];
  return `${lines.join('\n')}\n`;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
