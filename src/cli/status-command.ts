// `veille status [--json]`: per-source health from the store, in the configured time zone, and
// the digest deliveries a killed send left uncertain.
import type { Config } from '../config/load-config.js';
import type { Clock } from '../domain/ports.js';
import { isSameSourceUrl, publicUrl } from '../domain/source-url.js';
import { readHostKey } from '../fetch/host-limiter.js';
import type { Delivery } from '../domain/delivery.js';
import type { HostDeferral, SourceRecord } from '../domain/source.js';
import { lockHolder } from '../store/lock.js';
import { Store } from '../store/store.js';
import { isDue } from '../worker/fetch-schedule.js';
import { isStale } from '../worker/source-health.js';
import { resolveSources } from '../worker/sources.js';
import { describeUncertain } from './digest-command.js';
import { formatLocalTime, formatTable, truncate, type Output } from './output.js';

export function runStatusCommand(config: Config, clock: Clock, output: Output, json: boolean): number {
  const specs = resolveSources(config);
  const store = Store.openIfExists(config.storagePath); // none before the first run
  const now = clock.now();
  let stored: SourceRecord[] = [];
  let deferrals: HostDeferral[] = [];
  let sending: Delivery[] = [];
  try {
    stored = store?.listSources({ activeOnly: false }) ?? [];
    deferrals = store?.listHostDeferrals(now.toISOString()) ?? [];
    sending = store?.digests().listSendingDeliveries() ?? [];
  } finally {
    store?.close();
  }
  const staleAfterDays = config.fetch.staleAfterDays;
  const { uncertain, inFlight } = splitSending(sending, config.storagePath);
  // Configured sources in config order, each with its stored state when it has been seen.
  const rows = specs.map((spec) => {
    const record = stored.find((source) => isSameSourceUrl(source.key, spec.url) || isSameSourceUrl(source.url, spec.url)) ?? null;
    const stale = record !== null && isStale(record, now, staleAfterDays);
    const hostDeferral = deferrals.find((deferral) => deferral.host === readHostKey(record?.url ?? spec.url)) ?? null;
    return { spec, record, stale, hostDeferral, nextFetchAt: nextAttempt(record, hostDeferral), state: stateOf(record, stale) };
  });
  if (json) {
    output.out(
      `${JSON.stringify(
        {
          now: now.toISOString(),
          staleAfterDays,
          sources: rows.map(({ spec, record, state, stale, hostDeferral, nextFetchAt }) => ({
            url: publicUrl(record?.url ?? spec.url),
            configuredUrl: publicUrl(spec.url),
            name: spec.name ?? record?.feedTitle ?? null,
            state,
            lastAttemptAt: record?.lastAttemptAt ?? null,
            lastSuccessAt: record?.lastSuccessAt ?? null,
            lastErrorAt: record?.lastErrorAt ?? null,
            lastErrorCode: record?.lastErrorCode ?? null,
            lastError: record === null ? null : shownError(record),
            consecutiveFailures: record?.consecutiveFailures ?? 0,
            items: record?.itemCount ?? 0,
            lastNewItemAt: record?.lastNewItemAt ?? null,
            stale,
            nextFetchAt,
            due: isDue(nextFetchAt, now),
            hostNotBefore: hostDeferral?.notBefore ?? null,
            hostDeferredBecause: hostDeferral?.reason ?? null,
            movedFrom: record?.movedFrom == null ? null : publicUrl(record.movedFrom),
            movedAt: record?.movedAt ?? null,
          })),
          deliveries: {
            uncertain: uncertain.map(deliveryJson),
            sending: inFlight.map(deliveryJson),
          },
        },
        null,
        2,
      )}\n`,
    );
    return 0;
  }
  const zone = config.site.timezone;
  const table = formatTable(
    ['SOURCE', 'STATE', 'LAST SUCCESS', 'ITEMS', 'NEXT FETCH', 'LAST ERROR'],
    rows.map(({ spec, record, state, hostDeferral, nextFetchAt }) => [
      truncate(spec.name ?? record?.feedTitle ?? publicUrl(spec.url), 32),
      state,
      formatLocalTime(record?.lastSuccessAt ?? null, zone),
      String(record?.itemCount ?? 0),
      (nextFetchAt ? formatLocalTime(nextFetchAt, zone) : 'now') + (hostDeferral ? ' (host asked to wait)' : ''),
      describeLastError(record, zone),
    ]),
  );
  output.out(table);
  const moved = rows.filter(({ record }) => record?.movedFrom);
  for (const { spec, record } of moved) {
    output.out(`moved: ${spec.name ?? publicUrl(spec.url)}: ${publicUrl(record?.movedFrom ?? '')} -> ${publicUrl(record?.url ?? '')} (permanent redirect, ${formatLocalTime(record?.movedAt ?? null, zone)}); update the config to the new URL\n`);
  }
  const failing = rows.filter((row) => row.state === 'failing').length;
  const stale = rows.filter((row) => row.stale).length;
  output.out(
    `${rows.length} sources, ${failing} failing, ${stale} stale (no new item for ${staleAfterDays} days) (times in ${zone})\n`,
  );
  for (const delivery of uncertain) output.out(describeUncertain(delivery.week, delivery.recipient, delivery.updatedAt, zone));
  if (inFlight.length > 0) output.out(`${inFlight.length} digest message(s) being sent now\n`);
  return 0;
}

/**
 * A 'sending' claim is in flight while the veille that made it runs (it holds the data folder's
 * lock, taken before the claim); a claim older than the running holder, or with none, was left
 * by a process that died before the server's answer: uncertain.
 */
function splitSending(sending: readonly Delivery[], storagePath: string): { uncertain: Delivery[]; inFlight: Delivery[] } {
  const holder = sending.length > 0 ? lockHolder(storagePath) : null;
  const isInFlight = (delivery: Delivery) => holder !== null && delivery.updatedAt >= holder.since;
  return { uncertain: sending.filter((delivery) => !isInFlight(delivery)), inFlight: sending.filter(isInFlight) };
}

function deliveryJson(delivery: Delivery) {
  return { week: delivery.week, recipient: delivery.recipient, messageId: delivery.messageId, claimedAt: delivery.updatedAt, resends: delivery.resends };
}

/** A failing source stays "failing"; a working one with no new item for too long is "stale". */
function stateOf(record: SourceRecord | null, stale: boolean): 'new' | 'ok' | 'stale' | 'failing' {
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

function describeLastError(record: SourceRecord | null, zone: string): string {
  if (!record?.lastErrorCode || record.consecutiveFailures === 0) return '-';
  return `${record.lastErrorCode} at ${formatLocalTime(record.lastErrorAt, zone)}: ${truncate(shownError(record) ?? '', 70)}`;
}

/** The stored error without the source's secrets: a message stored by an older veille may name the URL whole. */
function shownError(record: SourceRecord): string | null {
  if (record.lastError === null) return null;
  let message = record.lastError;
  for (const url of new Set([record.key, record.url, record.movedFrom ?? record.url])) {
    message = message.split(url).join(publicUrl(url));
  }
  return message;
}
