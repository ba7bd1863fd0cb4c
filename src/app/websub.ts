// WebSub both ways (issue 21, W3C WebSub https://www.w3.org/TR/websub/). Publishing: the feeds
// whose bytes changed are queued for the configured hubs and pinged after the write step, failures
// retried with a bounded back-off. Subscribing: each active source whose feed declares a hub is
// subscribed to (a callback under server.publicUrl, a secret per subscription), its lease renewed
// before it ends, ended when the source goes; the hub's calls to the callback are answered here.
import { randomBytes } from 'node:crypto';
import type { Config } from '../config/load-config.js';
import { describeError } from '../domain/errors.js';
import type { Clock, Logger } from '../domain/ports.js';
import { publicUrl } from '../domain/source-url.js';
import type { PushedFeed, WebSubPing, WebSubSubscription } from '../domain/websub.js';
import { decodeFeedBytes } from '../fetch/charset.js';
import type { HttpClient } from '../fetch/http-client.js';
import { DIGEST_FEEDS, SITE_FEEDS } from '../publish/site-files.js';
import type { Endpoint } from '../publish/server.js';
import type { Store } from '../store/store.js';
import { CALLBACK_PATH, judgeDistribution, judgeVerification, sameTopic } from '../websub/callback.js';
import { pingHub, requestSubscription } from '../websub/hub-requests.js';

/** Back-off of a failed request to a hub: 30 s, 1 min, 2 min… up to an hour; a ping gives up after 8 tries. */
export const HUB_RETRY = { firstMs: 30_000, maxMs: 3_600_000, maxPingAttempts: 8 } as const;

/** A hub that has not verified a request in this time is asked again (§5.3 verification may come late, or never). */
const VERIFY_WAIT_MS = 60 * 60_000;
/** An unsubscription the hub never verifies is let go after this (its lease ends on its own). */
const GIVE_UP_UNSUBSCRIBE_MS = 24 * 60 * 60_000;
/** A denied subscription (§5.2) is asked again a day later: the hub may have changed its mind. */
const DENIED_RETRY_MS = 24 * 60 * 60_000;
/**
 * A lease is renewed when less than a tenth of it is left, and at least 5 minutes before it ends
 * (the worker looks each minute).
 */
const RENEW_FRACTION = 0.1;
const RENEW_AT_LEAST_MS = 5 * 60_000;

export function retryDelayMs(attempts: number): number {
  return Math.min(HUB_RETRY.firstMs * 2 ** Math.max(0, Math.min(attempts - 1, 20)), HUB_RETRY.maxMs);
}

/** The published feeds (merged and per theme), the ones whose changes are worth a ping. */
function isPublishedFeed(path: string): boolean {
  return SITE_FEEDS.some((feed) => feed.path === path) || DIGEST_FEEDS.some((feed) => feed.path === path) || /^themes\/[a-z0-9][a-z0-9_-]*\.(?:xml|atom|json)$/i.test(path);
}

/** After a publish: each feed it rewrote is to be pinged on each configured hub. Its topic is its self URL. */
export function queueFeedPings(config: Config, store: Store, written: readonly string[], at: Date): void {
  const hubs = config.websub.hub;
  if (hubs.length === 0) return;
  const topics = written.filter(isPublishedFeed).map((path) => new URL(path, config.site.url).href);
  if (topics.length > 0) store.websub().queuePings(hubs, topics, at.toISOString());
}

export interface WebSubDeps {
  readonly config: Config;
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly userAgent: string;
  /** Requests to hubs; a hub found in a feed is requested as untrusted (the address policy applies). */
  readonly client: HttpClient;
  readonly signal?: AbortSignal;
}

/** Pings the hubs of the feeds queued and due; returns how many went through and how many failed. */
export async function sendDuePings(deps: WebSubDeps): Promise<{ sent: number; failed: number }> {
  const { store, clock, logger } = deps;
  let sent = 0;
  let failed = 0;
  for (const ping of store.websub().duePings(clock.now().toISOString())) {
    if (deps.signal?.aborted === true) break;
    try {
      // A hub from the config is trusted, as the configured sources are.
      await pingHub(ping.hub, ping.topic, { client: deps.client, userAgent: deps.userAgent, untrusted: false, ...(deps.signal ? { signal: deps.signal } : {}) });
      store.websub().recordPingSent(ping.hub, ping.topic, clock.now().toISOString());
      sent += 1;
    } catch (error) {
      failed += 1;
      const now = clock.now();
      const attempts = ping.attempts + 1;
      const retryAt = attempts >= HUB_RETRY.maxPingAttempts ? null : new Date(now.getTime() + retryDelayMs(attempts)).toISOString();
      store.websub().recordPingFailure(ping.hub, ping.topic, describeError(error), now.toISOString(), retryAt);
      logger.warn({ hub: publicUrl(ping.hub), topic: ping.topic, attempts, retryAt }, describeError(error));
    }
  }
  return { sent, failed };
}

/** The callback URL of a subscription: `<server.publicUrl>websub/<callback id>`. */
export function callbackUrl(config: Config, callbackId: string): string | null {
  const base = config.server.publicUrl;
  return base === undefined ? null : new URL(`${CALLBACK_PATH.slice(1)}${callbackId}`, base).href;
}

/**
 * Brings the subscriptions in line with the sources: subscribes to the hub of each active source
 * that declares one, renews leases near their end, asks again after a failure (with back-off) or
 * a request the hub never verified, and unsubscribes from the hubs of sources removed or no longer
 * declaring that hub. Nothing without server.publicUrl or with publish.websub.subscribe off.
 */
export async function maintainSubscriptions(deps: WebSubDeps): Promise<void> {
  const { config, store, clock } = deps;
  if (config.server.publicUrl === undefined || !config.websub.subscribe) return;
  const websub = store.websub();
  const discovered = websub.discovered();
  const subscriptions = websub.subscriptions();
  const now = clock.now();
  const wanted = new Set<string>();
  for (const found of discovered) {
    if (deps.signal?.aborted === true) return;
    const current = subscriptions.find(
      (subscription) => subscription.sourceId === found.sourceId && subscription.state !== 'unsubscribing' && subscription.hub === found.hub && sameTopic(subscription.topic, found.topic),
    );
    if (current === undefined) {
      const callbackId = randomBytes(18).toString('base64url');
      websub.addSubscription({
        sourceId: found.sourceId,
        callbackId,
        hub: found.hub,
        topic: found.topic,
        // §5.1: hub.secret, fewer than 200 bytes; 32 random bytes as hex.
        secret: randomBytes(32).toString('hex'),
        requestedAt: now.toISOString(),
      });
      wanted.add(callbackId);
      await sendRequest(deps, websub.subscription(callbackId) as WebSubSubscription, 'subscribe');
      continue;
    }
    wanted.add(current.callbackId);
    if (isDue(current, now)) await sendRequest(deps, current, 'subscribe');
  }
  for (const subscription of subscriptions) {
    if (wanted.has(subscription.callbackId) || deps.signal?.aborted === true) continue;
    // Never verified, or denied: the hub holds nothing to end. An unsubscribe the hub has not
    // verified in a day is let go: the lease ends on its own.
    const unverifiedFor = now.getTime() - Date.parse(subscription.requestedAt);
    if (
      subscription.state === 'denied' ||
      (subscription.state === 'requested' && subscription.verifiedAt === null) ||
      (subscription.state === 'unsubscribing' && unverifiedFor >= GIVE_UP_UNSUBSCRIBE_MS)
    ) {
      websub.remove(subscription.callbackId);
    } else if (subscription.state === 'unsubscribing' ? isDue(subscription, now) : isRetryDue(subscription, now)) {
      await sendRequest(deps, subscription, 'unsubscribe');
    }
  }
}

/** No back-off pending: a failed request waits for its nextAttemptAt. */
function isRetryDue(subscription: WebSubSubscription, now: Date): boolean {
  return subscription.nextAttemptAt === null || Date.parse(subscription.nextAttemptAt) <= now.getTime();
}

/** Whether a subscription's hub should be asked again now. */
function isDue(subscription: WebSubSubscription, now: Date): boolean {
  const at = now.getTime();
  if (subscription.nextAttemptAt !== null) return Date.parse(subscription.nextAttemptAt) <= at;
  const askedLongAgo = Date.parse(subscription.requestedAt) + VERIFY_WAIT_MS <= at;
  switch (subscription.state) {
    case 'requested':
    case 'unsubscribing':
      return askedLongAgo;
    case 'active': {
      if (subscription.expiresAt === null || subscription.leaseSeconds === null) return false;
      const renewBy = Date.parse(subscription.expiresAt) - Math.max(RENEW_AT_LEAST_MS, subscription.leaseSeconds * 1000 * RENEW_FRACTION);
      // Renewed once per VERIFY_WAIT while the hub has not verified the renewal.
      const renewalPending = subscription.verifiedAt !== null && subscription.requestedAt > subscription.verifiedAt && !askedLongAgo;
      return at >= renewBy && !renewalPending;
    }
    case 'denied':
      return false;
  }
}

async function sendRequest(deps: WebSubDeps, subscription: WebSubSubscription, mode: 'subscribe' | 'unsubscribe'): Promise<void> {
  const { config, store, clock, logger } = deps;
  const callback = callbackUrl(config, subscription.callbackId);
  if (callback === null) return;
  const websub = store.websub();
  try {
    await requestSubscription(
      {
        mode,
        hub: subscription.hub,
        topic: subscription.topic,
        callback,
        ...(mode === 'subscribe' ? { secret: subscription.secret, leaseSeconds: config.websub.leaseSeconds } : {}),
      },
      // The hub's URL came from a feed: refused on private addresses unless fetch.allowPrivateHosts lets it.
      { client: deps.client, userAgent: deps.userAgent, untrusted: true, ...(deps.signal ? { signal: deps.signal } : {}) },
    );
    // A denied subscription asked again is pending verification again; a renewal stays active.
    const state = mode === 'unsubscribe' ? 'unsubscribing' : subscription.state === 'denied' ? 'requested' : null;
    websub.recordRequestSent(subscription.callbackId, state, clock.now().toISOString());
    logger.info({ hub: publicUrl(subscription.hub), topic: publicUrl(subscription.topic) }, `websub: ${mode} requested`);
  } catch (error) {
    const now = clock.now();
    const retryAt = new Date(now.getTime() + retryDelayMs(subscription.attempts + 1)).toISOString();
    websub.recordRequestFailure(subscription.callbackId, describeError(error), retryAt);
    logger.warn({ hub: publicUrl(subscription.hub), topic: publicUrl(subscription.topic), retryAt }, describeError(error));
  }
}

export interface CallbackRequest {
  readonly method: 'GET' | 'HEAD' | 'POST';
  /** The callback id: the path after `/websub/`. */
  readonly callbackId: string;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

export interface CallbackAnswer {
  readonly status: number;
  readonly body: string;
  /** A body to process at once, as a fetched one would be (§7 content distribution, signature checked). */
  readonly push?: { readonly sourceId: number; readonly feed: PushedFeed };
}

/** The answer to a hub's request on a callback URL (§5.2, §5.3, §7, §8), with what it changed in the store. */
export function answerCallback(deps: Pick<WebSubDeps, 'config' | 'store' | 'clock' | 'logger'>, request: CallbackRequest): CallbackAnswer {
  const { config, store, clock, logger } = deps;
  const websub = store.websub();
  const subscription = /^[A-Za-z0-9_-]{1,64}$/.test(request.callbackId) ? websub.subscription(request.callbackId) : null;
  const now = clock.now().toISOString();
  if (request.method !== 'POST') {
    const verification = judgeVerification(request.query, subscription);
    switch (verification.kind) {
      case 'refuse':
        logger.info({ callback: request.callbackId, why: verification.why }, 'websub: verification refused');
        return { status: 404, body: 'Not Found\n' };
      case 'denied':
        websub.deny(request.callbackId, verification.reason, new Date(Date.parse(now) + DENIED_RETRY_MS).toISOString());
        logger.warn({ topic: subscription?.topic, reason: verification.reason }, 'websub: the hub denied the subscription');
        return { status: 200, body: '' };
      case 'confirm':
        if (verification.mode === 'unsubscribe') websub.remove(request.callbackId);
        else websub.activate(request.callbackId, verification.leaseSeconds ?? config.websub.leaseSeconds, now);
        return { status: 200, body: verification.challenge };
    }
  }
  // §7: "The subscriber's callback URL MAY return an HTTP 410 code to indicate that the subscription has been deleted".
  if (subscription === null) return { status: 410, body: 'Gone\n' };
  const judged = judgeDistribution(request, subscription);
  websub.recordPush(subscription.callbackId, judged.kind === 'accept', now);
  // §8: a distribution with a wrong signature is still answered 2xx; its content is ignored.
  if (judged.kind === 'ignore') {
    logger.warn({ topic: publicUrl(subscription.topic), why: judged.why }, 'websub: a pushed body was ignored');
    return { status: 202, body: '' };
  }
  const contentType = typeof request.headers['content-type'] === 'string' ? request.headers['content-type'] : null;
  const { text } = decodeFeedBytes(request.body, contentType);
  return { status: 202, body: '', push: { sourceId: subscription.sourceId, feed: { text, contentType, receivedBytes: request.body.length } } };
}

/** What `status` and /metrics show of WebSub: the pings of the configured hubs and the subscriptions (their secrets left out). */
export interface WebSubStatus {
  readonly pings: readonly WebSubPing[];
  readonly subscriptions: readonly (Omit<WebSubSubscription, 'secret'> & { readonly sourceUrl: string | null; readonly hubSilent: boolean })[];
}

export function readWebSubStatus(store: Store): WebSubStatus {
  const urls = new Map(store.listSources({ activeOnly: false }).map((source) => [source.id, publicUrl(source.url)]));
  return {
    pings: store.websub().pings(),
    subscriptions: store.websub().subscriptions().map(({ secret: _secret, ...subscription }) => ({
      ...subscription,
      hub: publicUrl(subscription.hub),
      topic: publicUrl(subscription.topic),
      sourceUrl: urls.get(subscription.sourceId) ?? null,
      hubSilent: isHubSilent(subscription),
    })),
  };
}

/** A hub stopped pushing: polling found new items it did not push (none since). */
export function isHubSilent(subscription: Pick<WebSubSubscription, 'state' | 'missedItems'>): boolean {
  return subscription.state === 'active' && subscription.missedItems > 0;
}

/**
 * The server's endpoint for hubs' calls (W3C WebSub §5.2, §5.3 GET; §7 POST, its body bounded by
 * fetch.maxBytes like a fetched feed's); `onPush` is given each body accepted, to process at once.
 */
export function webSubEndpoint(
  deps: Pick<WebSubDeps, 'config' | 'store' | 'clock' | 'logger'>,
  onPush: (sourceId: number, feed: PushedFeed) => void,
): Endpoint {
  return {
    path: CALLBACK_PATH,
    prefix: true,
    methods: ['GET', 'POST'],
    maxBodyBytes: deps.config.fetch.maxBytes,
    handle: (request) => {
      const answer = answerCallback(deps, { ...request, callbackId: request.path.slice(CALLBACK_PATH.length) });
      if (answer.push) onPush(answer.push.sourceId, answer.push.feed);
      return { status: answer.status, contentType: 'text/plain; charset=utf-8', body: answer.body };
    },
  };
}
