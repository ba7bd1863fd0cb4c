// The sources' repository: configured sources with their HTTP state and health, and the hosts
// that asked not to be contacted for a while.
import { ERROR_CODES, type ErrorCode } from '../domain/errors.js';
import type { HostDeferral, SourceRecord } from '../domain/source.js';
import { sourceUrlKey } from '../domain/source-url.js';
import type { SourceSpec } from '../domain/types.js';
import { atomically, prepared, type Db, type Statement } from './db.js';

export interface SourceNotModified {
  readonly at: string;
  readonly nextFetchAt: string;
  readonly etag: string | null;
  readonly lastModified: string | null;
}

export interface SourceSuccess {
  readonly at: string;
  readonly nextFetchAt: string;
  readonly etag: string | null;
  readonly lastModified: string | null;
  readonly siteUrl?: string | null;
  readonly feedTitle?: string | null;
  /** Set when the feed answered with permanent redirects: the URL to fetch from now on. */
  readonly movedTo?: string | null;
  /** JSON of the feed's schedule hints; kept as they were when absent. */
  readonly feedHints?: string | null;
  /** The body key of the body processed (app/body-key.ts); kept as it was when absent. */
  readonly bodyHash?: string | null;
}

export interface SourceFailure {
  readonly at: string;
  readonly nextFetchAt: string;
  readonly code: ErrorCode;
  readonly message: string;
}

interface SourceRow {
  id: number;
  key: string;
  url: string;
  name: string | null;
  lang: string | null;
  active: number;
  site_url: string | null;
  feed_title: string | null;
  etag: string | null;
  last_modified: string | null;
  last_attempt_at: string | null;
  last_success_at: string | null;
  last_error_at: string | null;
  last_error_code: string | null;
  last_error: string | null;
  consecutive_failures: number;
  next_fetch_at: string | null;
  moved_from: string | null;
  moved_at: string | null;
  last_new_item_at: string | null;
  item_count: number;
  created_at: string;
  feed_hints: string | null;
  body_hash: string | null;
}

const SOURCE_COLUMNS = `s.*, (SELECT COUNT(*) FROM items i WHERE i.source_id = s.id) AS item_count`;

export class SourceStore {

  constructor(private readonly db: Db) {}

  private statement<P extends unknown[] | {} = unknown[], R = unknown>(sql: string): Statement<P, R> {
    return prepared<P, R>(this.db, sql);
  }

  /**
   * Makes the stored sources match the config: new ones added, missing ones deactivated. Sources
   * are compared by sourceUrlKey: configured URLs that differ only in case, default port or
   * fragment are one source, named as the first of them says. Its row is the oldest holding one of
   * these URLs as written, else the oldest holding a URL of the same key (before sources were
   * compared so, several rows may hold one feed: the others stay stored, inactive). A new source
   * is stored under its URL as configured, which stays its key.
   */
  syncSources(specs: readonly SourceSpec[], now: string): SourceRecord[] {
    const insert = this.statement<[string, string, string | null, string | null, string], { id: number }>(
      'INSERT INTO sources (key, url, name, lang, active, created_at) VALUES (?, ?, ?, ?, 1, ?) RETURNING id',
    );
    const update = this.statement('UPDATE sources SET name = ?, lang = ?, active = 1 WHERE id = ?');
    const deactivate = this.statement('UPDATE sources SET active = 0 WHERE id = ?');
    const groups = new Map<string, SourceSpec[]>();
    for (const spec of specs) {
      const key = sourceUrlKey(spec.url);
      const group = groups.get(key);
      if (group) group.push(spec);
      else groups.set(key, [spec]);
    }
    this.db.transaction(() => {
      // Every row, read once (a cycle read them one per source): a row is written only when the
      // config changes what it holds, so a cycle with the same sources writes none of them.
      // Numbers on both backends (PostgreSQL's driver may give a bigint as text).
      const rows = this.statement<[], { id: number; key: string; url: string; name: string | null; lang: string | null; active: number }>(
        'SELECT id, key, url, name, lang, active FROM sources ORDER BY id',
      )
        .all()
        .map((row) => ({ ...row, id: Number(row.id), active: Number(row.active) }));
      const byId = new Map(rows.map((row) => [row.id, { name: row.name, lang: row.lang, active: row.active }]));
      // The oldest row holding a URL as written, as its key or its URL.
      const byUrl = new Map<string, number>();
      for (const row of rows) {
        if (!byUrl.has(row.key)) byUrl.set(row.key, row.id);
        if (!byUrl.has(row.url)) byUrl.set(row.url, row.id);
      }
      // Built on the first configured URL no row holds as written: every row by the key of both its URLs.
      let storedByKey = null as Map<string, number> | null;
      const findStored = (key: string, group: readonly SourceSpec[]): number | null => {
        let found: number | null = null;
        for (const spec of group) {
          const id = byUrl.get(spec.url);
          if (id !== undefined && (found === null || id < found)) found = id;
        }
        if (found !== null) return found;
        storedByKey ??= storedSourcesByKey(rows);
        return storedByKey.get(key) ?? null;
      };
      const configured = new Set<number>();
      for (const [key, group] of groups) {
        const spec = group[0] as SourceSpec;
        const existing = findStored(key, group);
        if (existing !== null) {
          configured.add(existing);
          const row = byId.get(existing);
          if (row === undefined || row.name !== spec.name || row.lang !== spec.lang || row.active !== 1) {
            update.run(spec.name, spec.lang, existing);
            byId.set(existing, { name: spec.name, lang: spec.lang, active: 1 });
          }
        } else {
          const id = Number(insert.get(spec.url, spec.url, spec.name, spec.lang, now)?.id);
          configured.add(id);
          byUrl.set(spec.url, id);
          storedByKey?.set(key, id);
        }
      }
      for (const row of rows) if (row.active !== 0 && !configured.has(row.id)) deactivate.run(row.id);
    })();
    return this.listSources({ activeOnly: true });
  }

  /** The active source whose key is `key` (sourceUrlKey), read now: a fetch job's source (issue 20). */
  /** Awaited: on PostgreSQL a fetch worker's thread goes on meanwhile (one read per job). */
  async findActiveSource(key: string): Promise<SourceRecord | null> {
    const [row] = await this.statement<[string], SourceRow>(`SELECT ${SOURCE_COLUMNS} FROM sources s WHERE s.active = 1 AND s.key = ?`).allAsync(key);
    return row === undefined ? null : toSourceRecord(row);
  }

  listSources(options: { activeOnly: boolean }): SourceRecord[] {
    const where = options.activeOnly ? 'WHERE s.active = 1' : '';
    const rows = this.statement<[], SourceRow>(`SELECT ${SOURCE_COLUMNS} FROM sources s ${where} ORDER BY s.id`).all();
    return rows.map(toSourceRecord);
  }

  recordAttempt(sourceId: number, at: string): void {
    this.statement('UPDATE sources SET last_attempt_at = ? WHERE id = ?').run(at, sourceId);
  }

  recordSuccess(sourceId: number, success: SourceSuccess): void {
    atomically(this.db, () => {
      this.statement(
          `UPDATE sources SET last_success_at = @at, next_fetch_at = @nextFetchAt, etag = @etag,
             last_modified = @lastModified, consecutive_failures = 0,
             site_url = COALESCE(@siteUrl, site_url), feed_title = COALESCE(@feedTitle, feed_title),
             feed_hints = COALESCE(@feedHints, feed_hints), body_hash = COALESCE(@bodyHash, body_hash)
           WHERE id = @id`,
        )
        .run({
          id: sourceId,
          at: success.at,
          nextFetchAt: success.nextFetchAt,
          etag: success.etag,
          lastModified: success.lastModified,
          siteUrl: success.siteUrl ?? null,
          feedTitle: success.feedTitle ?? null,
          feedHints: success.feedHints ?? null,
          bodyHash: success.bodyHash ?? null,
        });
      if (success.movedTo) {
        const taken = this.statement('SELECT id FROM sources WHERE url = ? AND id <> ?').get(success.movedTo, sourceId);
        if (!taken) {
          this.statement('UPDATE sources SET moved_from = url, moved_at = ?, url = ? WHERE id = ? AND url <> ?')
            .run(success.at, success.movedTo, sourceId, success.movedTo);
        }
      }
    });
  }

  /** A 304: one row update, the check time and what the server said, nothing else. */
  recordNotModified(sourceId: number, check: SourceNotModified): void {
    this.statement(
        `UPDATE sources SET last_attempt_at = @at, last_success_at = @at, next_fetch_at = @nextFetchAt,
           etag = @etag, last_modified = @lastModified, consecutive_failures = 0
         WHERE id = @id`,
      )
      .run({ id: sourceId, ...check });
  }

  /** Moves a source's next fetch later without counting a failure (its host asked to wait). */
  postponeSource(sourceId: number, nextFetchAt: string): void {
    this.statement('UPDATE sources SET next_fetch_at = ? WHERE id = ?').run(nextFetchAt, sourceId);
  }

  /** Records that a host is not to be contacted before `notBefore`; a later time already stored wins. */
  deferHost(deferral: HostDeferral, at: string): void {
    this.db.transaction(() => {
      this.statement('DELETE FROM hosts WHERE not_before <= ?').run(at);
      this.statement(
          `INSERT INTO hosts (host, not_before, reason, updated_at) VALUES (@host, @notBefore, @reason, @at)
           ON CONFLICT (host) DO UPDATE SET
             not_before = CASE WHEN excluded.not_before > hosts.not_before THEN excluded.not_before ELSE hosts.not_before END,
             reason = excluded.reason, updated_at = excluded.updated_at`,
        )
        .run({ ...deferral, at });
    })();
  }

  /** Hosts still deferred at `now`. */
  listHostDeferrals(now: string): HostDeferral[] {
    return this.statement<[string], { host: string; not_before: string; reason: string }>(
        'SELECT host, not_before, reason FROM hosts WHERE not_before > ? ORDER BY host',
      )
      .all(now)
      .map((row) => ({ host: row.host, notBefore: row.not_before, reason: row.reason }));
  }

  recordFailure(sourceId: number, failure: SourceFailure): void {
    this.statement(
        `UPDATE sources SET last_error_at = @at, last_error_code = @code, last_error = @message,
           next_fetch_at = @nextFetchAt, consecutive_failures = consecutive_failures + 1
         WHERE id = @id`,
      )
      .run({ id: sourceId, ...failure });
  }
}

const KNOWN_CODES: ReadonlySet<string> = new Set(ERROR_CODES);

/**
 * A stored error code as the current codes know it. A row written by another version of veille
 * may hold a code since renamed or removed: it reads as INTERNAL (the stored message still says
 * what happened), so that callers branching on the code never meet one they do not know.
 */
export function readErrorCode(stored: string | null): ErrorCode | null {
  if (stored === null) return null;
  return KNOWN_CODES.has(stored) ? (stored as ErrorCode) : 'INTERNAL';
}

function toSourceRecord(row: SourceRow): SourceRecord {
  return {
    id: row.id,
    key: row.key,
    url: row.url,
    name: row.name,
    lang: row.lang,
    active: row.active === 1,
    siteUrl: row.site_url,
    feedTitle: row.feed_title,
    etag: row.etag,
    lastModified: row.last_modified,
    lastAttemptAt: row.last_attempt_at,
    lastSuccessAt: row.last_success_at,
    lastErrorAt: row.last_error_at,
    lastErrorCode: readErrorCode(row.last_error_code),
    lastError: row.last_error,
    consecutiveFailures: row.consecutive_failures,
    nextFetchAt: row.next_fetch_at,
    movedFrom: row.moved_from,
    movedAt: row.moved_at,
    lastNewItemAt: row.last_new_item_at,
    itemCount: row.item_count,
    createdAt: row.created_at,
    feedHints: row.feed_hints,
    bodyHash: row.body_hash,
  };
}

/** sourceUrlKey of each row's key and URL → the row's id, the oldest row first (`rows` by id). */
function storedSourcesByKey(rows: readonly { readonly id: number; readonly key: string; readonly url: string }[]): Map<string, number> {
  const byKey = new Map<string, number>();
  for (const row of rows) {
    for (const url of [row.key, row.url]) {
      const key = sourceUrlKey(url);
      if (!byKey.has(key)) byKey.set(key, row.id);
    }
  }
  return byKey;
}
