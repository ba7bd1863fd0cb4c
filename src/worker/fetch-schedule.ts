// When each source is fetched next: its own hints within the configured bounds after a
// success, exponential backoff with jitter after failures, and Retry-After honoured.

export interface ScheduleBounds {
  readonly minIntervalMinutes: number;
  readonly maxIntervalMinutes: number;
}

const MINUTE = 60_000;

/** A source is due when its next fetch is at most this far ahead, so a cron tick a few
 * seconds early does not skip a whole period. */
export const DUE_GRACE_MS = 2 * MINUTE;

export function isDue(nextFetchAt: string | null, now: Date): boolean {
  return nextFetchAt === null || Date.parse(nextFetchAt) <= now.getTime() + DUE_GRACE_MS;
}

/** After a success: the feed's own interval (RSS ttl, Cache-Control max-age), clamped. */
export function nextFetchAfterSuccess(
  now: Date,
  bounds: ScheduleBounds,
  hints: { ttlMinutes: number | null; maxAgeSeconds: number | null },
): Date {
  const wished = Math.max(hints.ttlMinutes ?? 0, (hints.maxAgeSeconds ?? 0) / 60);
  const minutes = clamp(wished, bounds.minIntervalMinutes, bounds.maxIntervalMinutes);
  return new Date(now.getTime() + minutes * MINUTE);
}

/** After the n-th failure in a row: min × 2^(n-1), capped, ±20% jitter, never before Retry-After. */
export function nextFetchAfterFailure(
  now: Date,
  bounds: ScheduleBounds,
  consecutiveFailures: number,
  retryAfterMs: number | null,
  random: () => number = Math.random,
): Date {
  const base = Math.max(bounds.minIntervalMinutes, 1) * 2 ** Math.min(Math.max(consecutiveFailures - 1, 0), 16);
  const capped = Math.min(base, bounds.maxIntervalMinutes);
  const jittered = capped * (0.8 + 0.4 * random());
  const delayMs = Math.max(jittered * MINUTE, retryAfterMs ?? 0);
  return new Date(now.getTime() + delayMs);
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), Math.max(low, high));
}
