// The webhooks' repository (issue 21): the stories first seen since the last notify step, the
// delivery queue (a row per target and notification until the target answers 2xx) and each
// target's health. Queuing and moving the cursor happen in one transaction.
import type { NotifyDelivery, NotifyEventType, NotifyTargetState } from '../domain/notify.js';
import { storyGuid } from '../domain/guid.js';
import type { StoredStory } from '../domain/story.js';
import { jsonListValues, prepared, type Db, type Statement } from './db.js';
import { itemColumns, toStoredItem, type ItemRow } from './item-store.js';

/** store_state's key: the first_seen_at up to which items were considered. */
const CURSOR_KEY = 'notify.seenUntil';

export interface QueuedNotification {
  readonly target: string;
  readonly key: string;
  readonly event: Exclude<NotifyEventType, 'test'>;
  readonly storyGuid: string;
  readonly body: string;
}

interface DeliveryRow {
  id: number;
  target: string;
  key: string;
  event: NotifyEventType;
  story_guid: string;
  body: string;
  attempts: number;
}

interface TargetRow {
  delivered: number | null;
  last_success_at: string | null;
  failing_since: string | null;
  failures: number | null;
  retry_at: string | null;
  paused_at: string | null;
  last_error: string | null;
  pending: number;
}

export class NotifyStore {
  constructor(private readonly db: Db) {}

  private statement<P extends unknown[] | {} = unknown[], R = unknown>(sql: string): Statement<P, R> {
    return prepared<P, R>(this.db, sql);
  }

  /** Where the last notify step stopped; null before the first. */
  cursor(): string | null {
    return this.statement<[string], { value: string }>('SELECT value FROM store_state WHERE key = ?').get(CURSOR_KEY)?.value ?? null;
  }

  /**
   * The stories (active sources' members, oldest first) with a member first seen after `since`
   * and up to `until`; an item not yet grouped is a story of its own.
   */
  storiesSeenBetween(since: string, until: string): StoredStory[] {
    const heads = this.statement<{ since: string; until: string }, { story_id: number | null; id: string }>(
      `SELECT i.story_id AS story_id, i.id AS id FROM items i JOIN sources s ON s.id = i.source_id
       WHERE s.active = 1 AND i.first_seen_at > @since AND i.first_seen_at <= @until`,
    ).all({ since, until });
    if (heads.length === 0) return [];
    const storyIds = [...new Set(heads.flatMap((head) => (head.story_id === null ? [] : [head.story_id])))];
    const loose = heads.flatMap((head) => (head.story_id === null ? [head.id] : []));
    const rows = this.statement<{ stories: string; items: string }, ItemRow & { story_id: number | null; story_guid: string | null }>(
      `SELECT ${itemColumns(this.db)}, st.guid AS story_guid FROM items i JOIN sources s ON s.id = i.source_id
       LEFT JOIN stories st ON st.id = i.story_id
       WHERE s.active = 1 AND (i.story_id IN ${jsonListValues(this.db, '@stories', { integers: true })}
         OR (i.story_id IS NULL AND i.id IN ${jsonListValues(this.db, '@items')}))
       ORDER BY i.first_seen_at, i.published_at, i.id`,
    ).all({ stories: JSON.stringify(storyIds), items: JSON.stringify(loose) });
    const stories = new Map<string, { id: number | null; guid: string; members: ReturnType<typeof toStoredItem>[] }>();
    for (const row of rows) {
      const key = row.story_id === null ? `item:${row.id}` : `story:${row.story_id}`;
      let story = stories.get(key);
      if (!story) stories.set(key, (story = { id: row.story_id, guid: row.story_guid ?? storyGuid(row.id), members: [] }));
      story.members.push(toStoredItem(row));
    }
    return [...stories.values()];
  }

  /** Queues the notifications (a key already queued for a target is not queued again) and moves the cursor. */
  enqueue(notifications: readonly QueuedNotification[], seenUntil: string, now: string): number {
    const insert = this.statement(
      `INSERT INTO notify_deliveries (target, key, event, story_guid, body, state, created_at)
       VALUES (?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT (target, key) DO NOTHING`,
    );
    const moveCursor = this.statement('INSERT INTO store_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    return this.db.transaction(() => {
      let queued = 0;
      for (const notification of notifications) {
        queued += insert.run(notification.target, notification.key, notification.event, notification.storyGuid, notification.body, now).changes;
      }
      moveCursor.run(CURSOR_KEY, seenUntil);
      return queued;
    })();
  }

  /** The target's queued notifications, oldest first. */
  pending(target: string, limit: number): NotifyDelivery[] {
    return this.statement<[string, number], DeliveryRow>(
      `SELECT id, target, key, event, story_guid, body, attempts FROM notify_deliveries
       WHERE target = ? AND state = 'pending' ORDER BY id LIMIT ?`,
    )
      .all(target, limit)
      .map((row) => ({
        id: row.id,
        target: row.target,
        key: row.key,
        event: row.event,
        storyGuid: row.story_guid,
        body: row.body,
        attempts: row.attempts,
      }));
  }

  markSent(delivery: Pick<NotifyDelivery, 'id' | 'target'>, now: string): void {
    this.db.transaction(() => {
      this.statement("UPDATE notify_deliveries SET state = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?").run(now, delivery.id);
      this.ensureTarget(delivery.target);
      this.statement(
        'UPDATE notify_targets SET delivered = delivered + 1, last_success_at = ?, failing_since = NULL, failures = 0, retry_at = NULL, paused_at = NULL, last_error = NULL WHERE name = ?',
      ).run(now, delivery.target);
    })();
  }

  /**
   * A failed attempt: the row stays queued, the target waits until `retryAt` (its back-off) and is
   * paused once it has been failing since `pauseBefore`.
   */
  markFailed(delivery: Pick<NotifyDelivery, 'id' | 'target'>, failure: { error: string; retryAt: string; now: string; pauseBefore: string }): NotifyTargetState {
    return this.db.transaction(() => {
      this.statement('UPDATE notify_deliveries SET attempts = attempts + 1, last_error = ? WHERE id = ?').run(failure.error, delivery.id);
      this.noteFailure(delivery.target, failure.error, failure.now);
      this.statement('UPDATE notify_targets SET failures = failures + 1, retry_at = ? WHERE name = ?').run(failure.retryAt, delivery.target);
      this.statement('UPDATE notify_targets SET paused_at = ? WHERE name = ? AND paused_at IS NULL AND failing_since <= ?').run(failure.now, delivery.target, failure.pauseBefore);
      return this.targetState(delivery.target);
    })();
  }

  /** A failure that is no attempt (a missing secret): shown in status, nothing else changes. */
  noteError(target: string, error: string): void {
    this.ensureTarget(target);
    this.statement('UPDATE notify_targets SET last_error = ? WHERE name = ?').run(error, target);
  }

  /** A sample that failed (`notify test`): the target counts as failing, no queued row moves. */
  noteFailure(target: string, error: string, now: string): void {
    this.ensureTarget(target);
    this.statement('UPDATE notify_targets SET failing_since = COALESCE(failing_since, ?), last_error = ? WHERE name = ?').run(now, error, target);
  }

  /** A sample that went through (`notify test`): a paused target is resumed. */
  noteSuccess(target: string, now: string): void {
    this.ensureTarget(target);
    this.statement('UPDATE notify_targets SET last_success_at = ?, failing_since = NULL, failures = 0, retry_at = NULL, paused_at = NULL, last_error = NULL WHERE name = ?').run(now, target);
  }

  /** Each named target's health, in the given order (a target never tried reads as new). */
  targetStates(names: readonly string[]): NotifyTargetState[] {
    return names.map((name) => this.targetState(name));
  }

  private targetState(name: string): NotifyTargetState {
    const row = this.statement<{ name: string }, TargetRow>(
      `SELECT t.delivered, t.last_success_at, t.failing_since, t.failures, t.retry_at, t.paused_at, t.last_error,
         (SELECT COUNT(*) FROM notify_deliveries d WHERE d.target = @name AND d.state = 'pending') AS pending
       FROM (SELECT 1) AS one LEFT JOIN notify_targets t ON t.name = @name`,
    ).get({ name });
    return {
      name,
      delivered: row?.delivered ?? 0,
      pending: row?.pending ?? 0,
      lastSuccessAt: row?.last_success_at ?? null,
      failingSince: row?.failing_since ?? null,
      failures: row?.failures ?? 0,
      retryAt: row?.retry_at ?? null,
      pausedAt: row?.paused_at ?? null,
      lastError: row?.last_error ?? null,
    };
  }

  private ensureTarget(name: string): void {
    this.statement('INSERT INTO notify_targets (name) VALUES (?) ON CONFLICT (name) DO NOTHING').run(name);
  }
}
