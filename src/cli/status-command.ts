// `veille status [--json]`: per-source health from the store, in the configured time zone, and
// the digest deliveries a killed send left uncertain.
import { readStatus, type SourceStatus, type StatusDelivery } from '../app/status.js';
import type { Config } from '../config/load-config.js';
import type { CoordinationStatus } from '../app/coordination-status.js';
import { SILENT_AFTER_SECONDS } from '../coordination/workers.js';
import type { FullTextCounts } from '../store/full-text-store.js';
import type { NotifyTargetState } from '../domain/notify.js';
import type { Clock } from '../domain/ports.js';
import { publicUrl } from '../domain/source-url.js';
import { describeUncertain } from './digest-command.js';
import { formatLocalTime, formatTable, truncate, type Output } from './output.js';

export function runStatusCommand(config: Config, clock: Clock, output: Output, json: boolean, coordination: CoordinationStatus | null = null): number {
  const { now, staleAfterDays, sources: rows, uncertain, inFlight, fullText, resumes, notify, websub, recipients } = readStatus(config, clock.now());
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
          fullText: { fetched: fullText.ok, failed: fullText.failed, notNeeded: fullText.notNeeded, failures: fullText.failuresByCode },
          resumes,
          notify: notify.map((target) => ({ ...target, state: notifyState(target) })),
          websub,
          recipients,
          ...(coordination === null ? {} : { coordination }),
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
  output.out(describeErrors(rows, zone));
  const moved = rows.filter(({ record }) => record?.movedFrom);
  for (const { spec, record } of moved) {
    output.out(`moved: ${spec.name ?? publicUrl(spec.url)}: ${publicUrl(record?.movedFrom ?? '')} -> ${publicUrl(record?.url ?? '')} (permanent redirect, ${formatLocalTime(record?.movedAt ?? null, zone)}); update the config to the new URL\n`);
  }
  const failing = rows.filter((row) => row.state === 'failing').length;
  const stale = rows.filter((row) => row.stale).length;
  output.out(
    `${rows.length} sources, ${failing} failing, ${stale} stale (no new item for ${staleAfterDays} days) (times in ${zone})\n`,
  );
  if (fullText.ok + fullText.failed > 0) output.out(describeFullText(fullText));
  for (const delivery of uncertain) output.out(describeUncertain(delivery.week, delivery.recipient, delivery.updatedAt, zone));
  if (inFlight.length > 0) output.out(`${inFlight.length} digest message(s) being sent now\n`);
  output.out(describeResumes(resumes));
  output.out(describeNotify(notify, zone));
  output.out(describeWebSub(websub, zone));
  if (recipients.unsubscribedInConfig.length > 0) {
    output.out(
      `recipients: ${recipients.count} get the digest; unsubscribed, never written to again though still in email.recipients: ${recipients.unsubscribedInConfig.join(', ')}\n`,
    );
  }
  if (coordination !== null) output.out(describeCoordination(coordination, zone));
  return 0;
}

/** A webhook target: paused (failed for a day, nothing sent until `notify test` succeeds), failing, ok, or new. */
function notifyState(target: NotifyTargetState): 'paused' | 'failing' | 'ok' | 'new' {
  if (target.pausedAt !== null) return 'paused';
  if (target.failingSince !== null) return 'failing';
  return target.lastSuccessAt === null ? 'new' : 'ok';
}

/** The webhooks (issue 21): one line per target, its last error below when it fails. */
function describeNotify(targets: readonly NotifyTargetState[], zone: string): string {
  if (targets.length === 0) return '';
  const lines = targets.map((target) => {
    const state = notifyState(target);
    const since = state === 'paused' ? ` since ${formatLocalTime(target.pausedAt, zone)}; "veille notify test ${target.name}" resumes it` : state === 'failing' ? ` since ${formatLocalTime(target.failingSince, zone)}` : '';
    const head = `  ${target.name}: ${state}${since}; ${target.delivered} delivered, ${target.pending} waiting`;
    return target.lastError === null || state === 'ok' ? head : `${head}
    ${target.lastError}`;
  });
  return `webhooks:\n${lines.join('\n')}\n`;
}

/** WebSub (issue 21): a line per hub pinged and per subscription to a source's hub; nothing when none. */
function describeWebSub(websub: ReturnType<typeof readStatus>['websub'], zone: string): string {
  const lines: string[] = [];
  const hubs = [...new Set(websub.pings.map((ping) => ping.hub))];
  for (const hub of hubs) {
    const pings = websub.pings.filter((ping) => ping.hub === hub);
    const pending = pings.filter((ping) => ping.pending);
    const failed = pings.filter((ping) => ping.lastErrorAt !== null && (ping.lastOkAt === null || ping.lastErrorAt > ping.lastOkAt));
    const sent = pings.reduce((sum, ping) => sum + ping.sent, 0);
    let line = `websub: hub ${publicUrl(hub)}: ${sent} pings sent, ${pending.length} pending`;
    const last = failed.sort((a, b) => ((a.lastErrorAt ?? '') < (b.lastErrorAt ?? '') ? 1 : -1))[0];
    if (last) line += `, ${failed.length} failing (${formatLocalTime(last.lastErrorAt, zone)}: ${last.lastError ?? ''}${last.pending ? `; next try ${formatLocalTime(last.nextAttemptAt, zone)}` : '; given up until the feed changes again'})`;
    lines.push(line);
  }
  for (const subscription of websub.subscriptions) {
    const what = subscription.state === 'active' ? `active until ${formatLocalTime(subscription.expiresAt, zone)}` : subscription.state;
    let line = `websub: ${subscription.sourceUrl ?? subscription.topic} via ${subscription.hub}: ${what}, ${subscription.pushes} pushes, ${subscription.ignoredPushes} ignored`;
    if (subscription.lastError !== null) line += `; last error: ${subscription.lastError}`;
    if (subscription.hubSilent) line += `; hub silent: polling found ${subscription.missedItems} new items it did not push since ${formatLocalTime(subscription.missedSince, zone)}`;
    lines.push(line);
  }
  return lines.map((line) => `${line}
`).join('');
}


/** The processes on the shared database (issue 20): one line each, then the queue. */
function describeCoordination({ workers, queue }: CoordinationStatus, zone: string): string {
  const lines = workers.map(
    (worker) =>
      `worker ${worker.id}: ${worker.role}${worker.publishing ? ', publishing' : ''}, ${worker.jobsRunning} job(s) running, ${worker.jobsDone} done, ${worker.jobsFailed} failed; ` +
      `last heartbeat ${formatLocalTime(worker.beatAt, zone)}${worker.silentSeconds > SILENT_AFTER_SECONDS ? ` (silent for ${worker.silentSeconds} s: stopped or unreachable)` : ''}`,
  );
  return `${[`${workers.length} worker(s) on the shared database; fetch queue: ${queue.waiting} waiting, ${queue.active} running`, ...lines].join('\n')}\n`;
}

/** "full text: 12 article pages fetched, 2 failed (FETCH_NOT_HTML 1, FETCH_ROBOTS_DISALLOWED 1)". */
function describeFullText(counts: FullTextCounts): string {
  const codes = Object.entries(counts.failuresByCode).map(([code, count]) => `${code} ${count}`).join(', ');
  return `full text: ${counts.ok} article pages fetched, ${counts.failed} failed${codes === '' ? '' : ` (${codes})`}; ` +
    "a failed page leaves the feed's content\n";
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

/** The table's cell: the code and the time; the message, advice included, is printed whole below. */
function describeLastError({ record }: SourceStatus, zone: string): string {
  if (!hasError({ record })) return '-';
  return `${record?.lastErrorCode ?? ''} at ${formatLocalTime(record?.lastErrorAt ?? null, zone)}`;
}

function hasError({ record }: Pick<SourceStatus, 'record'>): boolean {
  return Boolean(record?.lastErrorCode) && (record?.consecutiveFailures ?? 0) > 0;
}

/** Lines of the error messages are wrapped at this width (the table no longer cuts them; issue 17, finding 8). */
const ERROR_WIDTH = 100;

/** Each failing source's last error in full, on its own lines under the table, wrapped. */
function describeErrors(rows: readonly SourceStatus[], zone: string): string {
  const failing = rows.filter(hasError);
  if (failing.length === 0) return '';
  const blocks = failing.map((row) => {
    const name = row.spec.name ?? row.record?.feedTitle ?? publicUrl(row.spec.url);
    const head = `${name} <${publicUrl(row.record?.url ?? row.spec.url)}>: ${describeLastError(row, zone)}`;
    const message = (row.lastError ?? '').split('\n').flatMap((line) => wrapLine(line, ERROR_WIDTH - 4));
    return [`  ${head}`, ...message.map((line) => `    ${line}`)].join('\n');
  });
  return `\nLast errors:\n${blocks.join('\n')}\n\n`;
}

/** Words to lines of at most `width` characters (a longer word, a URL, stands on its own line). */
export function wrapLine(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    if (word === '') continue;
    if (current !== '' && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else {
      current = current === '' ? word : `${current} ${word}`;
    }
  }
  if (current !== '') lines.push(current);
  return lines;
}
