// A synchronous PostgreSQL connection, so that the store keeps one synchronous API on both
// backends: node-postgres (the only module that loads it) runs on a worker thread; the calling
// thread posts a query, blocks on Atomics.wait until the worker says its answer is posted, and
// takes that answer with receiveMessageOnPort. One connection per bridge, one query at a time.
import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { VeilleError } from '../domain/errors.js';

export interface BridgeOptions {
  /** postgres://user@host:port/database (no password). */
  readonly url: string;
  readonly password: string | null;
  /** Created when missing and put first on the search path; null: the connection's default. */
  readonly schema: string | null;
  /** The longest one query may take, connecting included. */
  readonly timeoutMs: number;
}

export interface QueryAnswer {
  readonly rows: unknown[];
  readonly changes: number;
}

type Request =
  | { readonly kind: 'query'; readonly sql: string; readonly name: string | null; readonly params: readonly unknown[]; readonly arrays: boolean }
  | { readonly kind: 'exec'; readonly sql: string }
  | { readonly kind: 'close' };

type Answer =
  | { readonly ok: true; readonly rows: unknown[]; readonly changes: number }
  | { readonly ok: false; readonly message: string; readonly sqlState: string | null };

// The worker's code, evaluated as CommonJS so that it runs the same from src/ (tests) and dist/.
// It connects on the first request and again after the connection was lost (a restarted server):
// a query in flight then fails, the next one reconnects.
const WORKER_SOURCE = `
'use strict';
const { workerData } = require('node:worker_threads');
const pg = require(workerData.pgPath);
// int8 (counts, ids) and numeric as numbers: veille's counts and ids stay far below 2^53.
pg.types.setTypeParser(20, Number);
pg.types.setTypeParser(1700, Number);
const flag = new Int32Array(workerData.flag);
const port = workerData.port;
let client = null;

async function connected() {
  if (client !== null) return client;
  const next = new pg.Client({
    connectionString: workerData.url,
    password: workerData.password === null ? undefined : workerData.password,
    connectionTimeoutMillis: workerData.timeoutMs,
    query_timeout: workerData.timeoutMs,
    application_name: 'veille',
  });
  next.on('error', () => { if (client === next) dropConnection(); });
  await next.connect();
  if (workerData.schema !== null) {
    const schema = '"' + workerData.schema.replace(/"/g, '""') + '"';
    await next.query('CREATE SCHEMA IF NOT EXISTS ' + schema);
    await next.query('SET search_path TO ' + schema);
  }
  client = next;
  return next;
}

function toParam(value) {
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return value === undefined ? null : value;
}

// A transaction whose connection was lost is over: the server rolled it back. Its later statements
// must not run on a new connection in autocommit (half a transaction written): each fails until
// the caller's ROLLBACK, which has nothing left to undo, ends it.
let transaction = 'none';

function dropConnection() {
  if (client !== null) client.end().catch(() => {});
  client = null;
  if (transaction === 'open') transaction = 'lost';
}

function transactionVerb(request) {
  return request.kind === 'exec' ? request.sql.trim().toUpperCase() : '';
}

/** The answer for a request of a transaction that was lost, or null when the request may run. */
function lostTransactionAnswer(request) {
  if (transaction !== 'lost' || request.kind === 'close') return null;
  const verb = transactionVerb(request);
  if (verb === 'ROLLBACK' || verb === 'COMMIT' || verb === 'BEGIN') transaction = 'none';
  if (verb === 'ROLLBACK') return { ok: true, rows: [], changes: 0 };
  return verb === 'BEGIN' ? null : LOST_TRANSACTION;
}

/** After a request ran (or, for COMMIT and ROLLBACK, failed): whether a transaction is open. */
function followTransaction(request, succeeded) {
  const verb = transactionVerb(request);
  if (verb === 'BEGIN' && succeeded) transaction = 'open';
  else if (verb === 'COMMIT' || verb === 'ROLLBACK') transaction = 'none';
}

const LOST_TRANSACTION = { ok: false, message: 'the connection was lost in the middle of a transaction, which PostgreSQL rolled back', sqlState: '08006' };

async function answer(request) {
  const lost = lostTransactionAnswer(request);
  if (lost !== null) return lost;
  if (request.kind === 'close') {
    if (client !== null) await client.end().catch(() => {});
    client = null;
    return { ok: true, rows: [], changes: 0 };
  }
  const connection = await connected();
  if (request.kind === 'exec') {
    await connection.query(request.sql);
    followTransaction(request, true);
    return { ok: true, rows: [], changes: 0 };
  }
  const query = { text: request.sql, values: request.params.map(toParam) };
  if (request.name !== null) query.name = request.name;
  if (request.arrays) query.rowMode = 'array';
  const result = await connection.query(query);
  return { ok: true, rows: result.rows, changes: result.rowCount ?? 0 };
}

port.on('message', (request) => {
  answer(request)
    .catch((error) => {
      // A lost connection (no SQLSTATE, class 08, or the server shutting down): the next request reconnects.
      const code = (error && error.code) || '';
      if (client !== null && (code === '' || code.startsWith('08') || code.startsWith('57P'))) dropConnection();
      followTransaction(request, false);
      return { ok: false, message: String(error && error.message || error), sqlState: (error && error.code) || null };
    })
    .then((result) => {
      port.postMessage(result);
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
    });
});
`;

export class PostgresBridge {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag: Int32Array;
  private closed = false;

  constructor(private readonly options: BridgeOptions) {
    const { port1, port2 } = new MessageChannel();
    const flag = new SharedArrayBuffer(4);
    this.flag = new Int32Array(flag);
    this.port = port1;
    const pgPath = createRequire(import.meta.url).resolve('pg');
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { pgPath, url: options.url, password: options.password, schema: options.schema, timeoutMs: options.timeoutMs, flag, port: port2 },
      transferList: [port2],
    });
    // The thread and its socket never keep the process alive: close() ends them, exit too.
    this.worker.unref();
    this.port.unref();
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Runs one statement with `$n` placeholders; a `name` prepares it once per connection. */
  query(sql: string, params: readonly unknown[], options: { name?: string | null; arrays?: boolean } = {}): QueryAnswer {
    return this.call({ kind: 'query', sql, params, name: options.name ?? null, arrays: options.arrays === true });
  }

  /** Runs SQL text of one or more statements, without parameters. */
  exec(sql: string): void {
    this.call({ kind: 'exec', sql });
  }

  close(): void {
    if (this.closed) return;
    try {
      this.call({ kind: 'close' });
    } finally {
      this.closed = true;
      this.port.close();
      void this.worker.terminate();
    }
  }

  private call(request: Request): QueryAnswer {
    if (this.closed) throw new VeilleError('STORE_FAILED', 'store: the PostgreSQL connection is closed');
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage(request);
    // Atomics.wait returns early on a spurious wake-up: wait out the rest of the time.
    const deadline = Date.now() + this.options.timeoutMs + 1_000;
    while (Atomics.load(this.flag, 0) === 0) {
      const left = deadline - Date.now();
      if (left <= 0) {
        this.closed = true;
        void this.worker.terminate();
        throw new VeilleError('STORE_FAILED', `store: PostgreSQL at ${this.options.url} did not answer within ${Math.round(this.options.timeoutMs / 1000)} s`);
      }
      Atomics.wait(this.flag, 0, 0, left);
    }
    const received = receiveMessageOnPort(this.port);
    if (received === undefined) throw new VeilleError('STORE_FAILED', 'store: the PostgreSQL thread answered nothing');
    const answer = received.message as Answer;
    if (!answer.ok) {
      const state = answer.sqlState === null ? '' : ` (SQLSTATE ${answer.sqlState})`;
      throw new PostgresError(`store: PostgreSQL at ${this.options.url}: ${answer.message}${state}`, answer.sqlState);
    }
    return answer;
  }
}

/** An error PostgreSQL (or the connection to it) reported, with its SQLSTATE when it gave one. */
export class PostgresError extends VeilleError {
  constructor(
    message: string,
    readonly sqlState: string | null,
  ) {
    super('STORE_FAILED', message);
  }
}
