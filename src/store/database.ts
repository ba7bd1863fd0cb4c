// Adapter for better-sqlite3: the only module that imports it. Opens the state file in WAL
// mode and brings its schema up to date, one numbered migration at a time; SqliteDb gives it to
// the repositories as the backends' common Db (db.ts).
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { VeilleError } from '../domain/errors.js';
import type { Db, RunResult, Statement } from './db.js';
import { diskFullError, isDiskFull } from './disk-full.js';

/** better-sqlite3's own connection, for what only SQLite has (pragmas, checkpoints). */
export type SqliteDatabase = Database.Database;

/** What bringing a schema up to date did: the version found and the version left. */
export interface SchemaMigration {
  readonly from: number;
  readonly to: number;
}

/** Each entry moves the schema from version i to i + 1; never edit a shipped one. */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,            -- the URL the source was first added with; never changes
    url TEXT NOT NULL UNIQUE,            -- the URL fetched now (updated by permanent redirects)
    name TEXT,
    lang TEXT,
    active INTEGER NOT NULL DEFAULT 1,   -- 0 once removed from the config; its items stay stored
    site_url TEXT,
    feed_title TEXT,
    etag TEXT,
    last_modified TEXT,
    last_attempt_at TEXT,
    last_success_at TEXT,
    last_error_at TEXT,
    last_error_code TEXT,
    last_error TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    next_fetch_at TEXT,
    moved_from TEXT,
    moved_at TEXT,
    last_new_item_at TEXT,
    created_at TEXT NOT NULL
  );
  CREATE TABLE items (
    id TEXT PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources(id),
    guid TEXT,
    link TEXT,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    content_html TEXT NOT NULL,
    author TEXT,
    published_at TEXT NOT NULL,
    updated_at TEXT,
    date_missing INTEGER NOT NULL,
    categories TEXT NOT NULL,            -- JSON array of strings
    language TEXT,
    links TEXT NOT NULL,                 -- JSON array of outbound URLs
    image_url TEXT,
    content_hash TEXT NOT NULL,
    first_seen_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    changed_at TEXT                      -- when a stored item was edited upstream
  );
  CREATE INDEX items_by_date ON items (published_at DESC, id);
  CREATE INDEX items_by_source ON items (source_id, published_at DESC);
  CREATE TABLE item_themes (
    item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    theme_id TEXT NOT NULL,
    score REAL NOT NULL,
    evidence TEXT NOT NULL,              -- JSON array of {term, field}
    PRIMARY KEY (item_id, theme_id)
  );
  CREATE INDEX item_themes_by_theme ON item_themes (theme_id, item_id);
  `,
  `
  ALTER TABLE sources ADD COLUMN feed_hints TEXT;  -- JSON: the feed's ttl, sy:updatePeriod, skipHours, skipDays
  CREATE TABLE hosts (
    host TEXT PRIMARY KEY,               -- hostname:port, as the fetcher's host limiter names it
    not_before TEXT NOT NULL,            -- no request to this host before this time (Retry-After)
    reason TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  `,
  `
  CREATE TABLE digests (
    week TEXT PRIMARY KEY,               -- ISO week in site.timezone, e.g. 2026-W48
    guid TEXT NOT NULL UNIQUE,           -- never changes, even when the issue is rebuilt with --force
    title TEXT NOT NULL,
    issue TEXT NOT NULL,                 -- JSON of the built issue (src/digest/issue.ts)
    published_at TEXT NOT NULL,          -- first stored
    updated_at TEXT NOT NULL             -- last changed (--force with new content)
  );
  CREATE TABLE deliveries (
    week TEXT NOT NULL REFERENCES digests(week),
    recipient TEXT NOT NULL,             -- lower-case address
    message_id TEXT NOT NULL,
    status TEXT NOT NULL,                -- sending, sent, failed (permanent), pending (transient, retried next run)
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    updated_at TEXT NOT NULL,
    sent_at TEXT,
    PRIMARY KEY (week, recipient)
  );
  `,
  `
  CREATE TABLE stories (
    id INTEGER PRIMARY KEY,              -- older stories have smaller ids; a merge keeps the smaller
    guid TEXT NOT NULL UNIQUE,           -- urn:veille:item:<first item id>; never changes as members join
    first_item_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,            -- the last time a member joined
    merged_into INTEGER REFERENCES stories(id)  -- set when a later match joined it to an older story
  );
  ALTER TABLE items ADD COLUMN story_id INTEGER REFERENCES stories(id);  -- null until grouped
  CREATE INDEX items_by_story ON items (story_id);
  CREATE INDEX items_by_source_link ON items (source_id, link);
  `,
  `
  CREATE TABLE translations (
    source_hash TEXT NOT NULL,           -- sha256 of the source text: an edited text is translated again
    provider TEXT NOT NULL,
    model TEXT NOT NULL,                 -- '' for providers without models
    source_lang TEXT NOT NULL,
    target_lang TEXT NOT NULL,
    glossary_hash TEXT NOT NULL,         -- a changed glossary translates again
    text TEXT NOT NULL,                  -- plain text, checked and cleaned
    glossary_misses TEXT NOT NULL,       -- JSON array of glossary terms the output lacks
    created_at TEXT NOT NULL,
    PRIMARY KEY (source_hash, provider, model, source_lang, target_lang, glossary_hash)
  );
  CREATE TABLE translation_glossaries (
    endpoint TEXT NOT NULL,              -- provider and base URL, e.g. deepl https://api-free.deepl.com
    source_lang TEXT NOT NULL,
    target_lang TEXT NOT NULL,
    glossary_hash TEXT NOT NULL,
    remote_id TEXT NOT NULL,             -- the provider's glossary id
    created_at TEXT NOT NULL,
    PRIMARY KEY (endpoint, source_lang, target_lang, glossary_hash)
  );
  `,
  `
  -- The cluster stage's text signature of title + summary (shingle count and MinHash, see
  -- src/cluster/features.ts), computed once when the item is stored; null: computed when grouping.
  ALTER TABLE items ADD COLUMN text_signature BLOB;
  `,
  `
  -- "veille digest --resend WEEK --to ADDRESS": an issue sent again on purpose (issue 13, finding 5).
  ALTER TABLE deliveries ADD COLUMN resends INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE deliveries ADD COLUMN resent_at TEXT;
  `,
  `
  -- Steady state costs nothing (issue 15): a feed body identical to the last one processed is not
  -- parsed again, an item whose raw fields are unchanged is not cleaned or tagged again, and the
  -- site is rewritten only when a file's content changed.
  ALTER TABLE sources ADD COLUMN body_hash TEXT;     -- hash of the last body processed and of what processing read beside it
  ALTER TABLE items ADD COLUMN raw_hash TEXT;        -- hash of the item's fields as parsed, before cleaning; null: unknown
  CREATE TABLE store_state (
    key TEXT PRIMARY KEY,                -- e.g. 'site.builtAt'
    value TEXT NOT NULL
  );
  `,
  `
  -- The article pages of teaser items (issue 16): one row per item once decided, fetched or not.
  CREATE TABLE item_full_texts (
    item_id TEXT PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
    state TEXT NOT NULL,                 -- ok | failed | not-needed
    mode TEXT NOT NULL,                  -- the source's fullText when decided: auto | always | never
    content_hash TEXT NOT NULL,          -- the item's content_hash when decided: an edit upstream is seen
    attempted_at TEXT,                   -- the last fetch (ok or failed); null when none was needed
    publish INTEGER NOT NULL DEFAULT 0,  -- 1: published instead of the feed's content (fullText: always)
    title TEXT,
    text TEXT,                           -- plain text, one paragraph a line
    html TEXT,                           -- sanitized HTML
    links TEXT,                          -- JSON array of outbound URLs
    error_code TEXT
  );
  CREATE INDEX item_full_texts_by_state ON item_full_texts (state, attempted_at);
  CREATE TABLE robots_txt (
    origin TEXT PRIMARY KEY,             -- scheme://host:port, as RFC 9309 scopes a robots.txt
    body TEXT,                           -- null: allow everything (4xx)
    fetched_at TEXT NOT NULL
  );
  `,
  `
  -- Résumés (issue 16): one per story, written or rejected by the check, and what was spent per day.
  CREATE TABLE resumes (
    story_guid TEXT PRIMARY KEY,         -- the story's published GUID: it never changes
    input_hash TEXT NOT NULL,            -- members' texts, model, prompt, glossary: equal → no new call
    state TEXT NOT NULL,                 -- written | rejected
    title TEXT NOT NULL,                 -- plain text, checked ('' when rejected)
    text TEXT NOT NULL,
    reasons TEXT NOT NULL,               -- JSON array: why the check refused it
    model TEXT NOT NULL,
    item_ids TEXT NOT NULL,              -- JSON array: the members it was written from
    created_at TEXT NOT NULL,
    reused_at TEXT                       -- first time a later run found it current (state "cached")
  );
  CREATE TABLE resume_spending (
    day TEXT PRIMARY KEY,                -- YYYY-MM-DD, UTC
    requests INTEGER NOT NULL,
    characters INTEGER NOT NULL
  );
  `,
  `
  -- "veille digest --withdraw WEEK": the issue leaves the feeds and pages; its row and its
  -- delivery log stay (issue 17, finding 4).
  ALTER TABLE digests ADD COLUMN withdrawn_at TEXT;
  `,
  `
  -- The site is rendered only when something it shows changed (issue 15): a write to what the
  -- published files show sets site.dirty, whoever makes it (a cycle, retag, digest); the
  -- bookkeeping of a fetch (last_seen_at, raw_hash) does not. After the first write the flag is
  -- only read (a lookup per row, no write). The sources (each cycle marks them inactive, then the
  -- configured ones active again) are compared by what the site shows of them (app/publish.ts).
  INSERT OR IGNORE INTO store_state (key, value) VALUES ('site.dirty', '1');
  CREATE TRIGGER site_dirty_items_insert AFTER INSERT ON items
    BEGIN UPDATE store_state SET value = '1' WHERE key = 'site.dirty' AND value = '0'; END;
  CREATE TRIGGER site_dirty_items_delete AFTER DELETE ON items
    BEGIN UPDATE store_state SET value = '1' WHERE key = 'site.dirty' AND value = '0'; END;
  CREATE TRIGGER site_dirty_items_update AFTER UPDATE OF source_id, guid, link, title, summary, content_html, author, published_at, updated_at, date_missing, categories, language, links, image_url, content_hash, changed_at, story_id ON items
    BEGIN UPDATE store_state SET value = '1' WHERE key = 'site.dirty' AND value = '0'; END;
  CREATE TRIGGER site_dirty_item_themes_insert AFTER INSERT ON item_themes
    BEGIN UPDATE store_state SET value = '1' WHERE key = 'site.dirty' AND value = '0'; END;
  CREATE TRIGGER site_dirty_item_themes_delete AFTER DELETE ON item_themes
    BEGIN UPDATE store_state SET value = '1' WHERE key = 'site.dirty' AND value = '0'; END;
  CREATE TRIGGER site_dirty_item_themes_update AFTER UPDATE ON item_themes
    BEGIN UPDATE store_state SET value = '1' WHERE key = 'site.dirty' AND value = '0'; END;
  CREATE TRIGGER site_dirty_stories_insert AFTER INSERT ON stories
    BEGIN UPDATE store_state SET value = '1' WHERE key = 'site.dirty' AND value = '0'; END;
  CREATE TRIGGER site_dirty_stories_delete AFTER DELETE ON stories
    BEGIN UPDATE store_state SET value = '1' WHERE key = 'site.dirty' AND value = '0'; END;
  CREATE TRIGGER site_dirty_stories_update AFTER UPDATE ON stories
    BEGIN UPDATE store_state SET value = '1' WHERE key = 'site.dirty' AND value = '0'; END;
  CREATE TRIGGER site_dirty_digests_insert AFTER INSERT ON digests
    BEGIN UPDATE store_state SET value = '1' WHERE key = 'site.dirty' AND value = '0'; END;
  CREATE TRIGGER site_dirty_digests_delete AFTER DELETE ON digests
    BEGIN UPDATE store_state SET value = '1' WHERE key = 'site.dirty' AND value = '0'; END;
  CREATE TRIGGER site_dirty_digests_update AFTER UPDATE ON digests
    BEGIN UPDATE store_state SET value = '1' WHERE key = 'site.dirty' AND value = '0'; END;
  CREATE TRIGGER site_dirty_translations_insert AFTER INSERT ON translations
    BEGIN UPDATE store_state SET value = '1' WHERE key = 'site.dirty' AND value = '0'; END;
  CREATE TRIGGER site_dirty_translations_delete AFTER DELETE ON translations
    BEGIN UPDATE store_state SET value = '1' WHERE key = 'site.dirty' AND value = '0'; END;
  CREATE TRIGGER site_dirty_translations_update AFTER UPDATE ON translations
    BEGIN UPDATE store_state SET value = '1' WHERE key = 'site.dirty' AND value = '0'; END;
  CREATE TRIGGER site_dirty_translation_glossaries_insert AFTER INSERT ON translation_glossaries
    BEGIN UPDATE store_state SET value = '1' WHERE key = 'site.dirty' AND value = '0'; END;
  CREATE TRIGGER site_dirty_translation_glossaries_delete AFTER DELETE ON translation_glossaries
    BEGIN UPDATE store_state SET value = '1' WHERE key = 'site.dirty' AND value = '0'; END;
  CREATE TRIGGER site_dirty_translation_glossaries_update AFTER UPDATE ON translation_glossaries
    BEGIN UPDATE store_state SET value = '1' WHERE key = 'site.dirty' AND value = '0'; END;
  `,
  `
  -- What the site shows also comes from the résumés and, for "fullText: always", the article pages
  -- (issue 16): a write to either marks the site to be rendered again (issue 15's site.dirty).
  CREATE TRIGGER site_dirty_resumes_insert AFTER INSERT ON resumes
    BEGIN UPDATE store_state SET value = '1' WHERE key = 'site.dirty' AND value = '0'; END;
  CREATE TRIGGER site_dirty_resumes_delete AFTER DELETE ON resumes
    BEGIN UPDATE store_state SET value = '1' WHERE key = 'site.dirty' AND value = '0'; END;
  CREATE TRIGGER site_dirty_resumes_update AFTER UPDATE ON resumes
    BEGIN UPDATE store_state SET value = '1' WHERE key = 'site.dirty' AND value = '0'; END;
  CREATE TRIGGER site_dirty_item_full_texts_insert AFTER INSERT ON item_full_texts
    BEGIN UPDATE store_state SET value = '1' WHERE key = 'site.dirty' AND value = '0'; END;
  CREATE TRIGGER site_dirty_item_full_texts_delete AFTER DELETE ON item_full_texts
    BEGIN UPDATE store_state SET value = '1' WHERE key = 'site.dirty' AND value = '0'; END;
  CREATE TRIGGER site_dirty_item_full_texts_update AFTER UPDATE ON item_full_texts
    BEGIN UPDATE store_state SET value = '1' WHERE key = 'site.dirty' AND value = '0'; END;
  `,
  `
  -- Webhooks for new stories (issue 21): the delivery queue, a row per target and notification
  -- kept until the target answers 2xx (a crash mid-batch loses nothing; a repeat carries the same
  -- key and body), and each target's health. Which stories were seen: store_state 'notify.seenUntil'.
  CREATE TABLE notify_deliveries (
    id INTEGER PRIMARY KEY,
    target TEXT NOT NULL,                -- notify[].name
    key TEXT NOT NULL,                   -- the idempotency key: the story's GUID (and the joining item's id for story.source)
    event TEXT NOT NULL,                 -- story.new | story.source
    story_guid TEXT NOT NULL,
    body TEXT NOT NULL,                  -- rendered once, in the target's format: the same bytes on every attempt
    state TEXT NOT NULL,                 -- pending | sent
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    UNIQUE (target, key)
  );
  CREATE INDEX notify_deliveries_pending ON notify_deliveries (target, state, id);
  CREATE TABLE notify_targets (
    name TEXT PRIMARY KEY,
    delivered INTEGER NOT NULL DEFAULT 0,
    last_success_at TEXT,
    failing_since TEXT,                  -- the first failure since the last success
    failures INTEGER NOT NULL DEFAULT 0, -- attempts failed in a row: the back-off doubles with each
    retry_at TEXT,                       -- nothing is sent to the target before then
    paused_at TEXT,                      -- failing for a day: nothing sent until "veille notify test" succeeds
    last_error TEXT
  );
  `,
  `
  -- WebSub (issue 21, W3C WebSub). The hub and topic each source's feed declares (section 4).
  CREATE TABLE websub_discovered (
    source_id INTEGER PRIMARY KEY REFERENCES sources(id) ON DELETE CASCADE,
    hub TEXT NOT NULL,
    topic TEXT NOT NULL,
    seen_at TEXT NOT NULL
  );
  -- veille's subscriptions to sources' hubs (sections 5.1 to 5.3): callback_id is the opaque last
  -- segment of the callback URL; secret is hub.secret, chosen per subscription.
  CREATE TABLE websub_subscriptions (
    source_id INTEGER NOT NULL,
    callback_id TEXT PRIMARY KEY,
    hub TEXT NOT NULL,
    topic TEXT NOT NULL,
    secret TEXT NOT NULL,
    state TEXT NOT NULL,
    lease_seconds INTEGER,
    expires_at TEXT,
    requested_at TEXT NOT NULL,
    verified_at TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    last_error TEXT,
    pushes INTEGER NOT NULL DEFAULT 0,
    ignored_pushes INTEGER NOT NULL DEFAULT 0,
    last_push_at TEXT,
    missed_items INTEGER NOT NULL DEFAULT 0,
    missed_since TEXT
  );
  CREATE INDEX websub_subscriptions_source ON websub_subscriptions (source_id);
  -- Pings of the configured hubs for the published feeds that changed (hub.mode=publish).
  CREATE TABLE websub_pings (
    hub TEXT NOT NULL,
    topic TEXT NOT NULL,
    pending INTEGER NOT NULL,
    queued_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    sent INTEGER NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0,
    last_ok_at TEXT,
    last_error TEXT,
    last_error_at TEXT,
    PRIMARY KEY (hub, topic)
  );
  `,
  `
  -- Recipients as state (issue 23): the config's list stays the editor's; sign-ups, theme changes
  -- and unsubscriptions are kept here, each change with when and how.
  CREATE TABLE subscribers (
    id INTEGER PRIMARY KEY,
    address TEXT NOT NULL UNIQUE,        -- lowercased
    public_id TEXT NOT NULL UNIQUE,      -- random; the first part of the unsubscribe token
    epoch INTEGER NOT NULL DEFAULT 0,    -- raised by each re-subscription: older tokens are stale
    origin TEXT NOT NULL,                -- config, signup or operator
    state TEXT NOT NULL,                 -- subscribed or unsubscribed
    themes TEXT,                         -- JSON array; NULL: the config's themes, or all
    how TEXT NOT NULL,                   -- how the last change was made
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE subscriber_events (
    id INTEGER PRIMARY KEY,
    subscriber_id INTEGER NOT NULL REFERENCES subscribers(id),
    at TEXT NOT NULL,
    kind TEXT NOT NULL,                  -- subscribed, unsubscribed or themes
    how TEXT NOT NULL,                   -- config, signup, operator, one-click, page or mailto
    themes TEXT
  );
  CREATE INDEX subscriber_events_by_subscriber ON subscriber_events (subscriber_id, id);
  CREATE TABLE signup_requests (
    id TEXT PRIMARY KEY,                 -- random; in the confirmation link
    address TEXT NOT NULL,
    themes TEXT NOT NULL,                -- JSON array
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    confirmed_at TEXT
  );
  CREATE INDEX signup_requests_by_address ON signup_requests (address, created_at);
  `,
  `
  -- Steady state costs nothing (issue 15): every look-up of a source's items is by source_id alone
  -- or with the link, which items_by_source_link (source_id, link) answers; items_by_source
  -- (source_id, published_at) served none of them and cost each insert an index entry more (a
  -- first import of 17,680 items: about a fifth of its saving's CPU).
  DROP INDEX IF EXISTS items_by_source;
  `,
];

export function openDatabase(path: string): SqliteDatabase {
  return openSqlite(path).database;
}

/** Opens (creating when missing) the SQLite state at `path`, its schema brought up to date. */
export function openSqlite(path: string): SqliteDb {
  let db: SqliteDatabase;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new Database(path, { timeout: 5_000 });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // A cycle writes many small transactions; checkpointing (and its fsync) once per cycle,
    // through Store.checkpoint(), rather than every 1000 pages makes them several times cheaper.
    db.pragma('wal_autocheckpoint = 20000');
    // SQLite's own default page cache (2 MB); better-sqlite3 raises it to 16 MB, which a cycle
    // fills with pages it reads once (about 9 MB of peak RSS on a 200-feed import, same CPU: issue 15).
    db.pragma('cache_size = -2000');
  } catch (cause) {
    if (isDiskFull(cause)) throw diskFullError(cause, dirname(path), `opening ${path}`);
    throw new VeilleError('STORE_FAILED', `store: cannot open ${path}: ${(cause as Error).message}`, { cause });
  }
  let migration: SchemaMigration;
  try {
    migration = migrate(db);
  } catch (cause) {
    db.close();
    if (isDiskFull(cause)) throw diskFullError(cause, dirname(path), `bringing the schema of ${path} up to date`);
    throw cause;
  }
  return new SqliteDb(db, migration);
}

/** The number of SQLite migrations: the schema version this veille writes. */
export const SQLITE_SCHEMA_VERSION = MIGRATIONS.length;

function migrate(db: SqliteDatabase): SchemaMigration {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new VeilleError(
      'STORE_FAILED',
      `store: the database has schema version ${current}, newer than this veille knows (${MIGRATIONS.length}); upgrade veille`,
    );
  }
  for (let version = current; version < MIGRATIONS.length; version += 1) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version] ?? '');
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
  return { from: current, to: MIGRATIONS.length };
}

/** better-sqlite3 as the repositories' Db. */
export class SqliteDb implements Db {
  readonly dialect = 'sqlite' as const;

  constructor(
    readonly database: SqliteDatabase,
    readonly migration: SchemaMigration,
  ) {}

  get open(): boolean {
    return this.database.open;
  }

  get inTransaction(): boolean {
    return this.database.inTransaction;
  }

  prepare<P extends unknown[] | {} = unknown[], R = unknown>(sql: string): Statement<P, R> {
    return new SqliteStatement(this.database.prepare(sql)) as unknown as Statement<P, R>;
  }

  transaction<T>(fn: () => T): () => T {
    return this.database.transaction(fn);
  }

  async transactionCommitted<T>(fn: () => T): Promise<T> {
    return this.database.transaction(fn)();
  }

  exec(sql: string): void {
    this.database.exec(sql);
  }

  close(): void {
    this.database.close();
  }
}

class SqliteStatement {
  private rawStatement: Database.Statement | null = null;

  constructor(private readonly statement: Database.Statement) {}

  run(...params: unknown[]): RunResult {
    return this.statement.run(...params);
  }

  get(...params: unknown[]): unknown {
    return this.statement.get(...params);
  }

  all(...params: unknown[]): unknown[] {
    return this.statement.all(...params);
  }

  /** Refused inside a transaction, as on PostgreSQL (whose awaited reads run outside it): a misuse fails here too. */
  async allAsync(...params: unknown[]): Promise<unknown[]> {
    if (this.statement.database.inTransaction) throw new VeilleError('INTERNAL', `store: a read awaited inside a transaction: ${this.statement.source}`);
    return this.statement.all(...params);
  }

  iterate(...params: unknown[]): IterableIterator<unknown> {
    return this.statement.iterate(...params);
  }

  values(...params: unknown[]): unknown[][] {
    this.rawStatement ??= this.statement.database.prepare(this.statement.source).raw(true);
    return this.rawStatement.all(...params) as unknown[][];
  }
}
