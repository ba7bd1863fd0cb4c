// Prometheus text exposition of the worker's health: cycles, last cycle's results, sources.
import type { SourceRecord } from '../store/store.js';
import type { CycleSummary } from './pipeline.js';

export interface CycleMetrics {
  cycles: number;
  lastCycle: CycleSummary | null;
  running: boolean;
}

export function renderMetrics(metrics: CycleMetrics, sources: readonly SourceRecord[]): string {
  const last = metrics.lastCycle;
  const failing = sources.filter((source) => source.consecutiveFailures > 0).length;
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
    '# HELP veille_items Stored items per source.',
    '# TYPE veille_items gauge',
    ...sources.map((source) => `veille_items{source="${escapeLabel(source.url)}"} ${source.itemCount}`),
  ];
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
