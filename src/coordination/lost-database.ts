// A fetch worker outlives a PostgreSQL restart (issue 20). pg-boss 10's work loop records a job's
// outcome without awaiting it (manager.js, `this.complete(…)` and `this.fail(…)` in onFetch): with
// the database down at that moment the promise rejects with no handler, and Node ends the process.
// Such a rejection, a lost connection raised inside pg-boss, is logged and let go: the job stays
// active until its lease, and pg-boss's maintenance then gives it to a worker again (the source,
// fetched meanwhile, is no longer due: the job ends without fetching it twice). Any other unhandled
// rejection ends the process as before.
import { describeError } from '../domain/errors.js';
import type { Logger } from '../domain/ports.js';

/** SQLSTATE classes of a lost connection (08) and of a server shutting down (57P), and the socket's own codes. */
const LOST = /^(08|57P)|^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH)$/;

/** True for a lost connection to the database raised inside pg-boss. */
export function isLostDatabaseInJobQueue(reason: unknown): boolean {
  if (!(reason instanceof Error)) return false;
  const code = (reason as Error & { code?: unknown }).code;
  const lost = (typeof code === 'string' && LOST.test(code)) || /Connection terminated|connection timeout/i.test(reason.message);
  return lost && (reason.stack ?? '').includes('pg-boss');
}

/** Installs the handler until the returned function removes it. */
export function tolerateLostDatabase(logger: Logger, database: string): () => void {
  const onRejection = (reason: unknown): void => {
    if (!isLostDatabaseInJobQueue(reason)) throw reason;
    logger.warn({ err: describeError(reason), database }, 'coordination: a job\'s outcome was not recorded (the database is unreachable); the job is taken again after its lease');
  };
  process.on('unhandledRejection', onRejection);
  return () => process.off('unhandledRejection', onRejection);
}
