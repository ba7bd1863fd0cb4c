// The site's health from its sources' records (/healthz, the home page's line): issue 17, finding 5.
import { describe, expect, it } from 'vitest';
import { siteHealth } from '../../src/app/site-health.js';
import type { SourceRecord } from '../../src/domain/source.js';

const NOW = new Date('2026-11-26T08:00:00Z');
const RECENT = '2026-11-26T07:30:00Z';
const LONG_AGO = '2026-09-01T00:00:00Z';

function source(id: number, state: 'new' | 'ok' | 'stale' | { failures: number }): SourceRecord {
  const failures = typeof state === 'object' ? state.failures : 0;
  const tried = state !== 'new';
  return {
    id,
    key: `https://example.org/${id}`,
    url: `https://example.org/${id}`,
    name: null,
    lang: null,
    active: true,
    siteUrl: null,
    feedTitle: null,
    etag: null,
    lastModified: null,
    lastAttemptAt: tried ? RECENT : null,
    lastSuccessAt: tried && (failures === 0 || id % 2 === 0) ? RECENT : null,
    lastErrorAt: failures > 0 ? RECENT : null,
    lastErrorCode: failures > 0 ? 'FETCH_HTTP_STATUS' : null,
    lastError: failures > 0 ? 'fetch: HTTP 404' : null,
    consecutiveFailures: failures,
    nextFetchAt: null,
    movedFrom: null,
    movedAt: null,
    lastNewItemAt: state === 'stale' ? LONG_AGO : tried ? RECENT : null,
    itemCount: 0,
    createdAt: LONG_AGO,
    feedHints: null,
  };
}

describe('siteHealth', () => {
  it.each([
    { name: 'no source yet', sources: [], status: 'ok', counts: { sources: 0, failing: 0, stale: 0, new: 0 } },
    { name: 'none tried yet', sources: [source(1, 'new'), source(2, 'new')], status: 'ok', counts: { sources: 2, failing: 0, stale: 0, new: 2 } },
    { name: 'all working', sources: [source(1, 'ok'), source(2, 'ok')], status: 'ok', counts: { sources: 2, failing: 0, stale: 0, new: 0 } },
    { name: 'one stale', sources: [source(1, 'ok'), source(2, 'stale')], status: 'degraded', counts: { sources: 2, failing: 0, stale: 1, new: 0 } },
    { name: 'one failing', sources: [source(1, 'ok'), source(3, { failures: 5 })], status: 'degraded', counts: { sources: 2, failing: 1, stale: 0, new: 0 } },
    { name: 'all failing, once or twice', sources: [source(1, { failures: 1 }), source(3, { failures: 2 })], status: 'degraded', counts: { sources: 2, failing: 2, stale: 0, new: 0 } },
    { name: 'all failing 3 times or more', sources: [source(1, { failures: 3 }), source(2, { failures: 9 })], status: 'failing', counts: { sources: 2, failing: 2, stale: 0, new: 0 } },
    { name: 'all tried ones failing, one new', sources: [source(1, { failures: 3 }), source(3, 'new')], status: 'failing', counts: { sources: 2, failing: 1, stale: 0, new: 1 } },
  ])('$name: $status', ({ sources, status, counts }) => {
    expect(siteHealth(sources, NOW, 30)).toEqual({ status, ...counts, failingAfter: 3 });
  });
});
