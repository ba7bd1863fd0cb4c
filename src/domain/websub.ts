// WebSub (W3C Recommendation, https://www.w3.org/TR/websub/) as veille keeps it: its subscriptions
// to sources' hubs and its pings of the hubs its own feeds declare.

/**
 * requested: asked of the hub (§5.1), waiting for its verification of intent (§5.3);
 * active: verified, with a lease; denied: the hub refused (§5.2); unsubscribing: asked to end.
 */
export type SubscriptionState = 'requested' | 'active' | 'denied' | 'unsubscribing';

export interface WebSubSubscription {
  readonly sourceId: number;
  /** The opaque last segment of the callback URL (`<publicUrl>websub/<callbackId>`). */
  readonly callbackId: string;
  readonly hub: string;
  readonly topic: string;
  /** hub.secret: the HMAC key of the hub's signatures (§8). */
  readonly secret: string;
  readonly state: SubscriptionState;
  readonly leaseSeconds: number | null;
  /** ISO 8601: when the lease the hub granted ends. */
  readonly expiresAt: string | null;
  readonly requestedAt: string;
  readonly verifiedAt: string | null;
  /** Requests to the hub that failed in a row; the next one waits until nextAttemptAt. */
  readonly attempts: number;
  readonly nextAttemptAt: string | null;
  readonly lastError: string | null;
  /** Content distributions accepted, and ignored (bad or missing signature, another topic: §8). */
  readonly pushes: number;
  readonly ignoredPushes: number;
  readonly lastPushAt: string | null;
  /** New items polling found that no push brought, since missedSince: a hub that stopped pushing. */
  readonly missedItems: number;
  readonly missedSince: string | null;
}

/** A ping of a configured hub for one published feed (hub.mode=publish), pending until it succeeds or gives up. */
export interface WebSubPing {
  readonly hub: string;
  readonly topic: string;
  readonly pending: boolean;
  readonly queuedAt: string;
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly sent: number;
  readonly failures: number;
  readonly lastOkAt: string | null;
  readonly lastError: string | null;
  readonly lastErrorAt: string | null;
}

/** A feed body a hub delivered to veille's callback (W3C WebSub §7), its signature checked. */
export interface PushedFeed {
  readonly text: string;
  readonly contentType: string | null;
  readonly receivedBytes: number;
}
