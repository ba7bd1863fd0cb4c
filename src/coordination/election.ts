// The one publisher (issue 20): publishing (feeds, pages, digest, email) runs in the process that
// holds a session-level advisory lock on a dedicated connection. The lock goes with the session: a
// publisher killed, or cut off from the database, loses it at once on the server's side (or after
// the TCP keepalives for a machine that vanished), and a standby that tries every `retryMs` takes
// over. The holder checks its session as often; when it is lost, it stops publishing at once.
import { describeError } from '../domain/errors.js';
import type { Logger } from '../domain/ports.js';
import { LOCK_KEYS } from './schema.js';
import { databaseLabel, openSession, type SqlSession } from './postgres.js';

export interface Leadership {
  /** Aborted when this process stops being the publisher (its session was lost). */
  readonly signal: AbortSignal;
}

export interface ElectionOptions {
  readonly connection: string;
  readonly retryMs: number;
  readonly logger: Logger;
  /** Aborted when the process stops: the loop ends and the lock is released. */
  readonly stop: AbortSignal;
  /** Runs while this process is the publisher; its signal says when it no longer is. */
  readonly lead: (leadership: Leadership) => Promise<void>;
}

/** Campaigns until `stop`: each term runs `lead` once; a lost term is followed by a new campaign. */
export async function campaign(options: ElectionOptions): Promise<void> {
  const { logger, stop } = options;
  const database = databaseLabel(options.connection);
  while (!stop.aborted) {
    let session: SqlSession | null = null;
    try {
      session = await openSession(options.connection);
      const term = new AbortController();
      session.onLost((error) => {
        logger.warn({ err: describeError(error), database }, 'coordination: the publisher session was lost');
        term.abort();
      });
      while (!stop.aborted && !term.signal.aborted) {
        const [row] = await session.query<{ held: boolean }>('SELECT pg_try_advisory_lock($1) AS held', [LOCK_KEYS.publisher.toString()]);
        if (row?.held === true) break;
        await pause(options.retryMs, stop);
      }
      if (!stop.aborted && !term.signal.aborted) {
        logger.info({}, 'coordination: this process is the publisher');
        const check = setInterval(() => {
          session?.query('SELECT 1').catch(() => term.abort());
        }, options.retryMs);
        const onStop = (): void => term.abort();
        stop.addEventListener('abort', onStop, { once: true });
        try {
          await options.lead({ signal: term.signal });
        } finally {
          clearInterval(check);
          stop.removeEventListener('abort', onStop);
        }
      }
    } catch (error) {
      logger.warn({ err: describeError(error), database }, 'coordination: cannot reach the database for the election; trying again');
    } finally {
      await session?.end();
    }
    if (!stop.aborted) await pause(options.retryMs, stop);
  }
}

function pause(ms: number, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      stop.removeEventListener('abort', done);
      resolve();
    }
    stop.addEventListener('abort', done, { once: true });
  });
}
