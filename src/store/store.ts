// The project's state, one repository per entity on one connection (a SQLite file or a
// PostgreSQL database): sources and hosts, items and their themes, stories, digests and
// deliveries, translations. The Store opens the database, hands out the repositories, and
// answers the calls the stages make most (each one line to its repository). Every write that
// belongs together happens in one transaction, so a crash loses nothing stored.
import { existsSync } from 'node:fs';
import { VeilleError } from '../domain/errors.js';
import type { HostDeferral, SourceRecord } from '../domain/source.js';
import type { ClusterItem, StoredItem, StoredStory, StoryAssignment } from '../domain/story.js';
import type { SourceSpec, ThemeMatch } from '../domain/types.js';
import { openSqlite, SqliteDb, type SchemaMigration } from './database.js';
import { prepared, type Db } from './db.js';
import { DigestStore } from './digest-store.js';
import { isDiskFull } from './disk-full.js';
import { FullTextStore } from './full-text-store.js';
import { ItemStore, type SaveResult, type TaggedItem, type TaggingRow } from './item-store.js';
import { SourceStore, type SourceFailure, type SourceNotModified, type SourceSuccess } from './source-store.js';
import { StoryStore } from './story-store.js';
import { TranslationStore } from './translation-store.js';
import { ResumeStore } from './resume-store.js';
import { NotifyStore } from './notify-store.js';
import { WebSubStore } from './websub-store.js';
import { openPostgres, PostgresDb } from './postgres.js';
import { copyState, type CopyReport } from './store-copy.js';
import type { StorageLocation } from './storage-location.js';
import { SubscriberStore } from './subscriber-store.js';
import { withStepLock, type StepLockOptions } from './step-lock.js';

export class Store {
  private sourceStore: SourceStore | null = null;
  private itemStore: ItemStore | null = null;
  private storyStore: StoryStore | null = null;
  private digestStore: DigestStore | null = null;
  private translationStore: TranslationStore | null = null;
  private fullTextStore: FullTextStore | null = null;
  private resumeStore: ResumeStore | null = null;
  private notifyStore: NotifyStore | null = null;
  private webSubStore: WebSubStore | null = null;
  private subscriberStore: SubscriberStore | null = null;

  private constructor(
    private readonly db: Db,
    /** What opening did to the schema: created (from 0), upgraded, or nothing (from = to). */
    readonly migration: SchemaMigration,
  ) {}

  /**
   * Opens the state at `location` (a SQLite path, or a PostgreSQL database whose password is read
   * from `env`), its schema created or brought up to date.
   */
  static open(location: string | StorageLocation, env: NodeJS.ProcessEnv = process.env): Store {
    const where: StorageLocation = typeof location === 'string' ? { kind: 'sqlite', path: location } : location;
    if (where.kind === 'sqlite') {
      const db = openSqlite(where.path);
      return new Store(db, db.migration);
    }
    const db = openPostgres({ url: where.url, password: readPassword(where.passwordEnv, env), schema: where.schema ?? null });
    return new Store(db, db.migration);
  }

  /**
   * The store when its file exists, else null: commands that only read never create one. A
   * PostgreSQL database is always there to open.
   */
  static openIfExists(location: string | StorageLocation, env: NodeJS.ProcessEnv = process.env): Store | null {
    if (typeof location !== 'string' && location.kind === 'postgres') return Store.open(location, env);
    const path = typeof location === 'string' ? location : location.path;
    return existsSync(path) ? Store.open(path) : null;
  }

  /** The backend this store runs on. */
  get dialect(): Db['dialect'] {
    return this.db.dialect;
  }

  close(): void {
    if (!this.db.open) return;
    try {
      this.checkpoint();
    } catch (error) {
      // On a full disk the write-ahead log keeps what was written, and SQLite moves it into the
      // database on the next open: closing goes on, and the error that ended the command is the
      // one reported, not this one.
      if (!isDiskFull(error)) throw error;
    } finally {
      this.db.close();
    }
  }

  /**
   * Copies every row of this store into `target` (`veille store copy`), ids, GUIDs and delivery
   * log included; a target holding rows is refused unless `replace`.
   */
  copyTo(target: Store, options: { readonly replace: boolean }): CopyReport {
    return copyState(this.db, target.db, options);
  }

  /**
   * Runs a write step (a cycle, a digest, a retag) while no other process on this PostgreSQL
   * database runs one (step-lock.ts); a SQLite store's steps take turns through the data folder's
   * file lock instead (app.ts).
   */
  withStepLock<T>(options: StepLockOptions, work: () => Promise<T>): Promise<T> {
    if (this.db.dialect !== 'postgres') throw new VeilleError('INTERNAL', 'store: the step lock is PostgreSQL\'s; a SQLite store uses the data folder\'s lock');
    return withStepLock(this.db, options, work);
  }

  /**
   * `work`'s writes in one transaction: committed when it returns, rolled back when it throws
   * (a savepoint inside another). For writes that belong together across repositories, such as a
   * fetched feed's items and its source's bookkeeping: one commit, and on PostgreSQL the writes
   * go in one message with the transaction's next read or its COMMIT. `work` must not await.
   */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  /**
   * As `transaction`, for a caller that can await its commit: on PostgreSQL the COMMIT is sent
   * without blocking the thread (the server writes while the caller goes on) and the promise
   * settles with its answer; on SQLite committed before the promise is made.
   */
  transactionCommitted<T>(work: () => T): Promise<T> {
    return this.db.transactionCommitted(work);
  }

  /** The messages sent to PostgreSQL's bridge so far (null on SQLite): for tests and benches. */
  get roundTrips(): number | null {
    return this.db instanceof PostgresDb ? this.db.roundTrips : null;
  }

  /** The messages to PostgreSQL's bridge whose answer the thread waited for, blocked (null on SQLite): for tests and benches. */
  get waitedRoundTrips(): number | null {
    return this.db instanceof PostgresDb ? this.db.waits : null;
  }

  /** The statements sent to PostgreSQL so far, several in a message (null on SQLite): for tests and benches. */
  get statementsSent(): number | null {
    return this.db instanceof PostgresDb ? this.db.statements : null;
  }

  /** Moves SQLite's write-ahead log into the database file; run after each cycle. PostgreSQL checkpoints by itself. */
  checkpoint(): void {
    if (this.db instanceof SqliteDb) this.db.database.pragma('wal_checkpoint(TRUNCATE)');
  }

  /** SQLite's own check of the file: "ok" when whole. PostgreSQL keeps its own (amcheck, checksums): "ok". */
  checkIntegrity(): string {
    return this.db instanceof SqliteDb ? (this.db.database.pragma('integrity_check', { simple: true }) as string) : 'ok';
  }

  /** Configured sources with their HTTP state and health, and the hosts deferred. */
  sources(): SourceStore {
    this.sourceStore ??= new SourceStore(this.db);
    return this.sourceStore;
  }

  /** Items with their themes. */
  items(): ItemStore {
    this.itemStore ??= new ItemStore(this.db);
    return this.itemStore;
  }

  /** Stories: grouping in, stories out for the feeds. */
  stories(): StoryStore {
    this.storyStore ??= new StoryStore(this.db);
    return this.storyStore;
  }

  /** The digest's tables (issues, delivery log). */
  digests(): DigestStore {
    this.digestStore ??= new DigestStore(this.db);
    return this.digestStore;
  }

  /** The translation cache and the provider-side glossaries. */
  translations(): TranslationStore {
    this.translationStore ??= new TranslationStore(this.db);
    return this.translationStore;
  }

  /** The article pages of items (full text) and the robots.txt of their origins. */
  fullTexts(): FullTextStore {
    this.fullTextStore ??= new FullTextStore(this.db);
    return this.fullTextStore;
  }

  /** The résumés of stories and what their provider was sent per day. */
  resumes(): ResumeStore {
    this.resumeStore ??= new ResumeStore(this.db);
    return this.resumeStore;
  }

  /** The webhooks' delivery queue and targets (issue 21). */
  notify(): NotifyStore {
    this.notifyStore ??= new NotifyStore(this.db);
    return this.notifyStore;
  }

  /** WebSub: the hubs sources declare, veille's subscriptions to them, and the pings of its own hubs. */
  websub(): WebSubStore {
    this.webSubStore ??= new WebSubStore(this.db);
    return this.webSubStore;
  }

  /** Sign-ups, theme changes and unsubscriptions (issue 23), and the secret their links are signed with. */
  subscribers(): SubscriberStore {
    this.subscriberStore ??= new SubscriberStore(this.db);
    return this.subscriberStore;
  }

  // Sources (SourceStore).

  syncSources(specs: readonly SourceSpec[], now: string): SourceRecord[] {
    return this.sources().syncSources(specs, now);
  }

  findActiveSource(key: string): Promise<SourceRecord | null> {
    return this.sources().findActiveSource(key);
  }

  listSources(options: { activeOnly: boolean }): SourceRecord[] {
    return this.sources().listSources(options);
  }

  recordAttempt(sourceId: number, at: string): void {
    this.sources().recordAttempt(sourceId, at);
  }

  recordSuccess(sourceId: number, success: SourceSuccess): void {
    this.sources().recordSuccess(sourceId, success);
  }

  recordNotModified(sourceId: number, check: SourceNotModified): void {
    this.sources().recordNotModified(sourceId, check);
  }

  recordFailure(sourceId: number, failure: SourceFailure): void {
    this.sources().recordFailure(sourceId, failure);
  }

  postponeSource(sourceId: number, nextFetchAt: string): void {
    this.sources().postponeSource(sourceId, nextFetchAt);
  }

  deferHost(deferral: HostDeferral, at: string): void {
    this.sources().deferHost(deferral, at);
  }

  listHostDeferrals(now: string): HostDeferral[] {
    return this.sources().listHostDeferrals(now);
  }

  // Items (ItemStore).

  saveItems(sourceId: number, tagged: readonly TaggedItem[], now: string): SaveResult {
    return this.items().saveItems(sourceId, tagged, now);
  }

  recentItems(limit: number, themeId?: string): StoredItem[] {
    return this.items().recentItems(limit, themeId);
  }

  itemsForTagging(afterId: string | null, limit: number): TaggingRow[] {
    return this.items().itemsForTagging(afterId, limit);
  }

  replaceThemes(changes: readonly { readonly itemId: string; readonly themes: readonly ThemeMatch[] }[]): void {
    this.items().replaceThemes(changes);
  }

  countItems(): number {
    return this.items().countItems();
  }

  itemRawHashes(sourceId: number): Promise<string[]> {
    return this.items().rawHashes(sourceId);
  }

  touchItems(ids: readonly string[], now: string): void {
    this.items().touchItems(ids, now);
  }

  /** A value the program keeps between runs (e.g. when the site last changed); null when never written. */
  readState(key: string): string | null {
    return prepared<[string], { value: string }>(this.db, 'SELECT value FROM store_state WHERE key = ?').get(key)?.value ?? null;
  }

  writeState(key: string, value: string): void {
    prepared(this.db, 'INSERT INTO store_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  // Stories (StoryStore).

  listUngroupedItems(keep?: (item: ClusterItem) => ClusterItem): ClusterItem[] {
    return this.stories().listUngroupedItems(keep);
  }

  eachGroupedSince(since: string, visit: (item: ClusterItem) => void): void {
    this.stories().eachGroupedSince(since, visit);
  }

  applyStoryAssignments(assignments: readonly Omit<StoryAssignment, 'reasons'>[], now: string): void {
    this.stories().applyStoryAssignments(assignments, now);
  }

  recentStories(limit: number, options: { themeId?: string; since?: string } = {}): StoredStory[] {
    return this.stories().recentStories(limit, options);
  }
}

/** The password of a PostgreSQL location, from the environment variable it names. */
function readPassword(passwordEnv: string | null, env: NodeJS.ProcessEnv): string | null {
  if (passwordEnv === null) return null;
  const password = env[passwordEnv];
  if (password === undefined || password === '') {
    throw new VeilleError('STORE_FAILED', `store: the environment variable ${passwordEnv} (storage.passwordEnv) holds no password`);
  }
  return password;
}
