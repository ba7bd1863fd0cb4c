// /metrics in the Prometheus text format: counters accumulated over cycles from each source's result.
import { describe, expect, it } from 'vitest';
import type { SourceRecord } from '../../src/domain/source.js';
import { createCycleMetrics, recordResumes, recordSourceResult, renderMetrics } from '../../src/worker/metrics.js';
import type { CycleSummary, SourceResult } from '../../src/app/pipeline.js';
import { NO_FULL_TEXT } from '../../src/app/full-text-step.js';

const NOW = new Date('2026-11-26T08:00:00Z');

function source(overrides: Partial<SourceRecord>): SourceRecord {
  return {
    id: 1, key: 'http://a/feed', url: 'http://a/feed', name: null, lang: null, active: true, siteUrl: null, feedTitle: null,
    etag: null, lastModified: null, lastAttemptAt: null, lastSuccessAt: '2026-11-26T07:00:00Z', lastErrorAt: null,
    lastErrorCode: null, lastError: null, consecutiveFailures: 0, nextFetchAt: null, movedFrom: null, movedAt: null,
    lastNewItemAt: '2026-11-25T07:00:00Z', itemCount: 3, createdAt: '2026-01-01T00:00:00Z', feedHints: null,
    ...overrides,
  };
}

describe('renderMetrics', () => {
  const metrics = createCycleMetrics();
  const results: SourceResult[] = [
    { kind: 'ok', inserted: 3, updated: 1, items: 10, bytes: 2_000, durationMs: 80 },
    { kind: 'ok', inserted: 2, updated: 0, items: 5, bytes: 1_000, durationMs: 700 },
    { kind: 'not-modified', bytes: 0, durationMs: 40 },
    { kind: 'failed', code: 'FETCH_TIMEOUT', message: 'fetch: slow', durationMs: 15_000 },
    { kind: 'failed', code: 'FETCH_TIMEOUT', message: 'fetch: slow', durationMs: 15_000 },
    { kind: 'deferred', until: '2026-11-26T09:00:00Z' },
  ];
  for (const result of results) recordSourceResult(metrics.fetches, result);
  const text = renderMetrics(
    metrics,
    [
      source({}),
      // No new item since 40 days: stale (fetch.staleAfterDays 30).
      source({ id: 2, url: 'http://b/feed', lastNewItemAt: '2026-10-17T08:00:00Z' }),
      // Never fetched successfully: not stale, just new.
      source({ id: 3, url: 'http://c/feed', lastSuccessAt: null, lastNewItemAt: null }),
    ],
    { now: NOW, staleAfterDays: 30 },
  );

  it.each([
    ['fetches by result code', 'veille_fetches_total{code="ok"} 2'],
    ['fetches by result code', 'veille_fetches_total{code="not_modified"} 1'],
    ['fetches by result code', 'veille_fetches_total{code="FETCH_TIMEOUT"} 2'],
    ['deferred sources, apart from fetches', 'veille_fetches_deferred_total 1'],
    ['bytes received', 'veille_fetch_received_bytes_total 3000'],
    ['duration histogram, cumulative buckets', 'veille_fetch_duration_seconds_bucket{le="0.05"} 1'],
    ['duration histogram, cumulative buckets', 'veille_fetch_duration_seconds_bucket{le="0.1"} 2'],
    ['duration histogram, cumulative buckets', 'veille_fetch_duration_seconds_bucket{le="1"} 3'],
    ['duration histogram, cumulative buckets', 'veille_fetch_duration_seconds_bucket{le="30"} 5'],
    ['duration histogram, cumulative buckets', 'veille_fetch_duration_seconds_bucket{le="+Inf"} 5'],
    ['duration histogram, sum and count', 'veille_fetch_duration_seconds_sum 30.820'],
    ['duration histogram, sum and count', 'veille_fetch_duration_seconds_count 5'],
    ['items stored', 'veille_items_stored_total{change="new"} 5'],
    ['items stored', 'veille_items_stored_total{change="updated"} 1'],
    ['stale sources', 'veille_sources_stale 1'],
  ])('%s: %s', (_what, line) => {
    expect(text.split('\n')).toContain(line);
  });

  it('declares each metric family once, with HELP and TYPE', () => {
    const types = text.split('\n').filter((line) => line.startsWith('# TYPE '));
    expect(new Set(types).size).toBe(types.length);
    expect(types).toContain('# TYPE veille_fetch_duration_seconds histogram');
    expect(types).toContain('# TYPE veille_fetches_total counter');
  });
});

describe('résumé metrics (issue 16)', () => {
  it('counts each cycle’s résumés by result, rejections included, and the requests sent', () => {
    const metrics = createCycleMetrics();
    const cycle = (summarized: NonNullable<CycleSummary['summarized']>): CycleSummary => ({
      startedAt: '2026-11-26T08:00:00Z', durationMs: 1, sources: 1, due: 1, fetched: 1, notModified: 0, failed: 0, deferred: 0,
      newItems: 0, updatedItems: 0, published: 1, failures: [], fullText: NO_FULL_TEXT, summarized,
    });
    recordResumes(metrics.resumes, cycle({ written: 2, cached: 0, rejected: 1, waiting: 0, deferred: 0, requests: 4, characters: 9000, stopped: null }));
    recordResumes(metrics.resumes, cycle({ written: 0, cached: 3, rejected: 0, waiting: 0, deferred: 0, requests: 0, characters: 0, stopped: null }));
    const lines = renderMetrics(metrics, [], { now: NOW, staleAfterDays: 30 }).split('\n');
    expect(lines).toEqual(expect.arrayContaining([
      'veille_resumes_total{result="written"} 2',
      'veille_resumes_total{result="rejected"} 1',
      'veille_resumes_total{result="cached"} 3',
      'veille_resume_requests_total 4',
    ]));
  });
});
