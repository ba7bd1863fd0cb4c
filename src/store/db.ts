// The little the repositories ask of a database, implemented by both backends: SQLite through
// better-sqlite3 (database.ts) and PostgreSQL through node-postgres on a worker thread
// (postgres.ts). Statements take `?` or `@name` placeholders; SQL that differs between the two
// asks `db.dialect`.

export type Dialect = 'sqlite' | 'postgres';

export interface RunResult {
  /** Rows the statement inserted, updated or deleted. */
  readonly changes: number;
}

/** Positional values, or one object of named values for `@name` placeholders. */
export type Params<P> = P extends unknown[] ? P : [P];

export interface Statement<P extends unknown[] | {} = unknown[], R = unknown> {
  run(...params: Params<P>): RunResult;
  get(...params: Params<P>): R | undefined;
  all(...params: Params<P>): R[];
  /**
   * `all` for a caller that can await: on PostgreSQL the thread goes on while the bridge asks (the
   * query runs after what was sent before it); SQLite reads at once. Not inside a transaction.
   */
  allAsync(...params: Params<P>): Promise<R[]>;
  /** The rows one at a time: SQLite reads each as it is asked for; PostgreSQL's bridge hands over the answer it received whole. */
  iterate(...params: Params<P>): IterableIterator<R>;
  /** Rows as arrays of values, in the order of the SELECT's columns. */
  values(...params: Params<P>): unknown[][];
}

export interface Db {
  readonly dialect: Dialect;
  /** False once closed. */
  readonly open: boolean;
  /** True inside `transaction`'s function. */
  readonly inTransaction: boolean;
  prepare<P extends unknown[] | {} = unknown[], R = unknown>(sql: string): Statement<P, R>;
  /** `fn` wrapped in one transaction (a savepoint when nested): committed when it returns, rolled back when it throws. */
  transaction<T>(fn: () => T): () => T;
  /**
   * `fn` in one transaction, for a caller that can await its commit: on PostgreSQL the COMMIT is
   * sent without blocking the thread (the server writes while the caller goes on; what the caller
   * sends next runs after it) and the promise settles with its answer, rejected and the whole
   * transaction rolled back when a write failed; SQLite commits before the promise is made.
   */
  transactionCommitted<T>(fn: () => T): Promise<T>;
  /** Runs SQL text (several statements, no parameters). */
  exec(sql: string): void;
  close(): void;
}

/** Statements by SQL text, per connection: the store and its repositories prepare each once. */
const preparedByDb = new WeakMap<Db, Map<string, Statement>>();

/** The statement for `sql` on `db`, prepared on first use. */
export function prepared<P extends unknown[] | {} = unknown[], R = unknown>(db: Db, sql: string): Statement<P, R> {
  let statements = preparedByDb.get(db);
  if (!statements) preparedByDb.set(db, (statements = new Map()));
  let statement = statements.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    statements.set(sql, statement);
  }
  return statement as unknown as Statement<P, R>;
}

/**
 * `fn` in a transaction of its own, or, inside one, as part of it: its writes then stand or fall
 * with that transaction's, and no savepoint is made for them (on PostgreSQL, releasing one costs a
 * message to the bridge's thread). For a repository's writes that must go together, whose caller
 * may group them with others (a fetched feed's items and its source's success: issue 20).
 */
export function atomically<T>(db: Db, fn: () => T): T {
  return db.inTransaction ? fn() : db.transaction(fn)();
}

/**
 * A table of the elements of a JSON array bound at `placeholder`, as one column `value` of JSON
 * (an element that is an array gives its fields with `value ->> 0`, `value ->> 1`…): SQLite's
 * json_each, PostgreSQL's jsonb_array_elements (jsonb: the array is parsed once; json's `->>`
 * parses an element's text again for each field). For many rows written in one statement.
 */
export function jsonArrayElements(db: Db, placeholder: string): string {
  return db.dialect === 'sqlite' ? `json_each(${placeholder})` : `jsonb_array_elements(CAST(${placeholder} AS jsonb))`;
}

/**
 * A subquery of the values of a JSON array of strings bound at `placeholder`, cast to integers
 * when `integers`: SQLite's json_each, PostgreSQL's json_array_elements_text.
 */
export function jsonListValues(db: Db, placeholder: string, options: { integers?: boolean } = {}): string {
  if (db.dialect === 'sqlite') return `(SELECT value FROM json_each(${placeholder}))`;
  return `(SELECT value${options.integers === true ? '::bigint' : ''} FROM json_array_elements_text(CAST(${placeholder} AS json)))`;
}
