// Retry-After (RFC 9110 §10.2.3), read against the injected clock: feeds and translation
// providers alike, so that VEILLE_NOW reaches every wait a server asks for.

/** The wait a Retry-After asks for, in ms from `now` (never negative); null when absent or not seconds nor an HTTP date. */
export function parseRetryAfter(value: string | null, now: Date): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}
