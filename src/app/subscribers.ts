// Use case "recipients as state" (issue 23): who the digest goes to (the config's recipients, plus
// confirmed sign-ups, minus everyone who left, each with their themes), each letter's unsubscribe
// page on veille's own server, and the routes that server answers for readers.
import type { Config } from '../config/load-config.js';
import { VeilleError } from '../domain/errors.js';
import type { Clock, Logger } from '../domain/ports.js';
import type { SiteLocale } from '../domain/site-locale.js';
import type { SubscriberHow, SubscriberRecord } from '../domain/subscriber.js';
import type { Mailer } from '../email/mailer.js';
import type { Recipient } from '../email/send-issue.js';
import { createRateLimiter } from '../email/rate-limit.js';
import { subscriberEndpoints } from '../email/subscriber-endpoints.js';
import { sameToken, tokenId, unsubscribeToken } from '../email/subscriber-token.js';
import type { Endpoint } from '../publish/server.js';
import type { Store } from '../store/store.js';
import { themeInfos, type Taxonomy } from '../tag/taxonomy.js';

/** Sign-up POSTs per client address per hour (issue 23: 100 sign-ups from one client are limited). */
export const SIGNUPS_PER_CLIENT_PER_HOUR = 5;
/** Client addresses the sign-up limiter remembers at most. */
const LIMITER_MAX_KEYS = 10_000;

/** The secret the links are signed with: subscribe.secretEnv's value, or the store's own. */
export function subscriberSecret(config: Config, env: NodeJS.ProcessEnv, store: Store): string {
  const name = config.subscribe.secretEnv;
  if (name === undefined) return store.subscribers().secret();
  const value = env[name];
  if (value === undefined || value.length < 16) {
    throw new VeilleError('CONFIG_INVALID', `config: subscribe.secretEnv: the environment variable ${name} is not set or shorter than 16 characters`);
  }
  return value;
}

export interface DigestAudience {
  readonly recipients: Recipient[];
  /** Configured recipients who unsubscribed: never written to again while they stay so. */
  readonly left: string[];
}

/** The digest's recipients: config + subscribed sign-ups and operator additions − everyone who left. */
export function digestAudience(config: Config, store: Store): DigestAudience {
  const rows = new Map(store.subscribers().list().map((row) => [row.address, row]));
  const recipients: Recipient[] = [];
  const left: string[] = [];
  const configured = new Set<string>();
  for (const recipient of config.email.recipients) {
    const address = recipient.address.toLowerCase();
    configured.add(address);
    const row = rows.get(address);
    if (row?.state === 'unsubscribed') left.push(address);
    else recipients.push({ address, themes: themesOf(row) ?? recipient.themes });
  }
  for (const row of rows.values()) {
    // A row made for a config recipient counts only while the config lists it.
    if (row.state === 'subscribed' && row.origin !== 'config' && !configured.has(row.address)) {
      recipients.push({ address: row.address, themes: themesOf(row) });
    }
  }
  return { recipients, left };
}

function themesOf(row: SubscriberRecord | undefined): readonly string[] | undefined {
  return row?.themes === null || row?.themes === undefined || row.themes.length === 0 ? undefined : row.themes;
}

/** A recipient's unsubscribe page and its token, or null when the store has no row for them (a dry run). */
export type UnsubscribePages = (address: string) => { url: string; token: string } | null;

/**
 * Each recipient's unsubscribe page when server.publicUrl is set, else null: the letters keep
 * email.unsubscribeUrl and the mailto:. With `create`, a recipient's row (and the store's secret)
 * is made on first need; without, nothing is written.
 */
export function unsubscribePages(config: Config, env: NodeJS.ProcessEnv, store: Store, clock: Clock, options: { create: boolean }): UnsubscribePages | null {
  const base = config.server.publicUrl;
  if (base === undefined) return null;
  const book = store.subscribers();
  const secret = options.create || config.subscribe.secretEnv !== undefined ? subscriberSecret(config, env, store) : book.existingSecret();
  if (secret === null) return () => null;
  return (address) => {
    const row = options.create ? book.ensure(address, clock.now().toISOString()) : book.get(address);
    if (row === null) return null;
    const token = unsubscribeToken(secret, base, row);
    return { url: `${base}unsubscribe/${token}`, token };
  };
}

export interface SubscriberRouteDeps {
  readonly config: Config;
  readonly env: NodeJS.ProcessEnv;
  readonly store: Store;
  readonly taxonomy: Taxonomy;
  readonly locale: SiteLocale;
  readonly clock: Clock;
  readonly logger: Logger;
  /** A mailer for one confirmation letter, closed after it (app/digest.ts createMailer). */
  readonly mailer: () => Mailer;
}

/** The unsubscribe, theme and (with subscribe.enabled) sign-up routes; none without server.publicUrl. */
export function subscriberRoutes(deps: SubscriberRouteDeps): Endpoint[] {
  const { config, store } = deps;
  const publicUrl = config.server.publicUrl;
  if (publicUrl === undefined) return [];
  // A configured secret that is missing fails the start, not a reader's first click.
  let secret: string | null = config.subscribe.secretEnv !== undefined ? subscriberSecret(config, deps.env, store) : null;
  return subscriberEndpoints({
    book: store.subscribers(),
    secret: () => (secret ??= subscriberSecret(config, deps.env, store)),
    publicUrl,
    locale: deps.locale,
    siteTitle: config.site.title,
    siteUrl: config.site.url,
    themes: themeInfos(deps.taxonomy, deps.locale.primary),
    now: () => deps.clock.now(),
    logger: deps.logger,
    signup: config.subscribe.enabled
      ? {
          from: config.email.from,
          confirmDays: config.subscribe.confirmDays,
          limiter: createRateLimiter({ limit: SIGNUPS_PER_CLIENT_PER_HOUR, windowMs: 60 * 60_000, maxKeys: LIMITER_MAX_KEYS }),
          send: async (message) => {
            const mailer = deps.mailer();
            try {
              await mailer.send(message, 'subscribe');
            } finally {
              mailer.close();
            }
          },
        }
      : null,
  });
}

/** `recipients add`: the operator subscribes an address (again), with themes or the ones it had. */
export function addRecipient(store: Store, address: string, themes: readonly string[] | null, now: string): SubscriberRecord {
  return store.subscribers().subscribe(address, { origin: 'operator', themes, how: 'operator' }, now);
}

/** `recipients remove`: the address leaves (made a row if the store did not know it); false if it had already. */
export function removeRecipient(store: Store, address: string, how: SubscriberHow, now: string): boolean {
  const book = store.subscribers();
  const row = book.ensure(address, now);
  return book.unsubscribe(row.id, how, now);
}

/** One line of `recipients list` and `export`: a config recipient the store has no row for yet reads as subscribed by the config. */
export interface RecipientLine {
  readonly address: string;
  readonly origin: SubscriberRecord['origin'];
  readonly inConfig: boolean;
  readonly state: SubscriberRecord['state'];
  readonly themes: readonly string[] | null;
  readonly how: SubscriberHow;
  readonly since: string | null;
}

export function recipientLines(config: Config, store: Store): RecipientLine[] {
  const rows = new Map(store.subscribers().list().map((row) => [row.address, row]));
  const configured = new Map(config.email.recipients.map((recipient) => [recipient.address.toLowerCase(), recipient]));
  const lines: RecipientLine[] = [];
  for (const [address, recipient] of configured) {
    const row = rows.get(address);
    lines.push({
      address,
      origin: row?.origin ?? 'config',
      inConfig: true,
      state: row?.state ?? 'subscribed',
      themes: row?.themes ?? recipient.themes ?? null,
      how: row?.how ?? 'config',
      since: row?.updatedAt ?? null,
    });
  }
  for (const row of rows.values()) {
    if (configured.has(row.address) || (row.origin === 'config' && row.state === 'subscribed')) continue;
    lines.push({ address: row.address, origin: row.origin, inConfig: false, state: row.state, themes: row.themes, how: row.how, since: row.updatedAt });
  }
  return lines.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

/** The address an unsubscribe token (from a letter's mailto: subject) names, or null. */
export function addressOfToken(config: Config, env: NodeJS.ProcessEnv, store: Store, token: string): string | null {
  const base = config.server.publicUrl;
  const id = tokenId(token);
  if (base === undefined || id === null) return null;
  const row = store.subscribers().byPublicId(id);
  if (row === null) return null;
  const secret = config.subscribe.secretEnv !== undefined ? subscriberSecret(config, env, store) : store.subscribers().existingSecret();
  return secret !== null && sameToken(token, unsubscribeToken(secret, base, row)) ? row.address : null;
}
