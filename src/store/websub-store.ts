// WebSub's repository (issue 21): the hub each source's feed declares, veille's subscriptions to
// those hubs, and the pings of the hubs veille's own feeds declare.
import type { SubscriptionState, WebSubPing, WebSubSubscription } from '../domain/websub.js';
import { prepared, type Db, type Statement } from './db.js';

interface SubscriptionRow {
  source_id: number;
  callback_id: string;
  hub: string;
  topic: string;
  secret: string;
  state: string;
  lease_seconds: number | null;
  expires_at: string | null;
  requested_at: string;
  verified_at: string | null;
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  pushes: number;
  ignored_pushes: number;
  last_push_at: string | null;
  missed_items: number;
  missed_since: string | null;
}

interface PingRow {
  hub: string;
  topic: string;
  pending: number;
  queued_at: string;
  attempts: number;
  next_attempt_at: string;
  sent: number;
  failures: number;
  last_ok_at: string | null;
  last_error: string | null;
  last_error_at: string | null;
}

export interface DiscoveredHub {
  readonly sourceId: number;
  readonly hub: string;
  readonly topic: string;
}

export class WebSubStore {
  constructor(private readonly db: Db) {}

  private statement<P extends unknown[] | {} = unknown[], R = unknown>(sql: string): Statement<P, R> {
    return prepared<P, R>(this.db, sql);
  }

  /** What a source's feed declared when last parsed; null hub: none (the record is removed). */
  recordDiscovery(sourceId: number, found: { hub: string; topic: string } | null, at: string): void {
    if (found === null) {
      this.statement('DELETE FROM websub_discovered WHERE source_id = ?').run(sourceId);
      return;
    }
    this.statement(
      `INSERT INTO websub_discovered (source_id, hub, topic, seen_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (source_id) DO UPDATE SET hub = excluded.hub, topic = excluded.topic, seen_at = excluded.seen_at`,
    ).run(sourceId, found.hub, found.topic, at);
  }

  /** The hubs of the active sources. */
  discovered(): DiscoveredHub[] {
    return this.statement<[], { source_id: number; hub: string; topic: string }>(
      'SELECT d.source_id, d.hub, d.topic FROM websub_discovered d JOIN sources s ON s.id = d.source_id WHERE s.active = 1 ORDER BY d.source_id',
    )
      .all()
      .map((row) => ({ sourceId: row.source_id, hub: row.hub, topic: row.topic }));
  }

  subscriptions(): WebSubSubscription[] {
    return this.statement<[], SubscriptionRow>('SELECT * FROM websub_subscriptions ORDER BY source_id, requested_at').all().map(toSubscription);
  }

  subscription(callbackId: string): WebSubSubscription | null {
    const row = this.statement<[string], SubscriptionRow>('SELECT * FROM websub_subscriptions WHERE callback_id = ?').get(callbackId);
    return row ? toSubscription(row) : null;
  }

  /** The sources whose hub pushes to veille now (a verified lease not yet ended). */
  pushedSourceIds(now: string): Set<number> {
    const rows = this.statement<[string], { source_id: number }>(
      "SELECT source_id FROM websub_subscriptions WHERE state = 'active' AND (expires_at IS NULL OR expires_at > ?)",
    ).all(now);
    return new Set(rows.map((row) => row.source_id));
  }

  addSubscription(subscription: { sourceId: number; callbackId: string; hub: string; topic: string; secret: string; requestedAt: string }): void {
    this.statement(
      "INSERT INTO websub_subscriptions (source_id, callback_id, hub, topic, secret, state, requested_at) VALUES (?, ?, ?, ?, ?, 'requested', ?)",
    ).run(subscription.sourceId, subscription.callbackId, subscription.hub, subscription.topic, subscription.secret, subscription.requestedAt);
  }

  /**
   * A request to the hub was accepted (2xx): its verification is awaited. `state` 'unsubscribing'
   * for an unsubscribe; null keeps the state (a renewal keeps an active subscription active).
   */
  recordRequestSent(callbackId: string, state: Extract<SubscriptionState, 'requested' | 'unsubscribing'> | null, at: string): void {
    this.statement(
      'UPDATE websub_subscriptions SET state = COALESCE(?, state), requested_at = ?, attempts = 0, next_attempt_at = NULL, last_error = NULL WHERE callback_id = ?',
    ).run(state, at, callbackId);
  }

  /** A request to the hub failed: tried again at `nextAttemptAt`. */
  recordRequestFailure(callbackId: string, message: string, nextAttemptAt: string): void {
    this.statement('UPDATE websub_subscriptions SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE callback_id = ?').run(
      message,
      nextAttemptAt,
      callbackId,
    );
  }

  /** The hub verified the subscription (§5.3) and granted this lease. */
  activate(callbackId: string, leaseSeconds: number | null, at: string): void {
    const expiresAt = leaseSeconds === null ? null : new Date(Date.parse(at) + leaseSeconds * 1000).toISOString();
    this.statement(
      "UPDATE websub_subscriptions SET state = 'active', lease_seconds = ?, expires_at = ?, verified_at = ?, attempts = 0, next_attempt_at = NULL, last_error = NULL WHERE callback_id = ?",
    ).run(leaseSeconds, expiresAt, at, callbackId);
  }

  /** The hub denied the subscription (§5.2), with its reason when it gave one. */
  deny(callbackId: string, reason: string | null, retryAt: string): void {
    this.statement("UPDATE websub_subscriptions SET state = 'denied', last_error = ?, next_attempt_at = ? WHERE callback_id = ?").run(
      `denied by the hub${reason === null ? '' : `: ${reason}`}`,
      retryAt,
      callbackId,
    );
  }

  remove(callbackId: string): void {
    this.statement('DELETE FROM websub_subscriptions WHERE callback_id = ?').run(callbackId);
  }

  recordPush(callbackId: string, accepted: boolean, at: string): void {
    if (accepted) {
      this.statement(
        'UPDATE websub_subscriptions SET pushes = pushes + 1, last_push_at = ?, missed_items = 0, missed_since = NULL WHERE callback_id = ?',
      ).run(at, callbackId);
    } else {
      this.statement('UPDATE websub_subscriptions SET ignored_pushes = ignored_pushes + 1 WHERE callback_id = ?').run(callbackId);
    }
  }

  /** Polling found new items on a source its hub pushes: the hub did not push them. */
  recordMissed(sourceId: number, items: number, at: string): void {
    this.statement(
      "UPDATE websub_subscriptions SET missed_items = missed_items + ?, missed_since = COALESCE(missed_since, ?) WHERE source_id = ? AND state = 'active'",
    ).run(items, at, sourceId);
  }

  // Pings of the configured hubs (publishing).

  /** Marks each (hub, topic) to be pinged now; a pending one is tried at once again. */
  queuePings(hubs: readonly string[], topics: readonly string[], at: string): void {
    const upsert = this.statement(
      `INSERT INTO websub_pings (hub, topic, pending, queued_at, attempts, next_attempt_at) VALUES (?, ?, 1, ?, 0, ?)
       ON CONFLICT (hub, topic) DO UPDATE SET pending = 1, queued_at = excluded.queued_at, attempts = 0, next_attempt_at = excluded.next_attempt_at`,
    );
    this.db.transaction(() => {
      for (const hub of hubs) for (const topic of topics) upsert.run(hub, topic, at, at);
    })();
  }

  duePings(now: string): WebSubPing[] {
    return this.statement<[string], PingRow>('SELECT * FROM websub_pings WHERE pending = 1 AND next_attempt_at <= ? ORDER BY hub, topic')
      .all(now)
      .map(toPing);
  }

  pings(): WebSubPing[] {
    return this.statement<[], PingRow>('SELECT * FROM websub_pings ORDER BY hub, topic').all().map(toPing);
  }

  recordPingSent(hub: string, topic: string, at: string): void {
    this.statement('UPDATE websub_pings SET pending = 0, attempts = 0, sent = sent + 1, last_ok_at = ? WHERE hub = ? AND topic = ?').run(at, hub, topic);
  }

  /** A failed ping: tried again at `nextAttemptAt`, or given up (pending 0) when that is null. */
  recordPingFailure(hub: string, topic: string, message: string, at: string, nextAttemptAt: string | null): void {
    this.statement(
      `UPDATE websub_pings SET attempts = attempts + 1, failures = failures + 1, last_error = ?, last_error_at = ?,
         pending = ?, next_attempt_at = COALESCE(?, next_attempt_at) WHERE hub = ? AND topic = ?`,
    ).run(message, at, nextAttemptAt === null ? 0 : 1, nextAttemptAt, hub, topic);
  }
}

function toSubscription(row: SubscriptionRow): WebSubSubscription {
  return {
    sourceId: row.source_id,
    callbackId: row.callback_id,
    hub: row.hub,
    topic: row.topic,
    secret: row.secret,
    state: row.state as SubscriptionState,
    leaseSeconds: row.lease_seconds,
    expiresAt: row.expires_at,
    requestedAt: row.requested_at,
    verifiedAt: row.verified_at,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    pushes: row.pushes,
    ignoredPushes: row.ignored_pushes,
    lastPushAt: row.last_push_at,
    missedItems: row.missed_items,
    missedSince: row.missed_since,
  };
}

function toPing(row: PingRow): WebSubPing {
  return {
    hub: row.hub,
    topic: row.topic,
    pending: row.pending === 1,
    queuedAt: row.queued_at,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    sent: row.sent,
    failures: row.failures,
    lastOkAt: row.last_ok_at,
    lastError: row.last_error,
    lastErrorAt: row.last_error_at,
  };
}
