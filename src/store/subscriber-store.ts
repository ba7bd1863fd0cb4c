// The subscribers' repository (issue 23): one row per address the store knows (a config recipient
// once written to, a sign-up, an operator's addition), its state and themes, every change with when
// and how; the sign-up requests waiting for their link; the secret the links are signed with.
import { randomBytes } from 'node:crypto';
import type { SignupRequest, SubscriberBook, SubscriberHow, SubscriberRecord } from '../domain/subscriber.js';
import { randomId } from '../system/random-id.js';
import { prepared, type Db, type Statement } from './db.js';

interface SubscriberRow {
  id: number;
  address: string;
  public_id: string;
  epoch: number;
  origin: string;
  state: string;
  themes: string | null;
  how: string;
  created_at: string;
  updated_at: string;
}

interface RequestRow {
  id: string;
  address: string;
  themes: string;
  created_at: string;
  expires_at: string;
  confirmed_at: string | null;
}

/** One change of a subscriber, for `recipients export`. */
export interface SubscriberEvent {
  readonly address: string;
  readonly at: string;
  readonly kind: 'subscribed' | 'unsubscribed' | 'themes';
  readonly how: SubscriberHow;
  readonly themes: readonly string[] | null;
}

const SECRET_KEY = 'subscribers.secret';

export class SubscriberStore implements SubscriberBook {
  constructor(private readonly db: Db) {}

  private statement<P extends unknown[] | {} = unknown[], R = unknown>(sql: string): Statement<P, R> {
    return prepared<P, R>(this.db, sql);
  }

  /** The secret the links are signed with: made on first use (32 random bytes) and kept. */
  secret(): string {
    const row = this.statement<[string], { value: string }>('SELECT value FROM store_state WHERE key = ?').get(SECRET_KEY);
    if (row !== undefined) return row.value;
    const value = randomBytes(32).toString('base64url');
    this.statement('INSERT INTO store_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING').run(SECRET_KEY, value);
    return (this.statement<[string], { value: string }>('SELECT value FROM store_state WHERE key = ?').get(SECRET_KEY) as { value: string }).value;
  }

  /** The secret if one was made, else null (nothing written). */
  existingSecret(): string | null {
    return this.statement<[string], { value: string }>('SELECT value FROM store_state WHERE key = ?').get(SECRET_KEY)?.value ?? null;
  }

  get(address: string): SubscriberRecord | null {
    const row = this.statement<[string], SubscriberRow>('SELECT * FROM subscribers WHERE address = ?').get(address.toLowerCase());
    return row ? toRecord(row) : null;
  }

  byPublicId(publicId: string): SubscriberRecord | null {
    const row = this.statement<[string], SubscriberRow>('SELECT * FROM subscribers WHERE public_id = ?').get(publicId);
    return row ? toRecord(row) : null;
  }

  list(): SubscriberRecord[] {
    return this.statement<[], SubscriberRow>('SELECT * FROM subscribers ORDER BY address').all().map(toRecord);
  }

  events(): SubscriberEvent[] {
    return this.statement<[], { address: string; at: string; kind: string; how: string; themes: string | null }>(
      `SELECT s.address, e.at, e.kind, e.how, e.themes FROM subscriber_events e JOIN subscribers s ON s.id = e.subscriber_id
       ORDER BY e.id`,
    )
      .all()
      .map((row) => ({
        address: row.address,
        at: row.at,
        kind: row.kind as SubscriberEvent['kind'],
        how: row.how as SubscriberHow,
        themes: row.themes === null ? null : (JSON.parse(row.themes) as string[]),
      }));
  }

  /** The row of a config recipient, made (subscribed, origin config) the first time it is needed. */
  ensure(address: string, now: string): SubscriberRecord {
    const found = this.get(address);
    if (found !== null) return found;
    return this.insert(address.toLowerCase(), { origin: 'config', themes: null, how: 'config' }, now);
  }

  /**
   * Subscribes an address (a confirmed sign-up, the operator): a new row, or one that had left
   * coming back with a new epoch (its old tokens stale). Themes null keep the row's.
   */
  subscribe(address: string, change: { origin: 'signup' | 'operator'; themes: readonly string[] | null; how: SubscriberHow }, now: string): SubscriberRecord {
    const lower = address.toLowerCase();
    return this.db.transaction(() => {
      const found = this.get(lower);
      if (found === null) return this.insert(lower, change, now);
      const themes = change.themes === null ? found.themes : change.themes;
      const epoch = found.state === 'unsubscribed' ? found.epoch + 1 : found.epoch;
      // An address that joins by itself no longer depends on the editor's list.
      const origin = found.origin === 'config' ? change.origin : found.origin;
      this.statement(
        `UPDATE subscribers SET state = 'subscribed', epoch = ?, origin = ?, themes = ?, how = ?, updated_at = ? WHERE id = ?`,
      ).run(epoch, origin, themes === null ? null : JSON.stringify(themes), change.how, now, found.id);
      this.event(found.id, 'subscribed', change.how, themes, now);
      return this.get(lower) as SubscriberRecord;
    })();
  }

  unsubscribe(id: number, how: SubscriberHow, now: string): boolean {
    return this.db.transaction(() => {
      const changed = this.statement(
        `UPDATE subscribers SET state = 'unsubscribed', how = ?, updated_at = ? WHERE id = ? AND state = 'subscribed'`,
      ).run(how, now, id).changes;
      if (changed > 0) this.event(id, 'unsubscribed', how, null, now);
      return changed > 0;
    })();
  }

  setThemes(id: number, themes: readonly string[], how: SubscriberHow, now: string): void {
    this.db.transaction(() => {
      const changed = this.statement(`UPDATE subscribers SET themes = ?, how = ?, updated_at = ? WHERE id = ? AND state = 'subscribed'`).run(
        JSON.stringify(themes),
        how,
        now,
        id,
      ).changes;
      if (changed > 0) this.event(id, 'themes', how, themes, now);
    })();
  }

  addSignupRequest(request: SignupRequest): void {
    this.db.transaction(() => {
      // Requests past their link's life are of no use: the table holds a few days of sign-ups at most.
      this.statement('DELETE FROM signup_requests WHERE expires_at < ?').run(request.createdAt);
      this.statement('INSERT INTO signup_requests (id, address, themes, created_at, expires_at, confirmed_at) VALUES (?, ?, ?, ?, ?, NULL)').run(
        request.id,
        request.address.toLowerCase(),
        JSON.stringify(request.themes),
        request.createdAt,
        request.expiresAt,
      );
    })();
  }

  signupRequest(id: string): SignupRequest | null {
    const row = this.statement<[string], RequestRow>('SELECT * FROM signup_requests WHERE id = ?').get(id);
    return row
      ? {
          id: row.id,
          address: row.address,
          themes: JSON.parse(row.themes) as string[],
          createdAt: row.created_at,
          expiresAt: row.expires_at,
          confirmedAt: row.confirmed_at,
        }
      : null;
  }

  countSignupRequests(address: string, since: string): number {
    return (
      this.statement<[string, string], { n: number }>('SELECT COUNT(*) AS n FROM signup_requests WHERE address = ? AND created_at >= ?').get(
        address.toLowerCase(),
        since,
      ) as { n: number }
    ).n;
  }

  confirmSignup(id: string, now: string): SubscriberRecord {
    return this.db.transaction(() => {
      const request = this.signupRequest(id);
      if (request === null) throw new Error(`store: no sign-up request ${id}`);
      this.statement('UPDATE signup_requests SET confirmed_at = ? WHERE id = ? AND confirmed_at IS NULL').run(now, id);
      const found = this.get(request.address);
      // A confirmation link followed twice is one sign-up: the second changes nothing.
      if (request.confirmedAt !== null && found !== null) return found;
      return this.subscribe(request.address, { origin: 'signup', themes: request.themes, how: 'signup' }, now);
    })();
  }

  private insert(address: string, change: { origin: SubscriberRecord['origin']; themes: readonly string[] | null; how: SubscriberHow }, now: string): SubscriberRecord {
    const themes = change.themes === null ? null : JSON.stringify(change.themes);
    const row = this.statement<unknown[], { id: number | string }>(
      `INSERT INTO subscribers (address, public_id, epoch, origin, state, themes, how, created_at, updated_at)
       VALUES (?, ?, 0, ?, 'subscribed', ?, ?, ?, ?) RETURNING id`,
    ).get(address, randomId(), change.origin, themes, change.how, now, now);
    const id = Number(row?.id);
    this.event(id, 'subscribed', change.how, change.themes, now);
    return this.get(address) as SubscriberRecord;
  }

  private event(id: number, kind: SubscriberEvent['kind'], how: SubscriberHow, themes: readonly string[] | null, now: string): void {
    this.statement('INSERT INTO subscriber_events (subscriber_id, at, kind, how, themes) VALUES (?, ?, ?, ?, ?)').run(
      id,
      now,
      kind,
      how,
      themes === null ? null : JSON.stringify(themes),
    );
  }
}

function toRecord(row: SubscriberRow): SubscriberRecord {
  return {
    id: row.id,
    address: row.address,
    publicId: row.public_id,
    epoch: row.epoch,
    origin: row.origin as SubscriberRecord['origin'],
    state: row.state as SubscriberRecord['state'],
    themes: row.themes === null ? null : (JSON.parse(row.themes) as string[]),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    how: row.how as SubscriberHow,
  };
}
