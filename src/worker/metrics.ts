// Prometheus text exposition of the worker's health: cycles, last cycle's results, sources, and
// counters accumulated over every cycle since the worker started (fetches by result, bytes,
// durations, items stored).
import type { NotifyTargetState } from '../domain/notify.js';
import type { WebSubStatus } from '../app/websub.js';
import { publicUrl } from '../domain/source-url.js';
import type { SourceRecord } from '../domain/source.js';
import type { FullTextSummary } from '../app/full-text-step.js';
import type { CycleSummary, SourceResult } from '../app/pipeline.js';
import { isStale } from '../app/source-health.js';

/** Upper bounds of the fetch duration histogram, in seconds. */
const DURATION_BUCKETS: readonly number[] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export interface FetchCounters {
  /** Result code → fetches: "ok", "not_modified", or an error code (FETCH_TIMEOUT, PARSE_INVALID_FEED, ...). */
  readonly byCode: Map<string, number>;
  /** Due sources not fetched because their host asked to wait. */
  deferred: number;
  bytesReceived: number;
  itemsNew: number;
  itemsUpdated: number;
  /** Cumulative counts per bucket of DURATION_BUCKETS, then the sum and count. */
  readonly durationBuckets: number[];
  durationSumSeconds: number;
  durationCount: number;
}

/** Résumés (issue 16) over every cycle since the worker started: by outcome, and the requests sent. */
export interface ResumeCounters {
  readonly byResult: Map<string, number>;
  requests: number;
}

export interface CycleMetrics {
  cycles: number;
  lastCycle: CycleSummary | null;
  running: boolean;
  readonly fetches: FetchCounters;
  readonly resumes: ResumeCounters;
  /** Article pages (issue 16) by result: "ok" or the error code; and those left for a later cycle. */
  readonly fullText: FullTextCounters;
}

export interface FullTextCounters {
  readonly byCode: Map<string, number>;
  waiting: number;
}

export function createCycleMetrics(): CycleMetrics {
  return {
    cycles: 0,
    lastCycle: null,
    running: false,
    fetches: {
      byCode: new Map(),
      deferred: 0,
      bytesReceived: 0,
      itemsNew: 0,
      itemsUpdated: 0,
      durationBuckets: DURATION_BUCKETS.map(() => 0),
      durationSumSeconds: 0,
      durationCount: 0,
    },
    fullText: { byCode: new Map(), waiting: 0 },
    resumes: { byResult: new Map(), requests: 0 },
  };
}

/** Adds a cycle's full-text step to the counters (call it once the cycle is done). */
export function recordFullText(counters: FullTextCounters, summary: FullTextSummary): void {
  if (summary.fetched > 0) counters.byCode.set('ok', (counters.byCode.get('ok') ?? 0) + summary.fetched);
  for (const [code, count] of Object.entries(summary.failures)) counters.byCode.set(code, (counters.byCode.get(code) ?? 0) + count);
  counters.waiting += summary.waiting;
}

/** Adds one cycle's résumé step to the counters (call it with each cycle's summary). */
export function recordResumes(counters: ResumeCounters, summary: CycleSummary): void {
  const run = summary.summarized;
  if (!run) return;
  for (const result of ['written', 'cached', 'rejected', 'waiting', 'deferred'] as const) {
    counters.byResult.set(result, (counters.byResult.get(result) ?? 0) + run[result]);
  }
  counters.requests += run.requests;
}

/** Adds one source's result to the counters (call it from runCycle's onProgress). */
export function recordSourceResult(counters: FetchCounters, result: SourceResult): void {
  if (result.kind === 'deferred') {
    counters.deferred += 1;
    return;
  }
  if (result.kind === 'stopped') return;
  const code = result.kind === 'ok' ? 'ok' : result.kind === 'not-modified' ? 'not_modified' : result.code;
  counters.byCode.set(code, (counters.byCode.get(code) ?? 0) + 1);
  if (result.kind !== 'failed') counters.bytesReceived += result.bytes;
  if (result.kind === 'ok') {
    counters.itemsNew += result.inserted;
    counters.itemsUpdated += result.updated;
  }
  const seconds = result.durationMs / 1000;
  DURATION_BUCKETS.forEach((bound, index) => {
    if (seconds <= bound) counters.durationBuckets[index] = (counters.durationBuckets[index] ?? 0) + 1;
  });
  counters.durationSumSeconds += seconds;
  counters.durationCount += 1;
}

export interface MetricsContext {
  readonly now: Date;
  readonly staleAfterDays: number;
  /** The webhook targets' health (issue 21), in config order; absent or empty: none configured. */
  readonly notify?: readonly NotifyTargetState[];
}

export function renderMetrics(metrics: CycleMetrics, sources: readonly SourceRecord[], context: MetricsContext): string {
  const last = metrics.lastCycle;
  const failing = sources.filter((source) => source.consecutiveFailures > 0).length;
  const stale = sources.filter((source) => isStale(source, context.now, context.staleAfterDays)).length;
  const { fetches } = metrics;
  const lines = [
    '# HELP veille_cycles_total Cycles completed since the worker started.',
    '# TYPE veille_cycles_total counter',
    `veille_cycles_total ${metrics.cycles}`,
    '# HELP veille_cycle_running 1 while a cycle runs.',
    '# TYPE veille_cycle_running gauge',
    `veille_cycle_running ${metrics.running ? 1 : 0}`,
    '# HELP veille_sources Active sources.',
    '# TYPE veille_sources gauge',
    `veille_sources ${sources.length}`,
    '# HELP veille_sources_failing Active sources whose last fetch failed.',
    '# TYPE veille_sources_failing gauge',
    `veille_sources_failing ${failing}`,
    `# HELP veille_sources_stale Active sources with no new item for ${context.staleAfterDays} days (fetch.staleAfterDays).`,
    '# TYPE veille_sources_stale gauge',
    `veille_sources_stale ${stale}`,
    '# HELP veille_items Stored items per source.',
    '# TYPE veille_items gauge',
    ...sources.map((source) => `veille_items{source="${escapeLabel(publicUrl(source.url))}"} ${source.itemCount}`),
    '# HELP veille_fetches_total Feed fetches by result: ok, not_modified, or the error code.',
    '# TYPE veille_fetches_total counter',
    ...[...fetches.byCode.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([code, count]) => `veille_fetches_total{code="${escapeLabel(code)}"} ${count}`),
    '# HELP veille_fetches_deferred_total Due sources not fetched because their host asked to wait (Retry-After).',
    '# TYPE veille_fetches_deferred_total counter',
    `veille_fetches_deferred_total ${fetches.deferred}`,
    '# HELP veille_fetch_received_bytes_total Feed body bytes received, before decompression.',
    '# TYPE veille_fetch_received_bytes_total counter',
    `veille_fetch_received_bytes_total ${fetches.bytesReceived}`,
    '# HELP veille_fetch_duration_seconds Duration of each fetch, redirects included.',
    '# TYPE veille_fetch_duration_seconds histogram',
    ...DURATION_BUCKETS.map((bound, index) => `veille_fetch_duration_seconds_bucket{le="${bound}"} ${fetches.durationBuckets[index] ?? 0}`),
    `veille_fetch_duration_seconds_bucket{le="+Inf"} ${fetches.durationCount}`,
    `veille_fetch_duration_seconds_sum ${fetches.durationSumSeconds.toFixed(3)}`,
    `veille_fetch_duration_seconds_count ${fetches.durationCount}`,
    '# HELP veille_items_stored_total Items stored: new ones, and ones edited upstream.',
    '# TYPE veille_items_stored_total counter',
    `veille_items_stored_total{change="new"} ${fetches.itemsNew}`,
    `veille_items_stored_total{change="updated"} ${fetches.itemsUpdated}`,
    '# HELP veille_fulltext_pages_total Article pages of teaser items by result: ok, or the error code (the feed\'s content stays).',
    '# TYPE veille_fulltext_pages_total counter',
    ...[...metrics.fullText.byCode.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([code, count]) => `veille_fulltext_pages_total{result="${escapeLabel(code)}"} ${count}`),
    '# HELP veille_fulltext_waiting_total Article pages left for a later cycle (fullText.maxPerCycle, or their host asked to wait).',
    '# TYPE veille_fulltext_waiting_total counter',
    `veille_fulltext_waiting_total ${metrics.fullText.waiting}`,
  ];
  if (metrics.resumes.byResult.size > 0) {
    lines.push(
      '# HELP veille_resumes_total Stories seen by the résumé step, by result (rejected: refused twice by the faithfulness check).',
      '# TYPE veille_resumes_total counter',
      ...[...metrics.resumes.byResult].map(([result, count]) => `veille_resumes_total{result="${escapeLabel(result)}"} ${count}`),
      '# HELP veille_resume_requests_total Requests sent to the résumé model.',
      '# TYPE veille_resume_requests_total counter',
      `veille_resume_requests_total ${metrics.resumes.requests}`,
    );
  }
  const notify = context.notify ?? [];
  if (notify.length > 0) {
    const each = (value: (target: NotifyTargetState) => number) => notify.map((target) => `{target="${escapeLabel(target.name)}"} ${value(target)}`);
    lines.push(
      '# HELP veille_notify_delivered_total Webhook notifications a target answered 2xx to (kept in the store).',
      '# TYPE veille_notify_delivered_total counter',
      ...each((target) => target.delivered).map((line) => `veille_notify_delivered_total${line}`),
      '# HELP veille_notify_pending Webhook notifications queued and not yet delivered.',
      '# TYPE veille_notify_pending gauge',
      ...each((target) => target.pending).map((line) => `veille_notify_pending${line}`),
      '# HELP veille_notify_failing 1 while a target\'s last attempt failed.',
      '# TYPE veille_notify_failing gauge',
      ...each((target) => (target.failingSince === null ? 0 : 1)).map((line) => `veille_notify_failing${line}`),
      '# HELP veille_notify_paused 1 once a target failed for a day: nothing is sent until "veille notify test" succeeds.',
      '# TYPE veille_notify_paused gauge',
      ...each((target) => (target.pausedAt === null ? 0 : 1)).map((line) => `veille_notify_paused${line}`),
    );
  }
  if (last) {
    lines.push(
      '# HELP veille_last_cycle_duration_seconds Duration of the last cycle.',
      '# TYPE veille_last_cycle_duration_seconds gauge',
      `veille_last_cycle_duration_seconds ${(last.durationMs / 1000).toFixed(3)}`,
      '# HELP veille_last_cycle_sources Sources of the last cycle by result.',
      '# TYPE veille_last_cycle_sources gauge',
      `veille_last_cycle_sources{result="ok"} ${last.fetched}`,
      `veille_last_cycle_sources{result="not_modified"} ${last.notModified}`,
      `veille_last_cycle_sources{result="failed"} ${last.failed}`,
      `veille_last_cycle_sources{result="deferred"} ${last.deferred}`,
      '# HELP veille_last_cycle_new_items New items stored by the last cycle.',
      '# TYPE veille_last_cycle_new_items gauge',
      `veille_last_cycle_new_items ${last.newItems}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/**
 * WebSub (issue 21), from the store (the pings and subscriptions outlive the process): pings of the
 * configured hubs sent, failed and pending; subscriptions by state; pushes accepted and ignored;
 * subscriptions whose hub went silent. Nothing when neither is in use.
 */
export function renderWebSubMetrics(websub: WebSubStatus): string {
  if (websub.pings.length === 0 && websub.subscriptions.length === 0) return '';
  const sum = <T>(rows: readonly T[], value: (row: T) => number): number => rows.reduce((total, row) => total + value(row), 0);
  const states = ['requested', 'active', 'denied', 'unsubscribing'] as const;
  const lines = [
    '# HELP veille_websub_pings_total Pings of the configured hubs (hub.mode=publish) by result.',
    '# TYPE veille_websub_pings_total counter',
    `veille_websub_pings_total{result="ok"} ${sum(websub.pings, (ping) => ping.sent)}`,
    `veille_websub_pings_total{result="failed"} ${sum(websub.pings, (ping) => ping.failures)}`,
    '# HELP veille_websub_pings_pending Feeds whose change a hub has not yet been told of (retried with back-off).',
    '# TYPE veille_websub_pings_pending gauge',
    `veille_websub_pings_pending ${websub.pings.filter((ping) => ping.pending).length}`,
    '# HELP veille_websub_subscriptions Subscriptions to sources\' hubs by state.',
    '# TYPE veille_websub_subscriptions gauge',
    ...states.map((state) => `veille_websub_subscriptions{state="${state}"} ${websub.subscriptions.filter((row) => row.state === state).length}`),
    '# HELP veille_websub_pushes_total Content distributions received, by result (ignored: bad signature or another topic, W3C WebSub §8).',
    '# TYPE veille_websub_pushes_total counter',
    `veille_websub_pushes_total{result="accepted"} ${sum(websub.subscriptions, (row) => row.pushes)}`,
    `veille_websub_pushes_total{result="ignored"} ${sum(websub.subscriptions, (row) => row.ignoredPushes)}`,
    '# HELP veille_websub_hubs_silent Subscriptions whose hub did not push new items that polling found.',
    '# TYPE veille_websub_hubs_silent gauge',
    `veille_websub_hubs_silent ${websub.subscriptions.filter((row) => row.hubSilent).length}`,
  ];
  return `${lines.join('\n')}\n`;
}
