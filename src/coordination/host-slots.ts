// Per-host politeness across fetch workers (issue 20): a host's concurrency and the delay between
// two starts on it hold for all the processes on one database, not per process. A slot is a row
// (veille_take_host_slot), leased: a worker that dies holding one frees it when the lease ends.
// Waits are bounded: a host busy past maxWaitMs is an error of that fetch, never a hang.
import { randomUUID } from 'node:crypto';
import { describeError, VeilleError } from '../domain/errors.js';
import type { SqlPool } from './postgres.js';

export interface SharedHostLimits {
  readonly perHostConcurrency: number;
  readonly perHostDelayMs: number;
  /** A slot outlives its holder by this at most (a fetch's timeout and then some). */
  readonly leaseMs: number;
  /** How long a fetch waits for its host before giving up (COORDINATION_FAILED). */
  readonly maxWaitMs: number;
}

export interface SharedHostLimiter {
  /** Runs `task` holding one of `host`'s slots. */
  run<T>(host: string, task: () => Promise<T>): Promise<T>;
}

/** Polling step while a host's slots are all taken (a slot frees when a fetch ends, ~100 ms on loopback). */
const BUSY_POLL_MS = 25;
/** Between tries while the database does not answer. */
const UNREACHABLE_RETRY_MS = 500;

export function createSharedHostLimiter(pool: SqlPool, holder: string, limits: SharedHostLimits): SharedHostLimiter {
  const concurrency = Math.max(1, Math.floor(limits.perHostConcurrency));
  return {
    async run(host, task) {
      const slot = randomUUID();
      const started = performance.now();
      for (let attempt = 0; ; attempt += 1) {
        let wait: number;
        let lastError: unknown = null;
        try {
          const [row] = await pool.query<{ wait: number }>('SELECT veille_take_host_slot($1, $2, $3, $4, $5, $6) AS wait', [
            host,
            slot,
            holder,
            concurrency,
            limits.perHostDelayMs,
            limits.leaseMs,
          ]);
          wait = Number(row?.wait ?? -1);
        } catch (error) {
          // The database restarting: the fetch waits for it (bounded like a busy host), it is no failure of the source.
          lastError = error;
          wait = UNREACHABLE_RETRY_MS;
        }
        if (wait === 0) break;
        const waited = performance.now() - started;
        if (waited >= limits.maxWaitMs) {
          const why = lastError === null ? '' : ` (the database: ${describeError(lastError)})`;
          throw new VeilleError('COORDINATION_FAILED', `coordination: no slot on ${host} after ${Math.round(waited)} ms (${attempt + 1} tries)${why}`, { cause: lastError });
        }
        await sleep(Math.min(wait > 0 ? Math.ceil(wait) : BUSY_POLL_MS, limits.maxWaitMs - waited));
      }
      try {
        return await task();
      } finally {
        await pool.query('DELETE FROM veille_host_slots WHERE id = $1', [slot]).catch(() => undefined);
      }
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(1, ms)));
}
