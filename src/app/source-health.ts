// Health of one source beyond its last fetch: stale when no new item arrived for too long.
import type { SourceRecord } from '../domain/source.js';

const DAY = 24 * 60 * 60 * 1000;

/**
 * Stale: fetched successfully at least once, and its newest item was first stored (or, with no
 * item ever, the source was added) more than `staleAfterDays` days ago (`fetch.staleAfterDays`).
 */
export function isStale(source: SourceRecord, now: Date, staleAfterDays: number): boolean {
  if (source.lastSuccessAt === null) return false;
  const since = Date.parse(source.lastNewItemAt ?? source.createdAt);
  return Number.isFinite(since) && now.getTime() - since > staleAfterDays * DAY;
}
