// `veille status [--json]`: per-source health from the store, in the configured time zone, and
// the digest deliveries a killed send left uncertain.
import { readStatus, type SourceStatus, type StatusDelivery } from '../app/status.js';
import type { Config } from '../config/load-config.js';
import type { Clock } from '../domain/ports.js';
import { publicUrl } from '../domain/source-url.js';
import { describeUncertain } from './digest-command.js';
import { formatLocalTime, formatTable, truncate, type Output } from './output.js';

export function runStatusCommand(config: Config, clock: Clock, output: Output, json: boolean): number {
  const { now, staleAfterDays, sources: rows, uncertain, inFlight, resumes } = readStatus(config, clock.now());
  if (json) {
    output.out(
      `${JSON.stringify(
        {
          now: now.toISOString(),
          staleAfterDays,
          sources: rows.map(({ spec, record, state, stale, hostDeferral, nextFetchAt, due, lastError }) => ({
            url: publicUrl(record?.url ?? spec.url),
            configuredUrl: publicUrl(spec.url),
            name: spec.name ?? record?.feedTitle ?? null,
            state,
            lastAttemptAt: record?.lastAttemptAt ?? null,
            lastSuccessAt: record?.lastSuccessAt ?? null,
            lastErrorAt: record?.lastErrorAt ?? null,
            lastErrorCode: record?.lastErrorCode ?? null,
            lastError,
            consecutiveFailures: record?.consecutiveFailures ?? 0,
            items: record?.itemCount ?? 0,
            lastNewItemAt: record?.lastNewItemAt ?? null,
            stale,
            nextFetchAt,
            due,
            hostNotBefore: hostDeferral?.notBefore ?? null,
            hostDeferredBecause: hostDeferral?.reason ?? null,
            movedFrom: record?.movedFrom == null ? null : publicUrl(record.movedFrom),
            movedAt: record?.movedAt ?? null,
          })),
          deliveries: {
            uncertain: uncertain.map(deliveryJson),
            sending: inFlight.map(deliveryJson),
          },
          resumes,
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
    rows.map((row) => [
      truncate(row.spec.name ?? row.record?.feedTitle ?? publicUrl(row.spec.url), 32),
      row.state,
      formatLocalTime(row.record?.lastSuccessAt ?? null, zone),
      String(row.record?.itemCount ?? 0),
      (row.nextFetchAt ? formatLocalTime(row.nextFetchAt, zone) : 'now') + (row.hostDeferral ? ' (host asked to wait)' : ''),
      describeLastError(row, zone),
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
  output.out(describeResumes(resumes));
  return 0;
}

/** Résumés (issue 16): what they cost, or, without a provider, how many entries read in another language and how to turn them on. */
function describeResumes(resumes: ReturnType<typeof readStatus>['resumes']): string {
  if (resumes.provider === 'none') {
    if (resumes.notInSiteLanguage === 0) return '';
    return `${resumes.notInSiteLanguage} of ${resumes.published} published entries are not in the site's language; résumés are off: set summarize: { provider: openai, url: http://127.0.0.1:11434/v1, model: MODEL } (Ollama or any OpenAI-compatible server)\n`;
  }
  return `résumés: ${resumes.written} written, ${resumes.rejected} rejected by the check; ${resumes.notInSiteLanguage} of ${resumes.published} published entries still not in the site's language\n`;
}

function deliveryJson(delivery: StatusDelivery) {
  return { week: delivery.week, recipient: delivery.recipient, messageId: delivery.messageId, claimedAt: delivery.updatedAt, resends: delivery.resends };
}

function describeLastError({ record, lastError }: SourceStatus, zone: string): string {
  if (!record?.lastErrorCode || record.consecutiveFailures === 0) return '-';
  return `${record.lastErrorCode} at ${formatLocalTime(record.lastErrorAt, zone)}: ${truncate(lastError ?? '', 70)}`;
}
