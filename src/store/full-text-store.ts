// The full-text stage's repository: what was decided and fetched for each item's article page, and
// the robots.txt of the origins asked (RFC 9309 §2.4: kept at most a day).
import type { FullTextMode } from '../domain/types.js';
import { jsonListValues, prepared, type Db, type Statement } from './db.js';
import { readStringList } from './item-store.js';

/** A recent item as the full-text stage weighs it, with what was decided for it before. */
export interface FullTextCandidate {
  readonly itemId: string;
  readonly sourceId: number;
  readonly sourceKey: string;
  readonly link: string;
  readonly title: string;
  readonly summary: string;
  readonly contentHtml: string;
  readonly categories: readonly string[];
  readonly language: string | null;
  readonly contentHash: string;
  readonly firstSeenAt: string;
  /** Null: never decided. */
  readonly previous: {
    readonly state: FullTextState;
    readonly mode: FullTextMode;
    readonly contentHash: string;
    readonly attemptedAt: string | null;
  } | null;
}

export type FullTextState = 'ok' | 'failed' | 'not-needed';

export type FullTextRecord =
  | { readonly state: 'not-needed' }
  | { readonly state: 'failed'; readonly attemptedAt: string; readonly errorCode: string }
  | {
      readonly state: 'ok';
      readonly attemptedAt: string;
      readonly publish: boolean;
      readonly title: string | null;
      readonly text: string;
      readonly html: string;
      readonly links: readonly string[];
    };

/** Counts for `status` and /metrics: items by state, failures by error code. */
export interface FullTextCounts {
  readonly ok: number;
  readonly failed: number;
  readonly notNeeded: number;
  readonly failuresByCode: Readonly<Record<string, number>>;
}

interface CandidateRow {
  id: string;
  source_id: number;
  source_key: string;
  link: string;
  title: string;
  summary: string;
  content_html: string;
  categories: string;
  language: string | null;
  content_hash: string;
  first_seen_at: string;
  f_state: FullTextState | null;
  f_mode: FullTextMode | null;
  f_hash: string | null;
  f_attempted_at: string | null;
}

export class FullTextStore {
  constructor(private readonly db: Db) {}

  private statement<P extends unknown[] | {} = unknown[], R = unknown>(sql: string): Statement<P, R> {
    return prepared<P, R>(this.db, sql);
  }

  /**
   * Items of active sources first seen since `since`, with a link, that were never decided, were
   * edited upstream since, or were judged not to need their page (the source's mode may have
   * changed): newest first, `limit` at most.
   */
  listCandidates(since: string, limit: number): FullTextCandidate[] {
    const rows = this.statement<{ since: string; limit: number }, CandidateRow>(
      `SELECT i.id, i.source_id, s.key AS source_key, i.link, i.title, i.summary, i.content_html, i.categories,
         i.language, i.content_hash, i.first_seen_at,
         f.state AS f_state, f.mode AS f_mode, f.content_hash AS f_hash, f.attempted_at AS f_attempted_at
       FROM items i JOIN sources s ON s.id = i.source_id LEFT JOIN item_full_texts f ON f.item_id = i.id
       WHERE s.active = 1 AND i.link IS NOT NULL AND i.first_seen_at >= @since
         AND (f.item_id IS NULL OR f.content_hash <> i.content_hash OR f.state = 'not-needed')
       ORDER BY i.first_seen_at DESC, i.id LIMIT @limit`,
    ).all({ since, limit });
    return rows.map((row) => ({
      itemId: row.id,
      sourceId: row.source_id,
      sourceKey: row.source_key,
      link: row.link,
      title: row.title,
      summary: row.summary,
      contentHtml: row.content_html,
      categories: readStringList(row.categories, row.id, 'categories'),
      language: row.language,
      contentHash: row.content_hash,
      firstSeenAt: row.first_seen_at,
      previous: row.f_state === null
        ? null
        : { state: row.f_state, mode: row.f_mode ?? 'auto', contentHash: row.f_hash ?? '', attemptedAt: row.f_attempted_at },
    }));
  }

  /** Records what was decided or fetched for an item, as of its content hash `contentHash`. */
  record(itemId: string, mode: FullTextMode, contentHash: string, record: FullTextRecord): void {
    const ok = record.state === 'ok' ? record : null;
    this.statement(
      `INSERT INTO item_full_texts (item_id, state, mode, content_hash, attempted_at, publish, title, text, html, links, error_code)
       VALUES (@itemId, @state, @mode, @contentHash, @attemptedAt, @publish, @title, @text, @html, @links, @errorCode)
       ON CONFLICT (item_id) DO UPDATE SET state = @state, mode = @mode, content_hash = @contentHash,
         attempted_at = COALESCE(@attemptedAt, item_full_texts.attempted_at), publish = @publish,
         title = CASE WHEN @state = 'ok' THEN @title ELSE item_full_texts.title END,
         text = CASE WHEN @state = 'ok' THEN @text ELSE item_full_texts.text END,
         html = CASE WHEN @state = 'ok' THEN @html ELSE item_full_texts.html END,
         links = CASE WHEN @state = 'ok' THEN @links ELSE item_full_texts.links END,
         error_code = @errorCode`,
    ).run({
      itemId,
      state: record.state,
      mode,
      contentHash,
      attemptedAt: record.state === 'not-needed' ? null : record.attemptedAt,
      publish: ok?.publish === true ? 1 : 0,
      title: ok?.title ?? null,
      text: ok?.text ?? null,
      html: ok?.html ?? null,
      links: ok === null ? null : JSON.stringify(ok.links),
      errorCode: record.state === 'failed' ? record.errorCode : null,
    });
  }

  /** The stored full texts of these items (those fetched), by item id. */
  async textsOf(itemIds: readonly string[]): Promise<Map<string, string>> {
    const texts = new Map<string, string>();
    if (itemIds.length === 0) return texts;
    // One query for the feed's items (it was one per item: on PostgreSQL, one round trip each),
    // awaited: on PostgreSQL the thread goes on meanwhile.
    const rows = await this.statement<[string], { item_id: string; text: string }>(
      `SELECT item_id, text FROM item_full_texts WHERE state = 'ok' AND item_id IN ${jsonListValues(this.db, '?')}`,
    ).allAsync(JSON.stringify(itemIds));
    for (const row of rows) texts.set(row.item_id, row.text);
    return texts;
  }

  /** A source's pages are published instead of its feed's content (fullText: always), or no longer. */
  setPublished(sourceId: number, publish: boolean): void {
    this.statement(
      `UPDATE item_full_texts SET publish = @publish
       WHERE publish <> @publish AND item_id IN (SELECT id FROM items WHERE source_id = @sourceId)`,
    ).run({ publish: publish ? 1 : 0, sourceId });
  }

  counts(): FullTextCounts {
    const byState = this.statement<[], { state: FullTextState; n: number }>('SELECT state, COUNT(*) AS n FROM item_full_texts GROUP BY state').all();
    const byCode = this.statement<[], { code: string; n: number }>(
      "SELECT error_code AS code, COUNT(*) AS n FROM item_full_texts WHERE state = 'failed' GROUP BY error_code ORDER BY error_code",
    ).all();
    const count = (state: FullTextState): number => byState.find((row) => row.state === state)?.n ?? 0;
    return {
      ok: count('ok'),
      failed: count('failed'),
      notNeeded: count('not-needed'),
      failuresByCode: Object.fromEntries(byCode.map((row) => [row.code, row.n])),
    };
  }

  /** The robots.txt kept for an origin: its body (null: everything allowed) and when it was fetched. */
  readRobots(origin: string): { readonly body: string | null; readonly fetchedAt: string } | null {
    const row = this.statement<[string], { body: string | null; fetched_at: string }>(
      'SELECT body, fetched_at FROM robots_txt WHERE origin = ?',
    ).get(origin);
    return row === undefined ? null : { body: row.body, fetchedAt: row.fetched_at };
  }

  writeRobots(origin: string, body: string | null, fetchedAt: string): void {
    this.statement(
      `INSERT INTO robots_txt (origin, body, fetched_at) VALUES (?, ?, ?)
       ON CONFLICT (origin) DO UPDATE SET body = excluded.body, fetched_at = excluded.fetched_at`,
    ).run(origin, body, fetchedAt);
  }
}
