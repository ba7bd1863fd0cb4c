// The routes of veille's own server for its readers (issue 23): one-click unsubscribe (RFC 8058),
// the themes a reader receives, and sign-up with double opt-in. A forged, truncated or stale token
// gets the same answer as a good one and changes nothing, so no answer tells who is subscribed;
// the sign-up form answers the same whatever the address. Writes go through the SubscriberBook.
import type { Logger } from '../domain/ports.js';
import type { SiteLocale } from '../domain/site-locale.js';
import type { SubscriberBook, SubscriberRecord } from '../domain/subscriber.js';
import type { ThemeInfo } from '../domain/types.js';
import type { Endpoint, EndpointRequest, EndpointResponse } from '../publish/server.js';
import { composeConfirmLetter } from './confirm-letter.js';
import type { OutgoingMessage } from './mailer.js';
import type { RateLimiter } from './rate-limit.js';
import * as pages from './subscriber-pages.js';
import { randomId } from '../system/random-id.js';
import { confirmToken, sameToken, tokenId, unsubscribeToken } from './subscriber-token.js';

const DAY_MS = 24 * 60 * 60_000;
/** Confirmation letters to one address per day, whoever asks. */
export const LETTERS_PER_ADDRESS_PER_DAY = 3;
/** Letters being sent at once; more sign-ups meanwhile are answered but not sent (said in the log). */
const MAX_LETTERS_IN_FLIGHT = 8;

export interface SignupOptions {
  readonly from: string;
  readonly confirmDays: number;
  /** Per client address (the socket's), in bounded memory. */
  readonly limiter: RateLimiter;
  send(message: OutgoingMessage): Promise<void>;
}

export interface SubscriberEndpointOptions {
  readonly book: SubscriberBook;
  /** The signing secret (read when first needed). */
  readonly secret: () => string;
  /** server.publicUrl, ending with '/': the links' base and the list the tokens are made for. */
  readonly publicUrl: string;
  readonly locale: SiteLocale;
  readonly siteTitle: string;
  readonly siteUrl: string;
  readonly themes: readonly ThemeInfo[];
  readonly now: () => Date;
  readonly logger: Logger;
  /** Null: subscribe.enabled is off, no sign-up route. */
  readonly signup: SignupOptions | null;
}

const HTML = 'text/html; charset=utf-8';

function answer(status: number, body: string): EndpointResponse {
  return { status, contentType: HTML, body };
}

/** The form fields of a POST body: urlencoded, or multipart/form-data (RFC 8058 §3.1 allows both). */
export function formFields(request: EndpointRequest): URLSearchParams {
  const type = String(request.headers['content-type'] ?? '').toLowerCase();
  const text = request.body.toString('utf8');
  if (!type.startsWith('multipart/form-data')) return new URLSearchParams(text);
  const boundary = /boundary="?([^";]{1,70})"?/i.exec(String(request.headers['content-type']))?.[1];
  const fields = new URLSearchParams();
  if (boundary === undefined) return fields;
  for (const part of text.split(`--${boundary}`)) {
    const split = part.indexOf('\r\n\r\n');
    if (split === -1) continue;
    const name = /name="([^"]{0,200})"/.exec(part.slice(0, split))?.[1];
    if (name !== undefined) fields.append(name, part.slice(split + 4).replace(/\r\n$/, ''));
  }
  return fields;
}

/** An address a letter can go to: linear checks, no backtracking pattern. */
export function isMailAddress(value: string): boolean {
  if (value.length > 254) return false;
  const at = value.lastIndexOf('@');
  if (at < 1 || at > 64) return false;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (!/^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+$/.test(local) || local.startsWith('.') || local.endsWith('.') || local.includes('..')) return false;
  const labels = domain.split('.');
  return labels.length >= 2 && labels.every((label) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label));
}

export function subscriberEndpoints(options: SubscriberEndpointOptions): Endpoint[] {
  const site: pages.PageSite = { locale: options.locale, siteTitle: options.siteTitle, siteUrl: options.siteUrl };
  const knownThemes = new Set(options.themes.map((theme) => theme.id));
  const list = options.publicUrl;

  /** The subscriber a token names, or null: the comparison is made in constant time whatever the id finds. */
  const subscriberOf = (token: string): SubscriberRecord | null => {
    const id = tokenId(token);
    if (id === null) return null;
    const found = options.book.byPublicId(id);
    const expected = unsubscribeToken(options.secret(), list, found ?? { publicId: id, address: '', epoch: -1 });
    return sameToken(token, expected) && found !== null ? found : null;
  };
  const chosenThemes = (fields: URLSearchParams): Set<string> => new Set(fields.getAll('theme').filter((id) => knownThemes.has(id)));
  const tail = (request: EndpointRequest, prefix: string): string => request.path.slice(prefix.length);

  const endpoints: Endpoint[] = [
    {
      path: '/unsubscribe/',
      prefix: true,
      methods: ['GET', 'POST'],
      maxBodyBytes: 4096,
      handle(request) {
        const token = tail(request, '/unsubscribe/');
        const preferences = `../preferences/${encodeURIComponent(token)}`;
        if (request.method !== 'POST') return answer(200, pages.unsubscribePage(site, preferences));
        const fields = formFields(request);
        // RFC 8058 §3.2: the POST says List-Unsubscribe=One-Click; anything else changes nothing.
        if (fields.get('List-Unsubscribe') !== 'One-Click') return answer(400, pages.unsubscribePage(site, preferences));
        const subscriber = subscriberOf(token);
        if (subscriber !== null) {
          const how = fields.get('via') === 'page' ? 'page' : 'one-click';
          if (options.book.unsubscribe(subscriber.id, how, options.now().toISOString())) {
            options.logger.info({ subscriber: subscriber.publicId, how }, 'unsubscribed');
          }
        }
        return answer(200, pages.unsubscribedPage(site));
      },
    },
    {
      path: '/preferences/',
      prefix: true,
      methods: ['GET', 'POST'],
      maxBodyBytes: 8192,
      handle(request) {
        const subscriber = subscriberOf(tail(request, '/preferences/'));
        const current = new Set(subscriber?.state === 'subscribed' ? (subscriber.themes ?? []) : []);
        if (request.method !== 'POST') return answer(200, pages.preferencesPage(site, options.themes, current));
        const themes = chosenThemes(formFields(request));
        if (subscriber !== null && subscriber.state === 'subscribed') {
          options.book.setThemes(subscriber.id, [...themes], 'page', options.now().toISOString());
        }
        return answer(200, pages.preferencesSavedPage(site));
      },
    },
  ];
  if (options.signup !== null) endpoints.push(...signupEndpoints(options, options.signup, site, chosenThemes));
  return endpoints;
}

function signupEndpoints(
  options: SubscriberEndpointOptions,
  signup: SignupOptions,
  site: pages.PageSite,
  chosenThemes: (fields: URLSearchParams) => Set<string>,
): Endpoint[] {
  let inFlight = 0;
  const requestOf = (token: string) => {
    const id = tokenId(token);
    if (id === null) return null;
    const found = options.book.signupRequest(id);
    const expected = confirmToken(options.secret(), options.publicUrl, found ?? { id, address: '', expiresAt: '' });
    if (!sameToken(token, expected) || found === null) return null;
    return Date.parse(found.expiresAt) > options.now().getTime() ? found : null;
  };
  const send = (message: OutgoingMessage) => {
    if (inFlight >= MAX_LETTERS_IN_FLIGHT) {
      options.logger.warn({ inFlight }, 'subscribe: too many confirmation letters being sent; this one is dropped');
      return;
    }
    inFlight += 1;
    signup
      .send(message)
      .catch((error: unknown) => options.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'subscribe: the confirmation letter was not sent'))
      .finally(() => {
        inFlight -= 1;
      });
  };
  return [
    {
      path: '/subscribe',
      methods: ['GET', 'POST'],
      maxBodyBytes: 8192,
      handle(request) {
        if (request.method !== 'POST') return answer(200, pages.subscribePage(site, options.themes, { address: '', themes: new Set(), error: false }));
        const fields = formFields(request);
        const address = (fields.get('address') ?? '').trim();
        const themes = chosenThemes(fields);
        if (!isMailAddress(address)) return answer(400, pages.subscribePage(site, options.themes, { address: address.slice(0, 254), themes, error: true }));
        const now = options.now();
        if (!signup.limiter.allow(request.remoteAddress, now.getTime())) return answer(429, pages.tooManyPage(site));
        // The same page whatever happens next: nothing tells whether the address is subscribed.
        const since = new Date(now.getTime() - DAY_MS).toISOString();
        if (options.book.countSignupRequests(address, since) >= LETTERS_PER_ADDRESS_PER_DAY) {
          options.logger.info({}, 'subscribe: this address was sent enough confirmation letters today; none sent');
          return answer(200, pages.checkMailboxPage(site, signup.confirmDays));
        }
        const pending = { id: randomId(), address: address.toLowerCase(), themes: [...themes], createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + signup.confirmDays * DAY_MS).toISOString(), confirmedAt: null };
        options.book.addSignupRequest(pending);
        const confirmUrl = `${options.publicUrl}subscribe/confirm/${confirmToken(options.secret(), options.publicUrl, pending)}`;
        send(
          composeConfirmLetter({
            from: signup.from,
            to: pending.address,
            siteTitle: options.siteTitle,
            confirmUrl,
            confirmDays: signup.confirmDays,
            requestId: pending.id,
            date: now,
            locale: options.locale,
          }),
        );
        return answer(200, pages.checkMailboxPage(site, signup.confirmDays));
      },
    },
    {
      // GET shows a button, POST confirms: a link scanner that fetches the link subscribes nobody.
      path: '/subscribe/confirm/',
      prefix: true,
      methods: ['GET', 'POST'],
      maxBodyBytes: 1024,
      handle(request) {
        const found = requestOf(request.path.slice('/subscribe/confirm/'.length));
        if (found === null) return answer(404, pages.linkInvalidPage(site));
        if (request.method !== 'POST') return answer(200, pages.confirmPage(site));
        options.book.confirmSignup(found.id, options.now().toISOString());
        options.logger.info({ request: found.id }, 'subscribe: sign-up confirmed');
        return answer(200, pages.confirmedPage(site));
      },
    },
  ];
}
