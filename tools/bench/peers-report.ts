// The bench:peers table: cells, veille's ratios to each peer and the targets (issue 15),
// from the figures of each reader's three cycles and of the soak. Pure functions, tested.
import type { Rusage } from './rusage.js';

export const CYCLES = [
  { key: 'first', label: '1st, everything new' },
  { key: 'notModified', label: '2nd, every answer 304' },
  { key: 'noValidators', label: '2nd, same bodies, server without ETag/Last-Modified' },
] as const;

export type CycleKey = (typeof CYCLES)[number]['key'];

/** A reader's figures per cycle; null when the reader is not installed. */
export type ReaderFigures = Readonly<Record<CycleKey, Rusage>> | null;

const MB = 1024 * 1024;

export function formatCell(figures: Rusage): string {
  return `${figures.wallSeconds.toFixed(2)} s, ${figures.cpuSeconds.toFixed(2)} s CPU, ${Math.round(figures.peakRssBytes / MB)} MB`;
}

function ratio(mine: number, theirs: number): string {
  return theirs > 0 ? `${(mine / theirs).toFixed(2)}×` : '—';
}

/** "wall 1.04×, CPU 1.50×, RSS 5.3×" of veille against one peer. */
export function formatRatios(veille: Rusage, peer: Rusage): string {
  return `wall ${ratio(veille.wallSeconds, peer.wallSeconds)}, CPU ${ratio(veille.cpuSeconds, peer.cpuSeconds)}, RSS ${ratio(veille.peakRssBytes, peer.peakRssBytes)}`;
}

export interface SoakSample {
  readonly cycle: number;
  readonly rssBytes: number;
}

export interface SoakVerdict {
  /** Median RSS of cycles 21–40 and of the last 20 cycles; null under 60 cycles (the windows would overlap). */
  readonly early: number | null;
  readonly late: number | null;
  /** late / early. */
  readonly growth: number | null;
  readonly flat: boolean | null;
  readonly maxRssBytes: number;
  readonly under120: boolean;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/**
 * Issue 15: "RSS flat (last 20 cycles within 10% of cycles 20–40), under 120 MB". RSS after a
 * cycle moves with the collector's timing, so each window is read by its median; "under 120 MB"
 * holds for every cycle after the first (the first is the import, measured by the table).
 */
export function soakVerdict(samples: readonly SoakSample[]): SoakVerdict {
  const last = samples.at(-1)?.cycle ?? 0;
  const window = (from: number, to: number) => samples.filter((sample) => sample.cycle >= from && sample.cycle <= to).map((sample) => sample.rssBytes);
  const maxRssBytes = Math.max(0, ...window(2, last));
  if (last < 60) return { early: null, late: null, growth: null, flat: null, maxRssBytes, under120: maxRssBytes < 120 * MB };
  const early = median(window(21, 40));
  const late = median(window(last - 19, last));
  const growth = late / early;
  return { early, late, growth, flat: Math.abs(growth - 1) <= 0.1, maxRssBytes, under120: maxRssBytes < 120 * MB };
}

export interface TargetLine {
  readonly target: string;
  readonly measured: string;
  /** null: not measurable in this run (a peer skipped, the soak not run). */
  readonly met: boolean | null;
}

/** The targets, each with the figure it is read from. */
export function evaluateTargets(veille: ReaderFigures, newsboat: ReaderFigures, rss2email: ReaderFigures, soak: SoakVerdict | null): TargetLine[] {
  const lines: TargetLine[] = [];
  const against = (target: string, mine: number | undefined, theirs: number | undefined, limit: number) => {
    if (mine === undefined || theirs === undefined || theirs <= 0) {
      lines.push({ target, measured: 'skipped', met: null });
      return;
    }
    lines.push({ target, measured: `${(mine / theirs).toFixed(2)}×`, met: mine / theirs <= limit });
  };
  against('1st cycle: CPU ≤ newsboat', veille?.first.cpuSeconds, newsboat?.first.cpuSeconds, 1);
  against('1st cycle: wall ≤ 0.7× newsboat', veille?.first.wallSeconds, newsboat?.first.wallSeconds, 0.7);
  if (veille) {
    const rss = veille.first.peakRssBytes / MB;
    lines.push({ target: '1st cycle: peak RSS ≤ 150 MB', measured: `${Math.round(rss)} MB`, met: rss <= 150 });
  }
  against('same bodies, no validators: wall ≤ 0.15× own 1st', veille?.noValidators.wallSeconds, veille?.first.wallSeconds, 0.15);
  against('same bodies, no validators: CPU ≤ 0.15× own 1st', veille?.noValidators.cpuSeconds, veille?.first.cpuSeconds, 0.15);
  against('all-304 cycle: wall ≤ rss2email', veille?.notModified.wallSeconds, rss2email?.notModified.wallSeconds, 1);
  if (soak === null) {
    lines.push({ target: 'soak: RSS flat (last 20 cycles within 10% of cycles 21–40)', measured: 'not run', met: null });
    lines.push({ target: 'soak: RSS under 120 MB (cycles 2 onwards)', measured: 'not run', met: null });
  } else {
    lines.push({
      target: 'soak: RSS flat (last 20 cycles within 10% of cycles 21–40)',
      measured:
        soak.growth === null || soak.early === null || soak.late === null
          ? 'needs ≥ 60 cycles'
          : `median ${Math.round(soak.late / MB)} MB vs ${Math.round(soak.early / MB)} MB (${(soak.growth * 100).toFixed(0)}%)`,
      met: soak.flat,
    });
    lines.push({ target: 'soak: RSS under 120 MB (cycles 2 onwards)', measured: `max ${Math.round(soak.maxRssBytes / MB)} MB`, met: soak.under120 });
  }
  return lines;
}

export function formatTarget(line: TargetLine): string {
  const verdict = line.met === null ? 'n/a' : line.met ? 'met' : 'NOT MET';
  return `| ${line.target} | ${line.measured} | ${verdict} |`;
}
