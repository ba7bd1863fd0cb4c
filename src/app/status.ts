// Use case "status": each configured source's health from the store (state, next fetch, the host's
// Retry-After, its last error without secrets) and the digest deliveries a killed send left
// uncertain. Reads only: it takes no lock, so that it answers while the worker runs.
import { localeOf, type Config } from '../config/load-config.js';
import { leadTelling } from '../domain/story-view.js';
import { isSameSourceUrl, publicUrl } from '../domain/source-url.js';
import type { SourceSpec } from '../domain/types.js';
import { readHostKey } from '../fetch/host-limiter.js';
import type { Delivery } from '../domain/delivery.js';
import type { HostDeferral, SourceRecord } from '../domain/source.js';
import type { FullTextCounts } from '../store/full-text-store.js';
import { writeStepHolder } from '../store/lock.js';
import { Store } from '../store/store.js';
import { isDue } from './fetch-schedule.js';
import { isStale } from './source-health.js';
import { resolveSources } from './sources.js';

export type SourceState = 'new' | 'ok' | 'stale' | 'failing';

/** A configured source, with its stored state when a cycle has seen it. */
export interface SourceStatus {
  readonly spec: SourceSpec;
  readonly record: SourceRecord | null;
  readonly state: SourceState;
  /** Working, but no new item for fetch.staleAfterDays. */
  readonly stale: boolean;
  readonly hostDeferral: HostDeferral | null;
  /** The source's own next fetch, unless its host asked (Retry-After) to wait longer; null: now. */
  readonly nextFetchAt: string | null;
  readonly due: boolean;
  /** The stored error without the source's secrets. */
  readonly lastError: string | null;
}

export type StatusDelivery = Delivery;

export interface StatusReport {
  readonly now: Date;
  readonly staleAfterDays: number;
  /** In config order. */
  readonly sources: readonly SourceStatus[];
  /** Claimed by a process that died before the server's answer: the message may or may not have gone. */
  readonly uncertain: readonly StatusDelivery[];
  /** Being sent by the veille that holds the data folder's lock now. */
  readonly inFlight: readonly StatusDelivery[];
  /** Article pages of teaser items (issue 16): fetched, failed by code, not needed. */
  readonly fullText: FullTextCounts;
  readonly resumes: ResumeStatus;
}

/** Résumés (issue 16): how many stored, rejected, and how many published entries read in another language. */
export interface ResumeStatus {
  readonly provider: 'none' | 'openai';
  readonly written: number;
  readonly rejected: number;
  /** Entries of the merged feed shown in another language than the site's (no résumé, no translation). */
  readonly notInSiteLanguage: number;
  readonly published: number;
}

export function readStatus(config: Config, now: Date): StatusReport {
  const specs = resolveSources(config);
  const store = Store.openIfExists(config.storage); // none before the first run
  let stored: SourceRecord[] = [];
  let deferrals: HostDeferral[] = [];
  let sending: Delivery[] = [];
  let fullText: FullTextCounts = { ok: 0, failed: 0, notNeeded: 0, failuresByCode: {} };
  let resumes: ResumeStatus = { provider: config.summarize.provider, written: 0, rejected: 0, notInSiteLanguage: 0, published: 0 };
  try {
    stored = store?.listSources({ activeOnly: false }) ?? [];
    deferrals = store?.listHostDeferrals(now.toISOString()) ?? [];
    sending = store?.digests().listSendingDeliveries() ?? [];
    fullText = store?.fullTexts().counts() ?? fullText;
    if (store) resumes = resumeStatus(config, store);
  } finally {
    store?.close();
  }
  const staleAfterDays = config.fetch.staleAfterDays;
  const sources = specs.map((spec): SourceStatus => {
    const record = stored.find((source) => isSameSourceUrl(source.key, spec.url) || isSameSourceUrl(source.url, spec.url)) ?? null;
    const stale = record !== null && isStale(record, now, staleAfterDays);
    const hostDeferral = deferrals.find((deferral) => deferral.host === readHostKey(record?.url ?? spec.url)) ?? null;
    const nextFetchAt = nextAttempt(record, hostDeferral);
    return {
      spec,
      record,
      state: stateOf(record, stale),
      stale,
      hostDeferral,
      nextFetchAt,
      due: isDue(nextFetchAt, now),
      lastError: record === null ? null : shownError(record),
    };
  });
  return { now, staleAfterDays, sources, ...splitSending(sending, config.storagePath), fullText, resumes };
}

/**
 * A 'sending' claim is in flight while the veille that made it runs its digest step (it holds the
 * write step's lock, taken before the claim); a claim older than the running step, or with none,
 * was left by a process that died before the server's answer: uncertain.
 */
function splitSending(sending: readonly Delivery[], storagePath: string): { uncertain: Delivery[]; inFlight: Delivery[] } {
  const holder = sending.length > 0 ? writeStepHolder(storagePath) : null;
  const since = holder?.since ?? null;
  const isInFlight = (delivery: Delivery) => since !== null && delivery.updatedAt >= since;
  return { uncertain: sending.filter((delivery) => !isInFlight(delivery)), inFlight: sending.filter(isInFlight) };
}

/** A failing source stays "failing"; a working one with no new item for too long is "stale". */
function stateOf(record: SourceRecord | null, stale: boolean): SourceState {
  if (!record || (!record.lastSuccessAt && !record.lastErrorAt)) return 'new';
  if (record.consecutiveFailures > 0) return 'failing';
  return stale ? 'stale' : 'ok';
}

/** The source's own next fetch, unless its host asked (Retry-After) to wait longer. */
function nextAttempt(record: SourceRecord | null, hostDeferral: HostDeferral | null): string | null {
  const own = record?.nextFetchAt ?? null;
  if (hostDeferral === null) return own;
  return own === null || own < hostDeferral.notBefore ? hostDeferral.notBefore : own;
}

/**
 * The stored error without secrets: a message stored by an older veille may name a URL whole, in
 * the form it was fetched (normalised, or a redirect's target), so every URL in it goes through
 * publicUrl, not only the source's own spellings.
 */
function shownError(record: SourceRecord): string | null {
  if (record.lastError === null) return null;
  return record.lastError.replace(URL_IN_TEXT, (url) => publicUrl(url));
}

/**
 * The résumés stored, and the merged feed's entries that readers get in another language: a story
 * whose telling is not in the site's language and that has no written résumé.
 */
function resumeStatus(config: Config, store: Store): ResumeStatus {
  const locale = localeOf(config);
  const counts = store.resumes().countByState();
  const active = new Set(store.listSources({ activeOnly: true }).map((source) => source.id));
  const stories = store.recentStories(config.maxItems).filter((story) => story.members.some((member) => active.has(member.sourceId)));
  const resumes = store.resumes();
  const notInSiteLanguage = stories.filter((story) => {
    const lead = leadTelling(story.members.filter((member) => active.has(member.sourceId)), locale);
    if (lead === undefined || lead.language === null || locale.isSiteLanguage(lead.language)) return false;
    return config.summarize.provider === 'none' || resumes.get(story.guid)?.state !== 'written';
  }).length;
  return { provider: config.summarize.provider, ...counts, notInSiteLanguage, published: stories.length };
}

/** An http(s) URL as messages write it: up to the next space or quote. */
const URL_IN_TEXT = /https?:\/\/[^\s"'<>]+/gi;
