// A synchronous PostgreSQL connection, so that the store keeps one synchronous API on both
// backends: node-postgres (the only module that loads it) runs on a worker thread; the calling
// thread posts a query, blocks on Atomics.wait until the worker says its answer is posted, and
// takes that answer with receiveMessageOnPort. One connection per bridge, one query at a time.
// Statements whose answer nobody reads yet (a transaction's writes) wait in a batch and go in the
// message of the next call, so that a transaction costs a round trip per read, not per statement.
// A COMMIT may also be sent without waiting (commitAsync): the caller goes on while the server
// writes, and awaits the answer; the thread answers messages one at a time, in order, so that
// what the caller sends meanwhile runs after that COMMIT.
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

type QueryRequest = { readonly kind: 'query'; readonly sql: string; readonly name: string | null; readonly params: readonly unknown[]; readonly arrays: boolean };

type Request =
  | QueryRequest
  | { readonly kind: 'exec'; readonly sql: string }
  | { readonly kind: 'close' };

/**
 * Deferred statements, run in order before `last` (null: a flush); the first that fails stops the
 * batch. `ends`: the batch ends a transaction (its last is COMMIT), which the thread rolls back
 * itself when the batch fails, since the caller did not wait for the answer.
 */
type Batch = { readonly kind: 'batch'; readonly deferred: readonly QueryRequest[]; readonly last: Request | null; readonly ends?: true };

type Answer =
  | { readonly ok: true; readonly rows: unknown[]; readonly changes: number; readonly deferredChanges?: readonly number[] }
  | { readonly ok: false; readonly message: string; readonly sqlState: string | null };

/** A deferred statement's count of changed rows, known once its batch was sent. */
export interface DeferredChanges {
  readonly changes: number;
}

interface Deferred {
  readonly request: QueryRequest;
  changes: number | null;
  readonly handle: DeferredChanges;
}

/** Atomics.waitAsync (ES2024; in Node since 16), not in the project's ES2023 lib yet. */
const waitAsync = (Atomics as unknown as { waitAsync(array: Int32Array, index: number, value: number): { async: boolean; value: Promise<string> | string } }).waitAsync.bind(Atomics);

/** At most this many statements wait: a long run of writes goes in several messages. */
const MAX_DEFERRED = 200;

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

// BEGIN may come as an exec or, deferred to the next message, as a statement of a batch.
function transactionVerb(request) {
  return request.kind === 'exec' || request.kind === 'query' ? request.sql.trim().toUpperCase() : '';
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

async function answerBatch(batch) {
  if (batch.ends === true) return answerEndingBatch(batch);
  const deferredChanges = [];
  for (const request of batch.deferred) {
    const answered = await answer(request);
    // The first that fails stops the batch (a lost transaction's statements answer without throwing).
    if (!answered.ok) return answered;
    followTransaction(request, true);
    deferredChanges.push(answered.changes);
  }
  const last = batch.last === null ? { ok: true, rows: [], changes: 0 } : await answer(batch.last);
  return last.ok ? { ...last, deferredChanges } : last;
}

function failure(request, error) {
  // A lost connection (no SQLSTATE, class 08, or the server shutting down): the next request reconnects.
  const code = (error && error.code) || '';
  if (client !== null && (code === '' || code.startsWith('08') || code.startsWith('57P'))) dropConnection();
  followTransaction(request, false);
  return { ok: false, message: String(error && error.message || error), sqlState: (error && error.code) || null };
}

// A transaction's writes and its COMMIT, whose answer the caller awaits while it goes on: on a
// failure the transaction is rolled back here, before the caller's next message runs, which must
// not find it open (nor, its connection lost, find every statement refused until a ROLLBACK).
async function answerEndingBatch(batch) {
  const result = await answerBatch({ kind: 'batch', deferred: batch.deferred, last: batch.last }).catch((error) => failure(batch, error));
  if (!result.ok) {
    if (transaction === 'open' && client !== null) await client.query('ROLLBACK').catch(() => dropConnection());
    transaction = 'none';
  }
  return result;
}

// One message at a time, in the order sent: a message sent while a COMMIT runs waits for it.
let previous = Promise.resolve();
port.on('message', (request) => {
  previous = previous
    .then(() => (request.kind === 'batch' ? answerBatch(request) : answer(request)))
    .catch((error) => failure(request, error))
    .then((result) => {
      port.postMessage(result);
      // The count of answers posted: the caller waits for the one it expects.
      Atomics.add(flag, 0, 1);
      Atomics.notify(flag, 0);
    });
});
`;

export class PostgresBridge {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag: Int32Array;
  private closed = false;
  private deferred: Deferred[] = [];
  private trips = 0;
  private sent = 0;
  /** Answers taken from the port so far; the thread counts those it posted in `flag`. */
  private received = 0;
  /** Who takes each answer not yet received, in the order the messages were sent. */
  private readonly takers: ((answer: Answer) => void)[] = [];
  /** Messages whose answer is awaited, not waited for (commitAsync): the port keeps the process alive meanwhile. */
  private awaited = 0;
  /** True while an Atomics.waitAsync watches for the awaited answers. */
  private watching = false;
  private waited = 0;

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

  /** Messages sent to the thread so far (each one a wait of the caller): for tests and benches. */
  get roundTrips(): number {
    return this.trips;
  }

  /** Statements sent to the server so far (several in a message when deferred): for tests and benches. */
  get statements(): number {
    return this.sent;
  }

  /** Messages whose answer the calling thread waited for (the others' answers were awaited): for tests and benches. */
  get waits(): number {
    return this.waited;
  }

  /** Runs one statement with `$n` placeholders; a `name` prepares it once per connection. */
  query(sql: string, params: readonly unknown[], options: { name?: string | null; arrays?: boolean } = {}): QueryAnswer {
    return this.call({ kind: 'query', sql, params, name: options.name ?? null, arrays: options.arrays === true });
  }

  /** `query` without blocking: the promise settles with the answer; what is sent next runs after it. */
  queryAsync(sql: string, params: readonly unknown[], options: { name?: string | null } = {}): Promise<QueryAnswer> {
    return this.sendAwaited({ kind: 'query', sql, params, name: options.name ?? null, arrays: false });
  }

  /**
   * Queues a statement whose rows nobody reads, sent with the next call (a query, exec, flush);
   * its `changes`, when read, sends the queue first. An error of a queued statement is thrown by
   * that next call. For statements inside a transaction: one outside would not be committed yet.
   */
  defer(sql: string, params: readonly unknown[], options: { name?: string | null } = {}): DeferredChanges {
    const flush = (): void => this.flush();
    const entry: Deferred = {
      request: { kind: 'query', sql, params, name: options.name ?? null, arrays: false },
      changes: null,
      handle: {
        get changes(): number {
          if (entry.changes === null) flush();
          return entry.changes ?? 0;
        },
      },
    };
    this.deferred.push(entry);
    if (this.deferred.length >= MAX_DEFERRED) this.flush();
    return entry.handle;
  }

  /** Sends the queued statements now (their errors thrown here), and waits for every answer awaited. */
  flush(): void {
    if (this.deferred.length > 0) this.call(null);
    else this.waitFor(() => this.takers.length === 0);
  }

  /**
   * Sends the queued statements and `sql` (COMMIT, or RELEASE of a savepoint) without waiting: the
   * promise settles with the answer, and the thread rolls the transaction back itself when it fails.
   * What is sent next runs after it.
   */
  commitAsync(sql: string): Promise<void> {
    return this.sendAwaited({ kind: 'exec', sql }, true).then(() => undefined);
  }

  /** Sends the queued statements and `last` without waiting; `ends`: a COMMIT, rolled back by the thread if the batch fails. */
  private sendAwaited(last: Request, ends = false): Promise<QueryAnswer> {
    const deferred = this.deferred;
    this.deferred = [];
    const message: Request | Batch =
      deferred.length === 0 && !ends ? last : { kind: 'batch', deferred: deferred.map((entry) => entry.request), last, ...(ends ? { ends } : {}) };
    return new Promise<QueryAnswer>((resolve, reject) => {
      this.send(message, deferred.length + 1, (answer) => {
        this.awaited -= 1;
        if (this.awaited === 0) this.port.unref();
        try {
          resolve(this.settle(deferred, answer));
        } catch (error) {
          reject(error);
        }
      });
      this.awaited += 1;
      this.port.ref();
      this.watch();
    });
  }

  /**
   * Takes the awaited answers as the thread posts them, without blocking (Atomics.waitAsync on the
   * count of answers), until none is awaited. Every answer is taken with receiveMessageOnPort, in order.
   */
  private watch(): void {
    if (this.watching || this.awaited === 0 || this.closed) return;
    this.watching = true;
    const next = (): void => {
      this.watching = false;
      while (Atomics.load(this.flag, 0) !== this.received) {
        const received = receiveMessageOnPort(this.port);
        if (received === undefined) break;
        this.take(received.message as Answer);
      }
      this.watch();
    };
    const waiting = waitAsync(this.flag, 0, this.received);
    if (typeof waiting.value === 'string') queueMicrotask(next);
    else void waiting.value.then(next);
  }

  /**
   * Drops, unsent, the queued statement `from` and those after it (null: all), as a transaction
   * that failed does; false when `from` is no longer queued (it was sent).
   */
  dropFrom(from: DeferredChanges | null): boolean {
    const index = from === null ? 0 : this.deferred.findIndex((entry) => entry.handle === from);
    if (index === -1) return false;
    this.deferred.length = index;
    return true;
  }

  /** Runs SQL text of one or more statements, without parameters. */
  exec(sql: string): void {
    this.call({ kind: 'exec', sql });
  }

  close(): void {
    if (this.closed) return;
    this.deferred = [];
    try {
      this.call({ kind: 'close' });
    } finally {
      this.closed = true;
      this.port.close();
      void this.worker.terminate();
    }
  }

  private call(request: Request | null): QueryAnswer {
    const deferred = this.deferred;
    this.deferred = [];
    let answer: Answer | null = null;
    this.send(
      deferred.length === 0 && request !== null ? request : ({ kind: 'batch', deferred: deferred.map((entry) => entry.request), last: request } satisfies Batch),
      deferred.length + (request === null ? 0 : 1),
      (received) => (answer = received),
    );
    this.waited += 1;
    this.waitFor(() => answer !== null);
    return this.settle(deferred, answer as unknown as Answer);
  }

  private send(message: Request | Batch, statements: number, taker: (answer: Answer) => void): void {
    if (this.closed) throw new VeilleError('STORE_FAILED', 'store: the PostgreSQL connection is closed');
    this.trips += 1;
    this.sent += statements;
    this.takers.push(taker);
    this.port.postMessage(message);
  }

  /** Blocks until `done`, taking the answers the thread posted (in order) as they come. */
  private waitFor(done: () => boolean): void {
    // Atomics.wait returns early on a spurious wake-up: wait out the rest of the time. The time runs from the last
    // answer taken: messages awaited before this one are answered first, each within the thread's own query timeout.
    let deadline = Date.now() + this.options.timeoutMs + 1_000;
    while (!done()) {
      const posted = Atomics.load(this.flag, 0);
      if (posted !== this.received) {
        const received = receiveMessageOnPort(this.port);
        if (received === undefined) throw new VeilleError('STORE_FAILED', 'store: the PostgreSQL thread answered nothing');
        this.take(received.message as Answer);
        deadline = Date.now() + this.options.timeoutMs + 1_000;
        continue;
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        const silence = `did not answer within ${Math.round(this.options.timeoutMs / 1000)} s`;
        this.closed = true;
        void this.worker.terminate();
        // The answers awaited will not come either.
        for (const taker of this.takers.splice(0)) taker({ ok: false, message: silence, sqlState: null });
        throw new VeilleError('STORE_FAILED', `store: PostgreSQL at ${this.options.url} ${silence}`);
      }
      Atomics.wait(this.flag, 0, posted, left);
    }
  }

  /** An answer, to whoever waits or awaits it (answers come in the order the messages went). */
  private take(answer: Answer): void {
    // The thread counts its answers in an Int32Array: the count wraps as it does.
    this.received = (this.received + 1) | 0;
    this.takers.shift()?.(answer);
  }

  /** The deferred statements' counts from their batch's answer; its error thrown. */
  private settle(deferred: readonly Deferred[], answer: Answer): QueryAnswer {
    if (answer.ok) answer.deferredChanges?.forEach((changes, index) => ((deferred[index] as Deferred).changes = changes));
    else for (const entry of deferred) entry.changes ??= 0;
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
