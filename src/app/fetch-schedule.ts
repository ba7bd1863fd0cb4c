// When each source is fetched next: its own hints (RSS ttl, sy:updatePeriod, Cache-Control
// max-age, skipHours/skipDays) within the configured bounds after a success, exponential backoff
// with jitter after failures, and Retry-After honoured up to the longest interval.

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

/** What a feed says about how often to read it; stored with the source so that a 304 reuses it. */
export interface FeedScheduleHints {
  /** RSS `<ttl>`. */
  readonly ttlMinutes: number | null;
  /** RSS syndication module `sy:updatePeriod` / `sy:updateFrequency`. */
  readonly updatePeriodMinutes: number | null;
  /** RSS 2.0 `<skipHours>`, GMT. */
  readonly skipHours: readonly number[];
  /** RSS 2.0 `<skipDays>`, English names. */
  readonly skipDays: readonly string[];
}

export const NO_FEED_HINTS: FeedScheduleHints = Object.freeze({
  ttlMinutes: null,
  updatePeriodMinutes: null,
  skipHours: Object.freeze([]) as readonly number[],
  skipDays: Object.freeze([]) as readonly string[],
});

const DAY_NAMES: readonly string[] = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const HOUR = 60 * MINUTE;

/**
 * After a success: the longest interval the feed asks for (ttl, sy:updatePeriod, max-age),
 * clamped to the bounds, then moved past the hours and days the feed says to skip (RSS 2.0
 * skipHours/skipDays, in GMT) but never beyond the longest interval.
 */
export function nextFetchAfterSuccess(
  now: Date,
  bounds: ScheduleBounds,
  hints: Partial<FeedScheduleHints> & { maxAgeSeconds: number | null },
): Date {
  const wished = Math.max(hints.ttlMinutes ?? 0, hints.updatePeriodMinutes ?? 0, (hints.maxAgeSeconds ?? 0) / 60);
  const minutes = clamp(wished, bounds.minIntervalMinutes, bounds.maxIntervalMinutes);
  const earliest = now.getTime() + minutes * MINUTE;
  const latest = now.getTime() + Math.max(bounds.minIntervalMinutes, bounds.maxIntervalMinutes) * MINUTE;
  return new Date(Math.min(skipForward(earliest, hints.skipHours ?? [], hints.skipDays ?? []), latest));
}

/** The first time at or after `at` that is in neither a skipped GMT hour nor a skipped GMT day. */
function skipForward(at: number, skipHours: readonly number[], skipDays: readonly string[]): number {
  const hours = new Set(skipHours);
  const days = new Set(skipDays);
  // A feed that skips every hour or every day says nothing usable.
  if (hours.size >= 24 || days.size >= 7 || (hours.size === 0 && days.size === 0)) return at;
  let candidate = at;
  for (let step = 0; step < 8 * 24; step += 1) {
    const date = new Date(candidate);
    if (!hours.has(date.getUTCHours()) && !days.has(DAY_NAMES[date.getUTCDay()] ?? '')) return candidate;
    candidate = Math.floor(candidate / HOUR) * HOUR + HOUR;
  }
  return at;
}

/** After the n-th failure in a row: min × 2^(n-1), capped, ±20% jitter, never before Retry-After
 * (itself capped at the longest interval, so that a hostile Retry-After cannot silence a source for years). */
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
  const delayMs = Math.max(jittered * MINUTE, capRetryAfter(retryAfterMs, bounds) ?? 0);
  return new Date(now.getTime() + delayMs);
}

/** Retry-After (RFC 9110 §10.2.3) as asked, but at most the longest interval between two fetches. */
export function capRetryAfter(retryAfterMs: number | null, bounds: ScheduleBounds): number | null {
  if (retryAfterMs === null) return null;
  return Math.min(retryAfterMs, Math.max(bounds.maxIntervalMinutes, bounds.minIntervalMinutes) * MINUTE);
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), Math.max(low, high));
}

/** The hints as stored with the source (JSON). */
export function encodeFeedHints(hints: FeedScheduleHints): string {
  const { ttlMinutes, updatePeriodMinutes, skipHours, skipDays } = hints;
  return JSON.stringify({ ttlMinutes, updatePeriodMinutes, skipHours, skipDays });
}

/** Stored hints back; anything unreadable counts as no hint. */
export function decodeFeedHints(json: string | null): FeedScheduleHints {
  if (json === null) return NO_FEED_HINTS;
  try {
    const value = JSON.parse(json) as Record<string, unknown>;
    const numberOrNull = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) && x > 0 ? x : null);
    return {
      ttlMinutes: numberOrNull(value.ttlMinutes),
      updatePeriodMinutes: numberOrNull(value.updatePeriodMinutes),
      skipHours: Array.isArray(value.skipHours) ? value.skipHours.filter((h): h is number => Number.isInteger(h) && h >= 0 && h < 24) : [],
      skipDays: Array.isArray(value.skipDays) ? value.skipDays.filter((d): d is string => typeof d === 'string' && DAY_NAMES.includes(d)) : [],
    };
  } catch {
    return NO_FEED_HINTS;
  }
}
