// The health of the whole site, from its sources' records: what /healthz answers and what the
// home page says (issue 17, finding 5: /healthz said "ok" while every source failed).
import type { SourceRecord } from '../domain/source.js';
import { isStale } from './source-health.js';

export type HealthStatus = 'ok' | 'degraded' | 'failing';

/** A source failing this many times in a row (its last attempts, cycle after cycle) counts as down for "failing". */
export const FAILING_AFTER_ATTEMPTS = 3;

export interface SiteHealth {
  /** ok: every tried source works; degraded: some fail or are stale; failing: none succeeded in its last FAILING_AFTER_ATTEMPTS attempts. */
  readonly status: HealthStatus;
  /** The active sources, and among them: */
  readonly sources: number;
  /** failing: their last attempt failed. */
  readonly failing: number;
  /** stale: working, but no new item for fetch.staleAfterDays. */
  readonly stale: number;
  /** new: never tried yet. */
  readonly new: number;
  readonly failingAfter: number;
}

export function siteHealth(sources: readonly SourceRecord[], now: Date, staleAfterDays: number): SiteHealth {
  let failing = 0;
  let stale = 0;
  let fresh = 0;
  let down = 0;
  for (const source of sources) {
    if (source.lastSuccessAt === null && source.lastErrorAt === null) fresh += 1;
    else if (source.consecutiveFailures > 0) {
      failing += 1;
      if (source.consecutiveFailures >= FAILING_AFTER_ATTEMPTS) down += 1;
    } else if (isStale(source, now, staleAfterDays)) stale += 1;
  }
  const tried = sources.length - fresh;
  const status: HealthStatus = tried > 0 && down === tried ? 'failing' : failing > 0 || stale > 0 ? 'degraded' : 'ok';
  return { status, sources: sources.length, failing, stale, new: fresh, failingAfter: FAILING_AFTER_ATTEMPTS };
}

/** The HTTP status a load balancer expects: 503 only when the site is failing. */
export function healthHttpStatus(health: SiteHealth): number {
  return health.status === 'failing' ? 503 : 200;
}
