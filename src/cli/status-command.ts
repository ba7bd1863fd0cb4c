// `veille status [--json]`: per-source health from the store, in the configured time zone.
import type { Config } from '../config/load-config.js';
import type { Clock } from '../domain/ports.js';
import { Store, type SourceRecord } from '../store/store.js';
import { isDue } from '../worker/fetch-schedule.js';
import { resolveSources } from '../worker/sources.js';
import { formatLocalTime, formatTable, truncate, type Output } from './output.js';

export function runStatusCommand(config: Config, clock: Clock, output: Output, json: boolean): number {
  const specs = resolveSources(config);
  const store = Store.open(config.storagePath);
  let stored: SourceRecord[];
  try {
    stored = store.listSources({ activeOnly: false });
  } finally {
    store.close();
  }
  const now = clock.now();
  // Configured sources in config order, each with its stored state when it has been seen.
  const rows = specs.map((spec) => {
    const record = stored.find((source) => source.key === spec.url || source.url === spec.url) ?? null;
    return { spec, record, state: stateOf(record) };
  });
  if (json) {
    output.out(
      `${JSON.stringify(
        {
          now: now.toISOString(),
          sources: rows.map(({ spec, record, state }) => ({
            url: record?.url ?? spec.url,
            configuredUrl: spec.url,
            name: spec.name ?? record?.feedTitle ?? null,
            state,
            lastAttemptAt: record?.lastAttemptAt ?? null,
            lastSuccessAt: record?.lastSuccessAt ?? null,
            lastErrorAt: record?.lastErrorAt ?? null,
            lastErrorCode: record?.lastErrorCode ?? null,
            lastError: record?.lastError ?? null,
            consecutiveFailures: record?.consecutiveFailures ?? 0,
            items: record?.itemCount ?? 0,
            nextFetchAt: record?.nextFetchAt ?? null,
            due: isDue(record?.nextFetchAt ?? null, now),
            movedFrom: record?.movedFrom ?? null,
            movedAt: record?.movedAt ?? null,
          })),
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
    rows.map(({ spec, record, state }) => [
      truncate(spec.name ?? record?.feedTitle ?? spec.url, 32),
      state,
      formatLocalTime(record?.lastSuccessAt ?? null, zone),
      String(record?.itemCount ?? 0),
      record?.nextFetchAt ? formatLocalTime(record.nextFetchAt, zone) : 'now',
      describeLastError(record, zone),
    ]),
  );
  output.out(table);
  const moved = rows.filter(({ record }) => record?.movedFrom);
  for (const { spec, record } of moved) {
    output.out(`moved: ${spec.name ?? spec.url}: ${record?.movedFrom} -> ${record?.url} (permanent redirect, ${formatLocalTime(record?.movedAt ?? null, zone)}); update the config to the new URL\n`);
  }
  const failing = rows.filter((row) => row.state === 'failing').length;
  output.out(`${rows.length} sources, ${failing} failing (times in ${zone})\n`);
  return 0;
}

function stateOf(record: SourceRecord | null): 'new' | 'ok' | 'failing' {
  if (!record || (!record.lastSuccessAt && !record.lastErrorAt)) return 'new';
  return record.consecutiveFailures > 0 ? 'failing' : 'ok';
}

function describeLastError(record: SourceRecord | null, zone: string): string {
  if (!record?.lastErrorCode || record.consecutiveFailures === 0) return '-';
  return `${record.lastErrorCode} at ${formatLocalTime(record.lastErrorAt, zone)}: ${truncate(record.lastError ?? '', 70)}`;
}
