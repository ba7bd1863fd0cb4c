// The coordination's connections to PostgreSQL (issue 20): the one module that imports `pg`. A
// pool for short statements (host slots, heartbeats, queue depth) and dedicated sessions for what
// lives as long as a connection (the publisher's advisory lock). The password comes from the
// environment variable storage.passwordEnv names, never from the config file.
import pg from 'pg';
import { VeilleError } from '../domain/errors.js';

export interface StorageUrl {
  readonly url: string;
  readonly passwordEnv: string | null;
}

/** What the coordination runs statements through: a pool or one session. */
export interface Sql {
  query<Row extends Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
}

export interface SqlPool extends Sql {
  /** Runs `work` in one transaction on one connection (BEGIN … COMMIT, ROLLBACK on error). */
  transaction<T>(work: (sql: Sql) => Promise<T>): Promise<T>;
  end(): Promise<void>;
}

export interface SqlSession extends Sql {
  /** Called once when the session is lost (the server restarted, the network broke). */
  onLost(listener: (error: Error) => void): void;
  end(): Promise<void>;
}

/** The connection string with the password from the environment (storage.passwordEnv). */
export function connectionString(storage: StorageUrl, env: NodeJS.ProcessEnv): string {
  if (storage.passwordEnv === null) return storage.url;
  const password = env[storage.passwordEnv];
  if (password === undefined || password === '') {
    throw new VeilleError('CONFIG_INVALID', `coordination: storage.passwordEnv names ${storage.passwordEnv}, which is not set in the environment`);
  }
  const url = new URL(storage.url);
  url.password = password;
  return url.toString();
}

/** Where the database is, for log lines (host:port/database; never the user or password). */
export function databaseLabel(connection: string): string {
  try {
    const url = new URL(connection);
    return `${url.hostname}:${url.port === '' ? '5432' : url.port}${url.pathname}`;
  } catch {
    return 'the database';
  }
}

/**
 * Keepalives, so that a session on a machine that vanished (no FIN) is noticed: the server's side
 * is tcp_keepalives_* in postgresql.conf (the README's page on several machines).
 */
const SESSION_OPTIONS = { keepAlive: true, keepAliveInitialDelayMillis: 10_000, connectionTimeoutMillis: 10_000 } as const;

export function openPool(connection: string, max = 4): SqlPool {
  const pool = new pg.Pool({ connectionString: connection, max, idleTimeoutMillis: 30_000, ...SESSION_OPTIONS });
  // An idle client's error (the server restarted) is the pool's to drop, not an uncaught exception.
  pool.on('error', () => undefined);
  return {
    async query(text, params) {
      const result = await pool.query(text, params === undefined ? undefined : [...params]);
      return result.rows;
    },
    async transaction(work) {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const value = await work({ query: async (text, params) => (await client.query(text, params === undefined ? undefined : [...params])).rows });
        await client.query('COMMIT');
        return value;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
        throw error;
      } finally {
        client.release(broken);
      }
    },
    end: () => pool.end(),
  };
}

export async function openSession(connection: string): Promise<SqlSession> {
  const client = new pg.Client({ connectionString: connection, ...SESSION_OPTIONS });
  const listeners: Array<(error: Error) => void> = [];
  let lost = false;
  const lose = (error: Error): void => {
    if (lost) return;
    lost = true;
    for (const listener of listeners) listener(error);
  };
  client.on('error', lose);
  client.on('end', () => lose(new Error('coordination: the session ended')));
  await client.connect();
  return {
    async query(text, params) {
      return (await client.query(text, params === undefined ? undefined : [...params])).rows;
    },
    onLost: (listener) => {
      listeners.push(listener);
    },
    end: async () => {
      lost = true;
      await client.end().catch(() => undefined);
    },
  };
}
