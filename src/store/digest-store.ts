// The digests' repository: the items of a week read for an issue, the stored issues, and the
// email delivery log that makes sending at most once per issue and recipient.
import type { ClaimOutcome, Delivery, DeliveryRecord, DeliveryStatus } from '../domain/delivery.js';
import type { DigestItemRow } from '../domain/digest.js';
import type { DeliveryLog } from '../domain/ports.js';
import { hostOf } from '../domain/web-url.js';
import { jsonListValues, prepared, type Db, type Statement } from './db.js';

/** An issue as stored: its JSON is read back with readDigestIssue (digest-issue-json.ts), which checks it. */
export interface StoredDigest {
  readonly week: string;
  readonly guid: string;
  readonly title: string;
  /** JSON of the issue, as built. */
  readonly issue: string;
  readonly publishedAt: string;
  readonly updatedAt: string;
  /** When `digest --withdraw` took it out of the feeds and pages; null while published. */
  readonly withdrawnAt: string | null;
}

/** id, story_id, source_id, language, published_at, title, link, summary, themes ("id score,id score"). */
type RawItemRow = [string, number | null, number, string | null, string, string, string | null, string, string | null];

interface RawDigestRow {
  week: string;
  guid: string;
  title: string;
  issue: string;
  published_at: string;
  updated_at: string;
  withdrawn_at: string | null;
}

interface RawDeliveryRow {
  week: string;
  recipient: string;
  message_id: string;
  status: DeliveryStatus;
  attempts: number;
  last_error: string | null;
  sent_at: string | null;
  updated_at: string;
  resends: number;
  resent_at: string | null;
}

export class DigestStore implements DeliveryLog {

  constructor(private readonly db: Db) {}

  private statement<P extends unknown[] | {} = unknown[], R = unknown>(sql: string): Statement<P, R> {
    return prepared<P, R>(this.db, sql);
  }

  /**
   * Items published in [from, to) (ISO 8601 UTC), in no particular order, with their themes.
   * Without `texts`, title, link and summary are left empty: read the few needed with itemTexts.
   */
  itemsBetween(from: string, to: string, options: { texts: boolean } = { texts: true }): DigestItemRow[] {
    const sources = new Map(
      this.statement<[], { id: number; name: string | null; url: string }>('SELECT id, COALESCE(name, feed_title) AS name, url FROM sources')
        .all()
        .map((source) => [source.id, { name: source.name ?? hostOf(source.url) ?? source.url, url: source.url }]),
    );
    // One query, rows as arrays, no join and no ORDER BY (the sources are few, the issue does not
    // depend on the order), themes as one "id score,id score" string: the cheapest read of a big week.
    const themes = this.db.dialect === 'sqlite' ? "group_concat(t.theme_id || ' ' || t.score)" : "string_agg(t.theme_id || ' ' || CAST(t.score AS text), ',')";
    const statement = this.statement<[string, string], RawItemRow>(
      `SELECT i.id, i.story_id, i.source_id, i.language, i.published_at,
         ${options.texts ? 'i.title, i.link, i.summary' : "'', NULL, ''"},
         (SELECT ${themes} FROM item_themes t WHERE t.item_id = i.id)
       FROM items i WHERE i.published_at >= ? AND i.published_at < ?`,
    );
    const rows = statement.values(from, to) as RawItemRow[];
    const noSource = { name: '', url: '' };
    return rows.map(([id, storyId, sourceId, language, publishedAt, title, link, summary, themeList]) => {
      const source = sources.get(sourceId) ?? noSource;
      return {
        id,
        storyId,
        title,
        link,
        summary,
        language,
        publishedAt,
        sourceName: source.name,
        sourceUrl: source.url,
        themes: themeList === null ? [] : parseThemes(themeList),
      };
    });
  }

  /** Title, link and summary of the given items, by id. */
  itemTexts(ids: readonly string[]): Map<string, { title: string; link: string | null; summary: string }> {
    const rows = this.statement<[string], { id: string; title: string; link: string | null; summary: string }>(
      `SELECT id, title, link, summary FROM items WHERE id IN ${jsonListValues(this.db, '?')}`,
    ).all(JSON.stringify(ids));
    return new Map(rows.map((row) => [row.id, { title: row.title, link: row.link, summary: row.summary }]));
  }

  getDigest(week: string): StoredDigest | null {
    const row = this.statement<[string], RawDigestRow>('SELECT * FROM digests WHERE week = ?').get(week);
    return row ? toDigest(row) : null;
  }

  /** The published issues (not withdrawn), newest weeks first. */
  listDigests(limit: number): StoredDigest[] {
    return this.statement<[number], RawDigestRow>('SELECT * FROM digests WHERE withdrawn_at IS NULL ORDER BY week DESC LIMIT ?')
      .all(limit)
      .map(toDigest);
  }

  /**
   * Stores a new issue, or replaces the content of a stored one (its GUID and first date stay);
   * a withdrawn issue stored again is published again.
   */
  saveDigest(digest: Omit<StoredDigest, 'publishedAt' | 'updatedAt' | 'withdrawnAt'>, now: string): StoredDigest {
    this.statement(
      `INSERT INTO digests (week, guid, title, issue, published_at, updated_at) VALUES (@week, @guid, @title, @issue, @now, @now)
       ON CONFLICT (week) DO UPDATE SET title = excluded.title, issue = excluded.issue, updated_at = excluded.updated_at,
         withdrawn_at = NULL
       WHERE digests.issue <> excluded.issue OR digests.withdrawn_at IS NOT NULL`,
    ).run({ ...digest, now });
    return this.getDigest(digest.week) as StoredDigest;
  }

  /** Takes a published issue out of the feeds and pages; its row and delivery log stay. False: none published. */
  withdrawDigest(week: string, now: string): boolean {
    return this.statement('UPDATE digests SET withdrawn_at = ? WHERE week = ? AND withdrawn_at IS NULL').run(now, week).changes > 0;
  }

  listDeliveries(week: string): Delivery[] {
    return this.statement<[string], RawDeliveryRow>('SELECT * FROM deliveries WHERE week = ? ORDER BY recipient')
      .all(week)
      .map(toDelivery);
  }

  /** Claims left as 'sending', every week, oldest first: uncertain unless their process still runs. */
  listSendingDeliveries(): Delivery[] {
    return this.statement<[], RawDeliveryRow>("SELECT * FROM deliveries WHERE status = 'sending' ORDER BY updated_at, week, recipient")
      .all()
      .map(toDelivery);
  }

  /**
   * Claims a recipient before the message leaves: 'claimed' when it may be sent now (never tried,
   * or a transient failure last time), else the status found. A claim left as 'sending' by a crash
   * is never taken again (at most once): it is reported as uncertain, and only `digest --resend`
   * sends that message again, on purpose.
   */
  claimDelivery(week: string, recipient: string, messageId: string, now: string): ClaimOutcome {
    // One statement (issue 20): with two publishers on PostgreSQL, a claim read first and written
    // after let both claim (the second INSERT waited for the first's commit, then updated the row
    // anyway). Here the second one's update finds the row 'sending' and leaves it: no row returned.
    const claimed = this.statement<[string, string, string, string], { status: DeliveryStatus }>(
      `INSERT INTO deliveries (week, recipient, message_id, status, attempts, updated_at) VALUES (?, ?, ?, 'sending', 0, ?)
       ON CONFLICT (week, recipient) DO UPDATE SET status = 'sending', updated_at = excluded.updated_at
       WHERE deliveries.status = 'pending'
       RETURNING status`,
    ).get(week, recipient, messageId, now);
    if (claimed !== undefined) return 'claimed';
    const existing = this.statement<[string, string], { status: DeliveryStatus }>('SELECT status FROM deliveries WHERE week = ? AND recipient = ?').get(week, recipient);
    // Not found, or 'pending' again by now: another claim is under way; never sent twice.
    return existing === undefined || existing.status === 'pending' ? 'sending' : existing.status;
  }

  /**
   * Claims a recipient for a resend, whatever its status: the row goes back to 'sending' (a kill
   * during the resend leaves it uncertain again) and counts one more resend.
   */
  claimResend(week: string, recipient: string, messageId: string, now: string): void {
    this.statement(
      `INSERT INTO deliveries (week, recipient, message_id, status, attempts, updated_at, resends, resent_at)
         VALUES (@week, @recipient, @messageId, 'sending', 0, @now, 1, @now)
       ON CONFLICT (week, recipient) DO UPDATE SET status = 'sending', updated_at = excluded.updated_at,
         resends = deliveries.resends + 1, resent_at = excluded.resent_at`,
    ).run({ week, recipient, messageId, now });
  }

  /**
   * Records a send's outcome. A message the server once accepted stays 'sent' whatever a later
   * resend comes to: a failed resend keeps its error in last_error, and no run sends it by itself.
   */
  recordDelivery(week: string, recipient: string, outcome: DeliveryRecord, now: string): void {
    this.statement(
      `UPDATE deliveries SET status = CASE WHEN sent_at IS NOT NULL THEN 'sent' ELSE @status END, attempts = attempts + @attempts, last_error = @error, updated_at = @now,
         sent_at = CASE WHEN @status = 'sent' THEN @now ELSE sent_at END
       WHERE week = @week AND recipient = @recipient`,
    ).run({ week, recipient, now, ...outcome });
  }
}

function parseThemes(list: string): { id: string; score: number }[] {
  return list.split(',').map((pair) => {
    const space = pair.indexOf(' ');
    return { id: pair.slice(0, space), score: Number(pair.slice(space + 1)) };
  });
}

function toDigest(row: RawDigestRow): StoredDigest {
  return {
    week: row.week,
    guid: row.guid,
    title: row.title,
    issue: row.issue,
    publishedAt: row.published_at,
    updatedAt: row.updated_at,
    withdrawnAt: row.withdrawn_at,
  };
}

function toDelivery(row: RawDeliveryRow): Delivery {
  return {
    week: row.week,
    recipient: row.recipient,
    messageId: row.message_id,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    sentAt: row.sent_at,
    updatedAt: row.updated_at,
    resends: row.resends,
    resentAt: row.resent_at,
  };
}
