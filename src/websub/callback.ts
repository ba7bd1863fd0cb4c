// What veille's WebSub callback answers (W3C WebSub): the hub's verification of intent (§5.3) and
// denial (§5.2), both GET, and content distribution (§7), a POST checked against its signature (§8).
// Pure decisions on a request and the subscription its callback URL names; the app stores them.
import type { WebSubSubscription } from '../domain/websub.js';
import { isSignedBy } from './signature.js';

/** The path under the server's public URL where hubs call back: `websub/<callback id>`. */
export const CALLBACK_PATH = '/websub/';

export type Verification =
  /** §5.3.1: answer 2xx with hub.challenge as the body; the subscription is verified (or ended). */
  | { readonly kind: 'confirm'; readonly mode: 'subscribe' | 'unsubscribe'; readonly challenge: string; readonly leaseSeconds: number | null }
  /** §5.2: the hub refused the subscription. */
  | { readonly kind: 'denied'; readonly reason: string | null }
  /** §5.3.1: "If the subscriber does not agree with the action, the subscriber MUST respond with a 404". */
  | { readonly kind: 'refuse'; readonly why: string };

/**
 * The answer to a hub's GET on the callback of `subscription` (null: no such callback). A
 * subscribe is confirmed only for a subscription veille asked for or holds, an unsubscribe only
 * for one veille asked to end, and only for the topic it was made for.
 */
export function judgeVerification(query: URLSearchParams, subscription: WebSubSubscription | null): Verification {
  if (subscription === null) return { kind: 'refuse', why: 'no such subscription' };
  const mode = query.get('hub.mode');
  const topic = query.get('hub.topic');
  if (topic === null || !sameTopic(topic, subscription.topic)) return { kind: 'refuse', why: 'another topic' };
  if (mode === 'denied') return { kind: 'denied', reason: query.get('hub.reason') };
  const challenge = query.get('hub.challenge');
  if (challenge === null || challenge === '') return { kind: 'refuse', why: 'no hub.challenge' };
  if (mode === 'subscribe') {
    if (subscription.state !== 'requested' && subscription.state !== 'active') return { kind: 'refuse', why: `subscribe while ${subscription.state}` };
    return { kind: 'confirm', mode, challenge, leaseSeconds: parseLease(query.get('hub.lease_seconds')) };
  }
  if (mode === 'unsubscribe') {
    if (subscription.state !== 'unsubscribing') return { kind: 'refuse', why: `unsubscribe while ${subscription.state}` };
    return { kind: 'confirm', mode, challenge, leaseSeconds: null };
  }
  return { kind: 'refuse', why: 'unknown hub.mode' };
}

export type Distribution = { readonly kind: 'accept' } | { readonly kind: 'ignore'; readonly why: string };

/**
 * A content distribution POST (§7) on the callback of `subscription`. §8: a missing or wrong
 * X-Hub-Signature is answered 2xx like any other and the content ignored, so that a forger learns
 * nothing; so is a body whose rel="self" Link header names another topic than the source's.
 */
export function judgeDistribution(
  request: { readonly headers: Readonly<Record<string, string | string[] | undefined>>; readonly body: Buffer },
  subscription: WebSubSubscription,
): Distribution {
  if (subscription.state !== 'active') return { kind: 'ignore', why: `subscription ${subscription.state}` };
  const signature = request.headers['x-hub-signature'];
  if (signature === undefined) return { kind: 'ignore', why: 'unsigned' };
  if (!isSignedBy(signature, request.body, subscription.secret)) return { kind: 'ignore', why: 'wrong signature' };
  const self = linksOf(request.headers.link).find((link) => link.rels.includes('self'));
  if (self !== undefined && !sameTopic(self.url, subscription.topic)) return { kind: 'ignore', why: 'another topic' };
  return { kind: 'accept' };
}

/** §5.3: hub.lease_seconds, a positive integer; anything else is no lease given. */
function parseLease(value: string | null): number | null {
  if (value === null || !/^\d{1,10}$/.test(value)) return null;
  const seconds = Number(value);
  return seconds > 0 ? seconds : null;
}

/** Topic URLs compared as URLs (case of the scheme and host, default port), not as strings. */
export function sameTopic(a: string, b: string): boolean {
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return a === b;
  }
}

export interface LinkValue {
  readonly url: string;
  readonly rels: readonly string[];
}

/**
 * The links of HTTP Link headers (RFC 8288 §3): `<url>; rel="hub", <url>; rel=self`. One pass over
 * the text: a URL runs from `<` to `>`, its parameters to the next comma.
 */
export function linksOf(header: string | string[] | undefined): LinkValue[] {
  const values = header === undefined ? [] : Array.isArray(header) ? header : [header];
  const links: LinkValue[] = [];
  for (const value of values) {
    let at = 0;
    while (at < value.length) {
      const open = value.indexOf('<', at);
      if (open < 0) break;
      const close = value.indexOf('>', open + 1);
      if (close < 0) break;
      const next = value.indexOf('<', close + 1);
      const params = value.slice(close + 1, next < 0 ? value.length : next);
      links.push({ url: value.slice(open + 1, close).trim(), rels: relsOf(params) });
      at = next < 0 ? value.length : next;
    }
  }
  return links;
}

function relsOf(params: string): string[] {
  for (const param of params.split(';')) {
    const equals = param.indexOf('=');
    if (equals < 0 || param.slice(0, equals).trim().toLowerCase() !== 'rel') continue;
    const value = param.slice(equals + 1).replace(/,\s*$/, '').trim().replace(/^"|"$/g, '');
    return value.toLowerCase().split(/\s+/).filter((rel) => rel !== '');
  }
  return [];
}
