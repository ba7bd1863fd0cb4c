// Where a first cycle's peak resident memory is, and what fills it (issue 15: peak RSS ≤ 150 MB):
// veille `run` (the bin's node line, as bench:peers runs it) imports bench:peers' 200 feeds served on
// 127.0.0.1, and this process samples it from outside every --interval ms, so that a sample is taken
// while veille's main thread is busy (grouping is one synchronous call): VmRSS and its parts
// (/proc/PID/status: anonymous, file; /proc/PID/smaps: the main malloc arena [heap]), threads,
// minor page faults (/proc/PID/stat), each isolate's V8 heap after its latest collection (node's
// --trace-gc lines, read as they come: used (committed) MB; the first isolate is the main thread's,
// the next the processing thread's), and the stage, told by veille's log lines.
// Prints the highest sample of each stage with its parts and faults, then the peak's, and VmHWM (the
// kernel's own peak). Linux only.
// Usage: npm run build && npm run build:tools && node build/tools/bench/peak-probe.js
//   [--interval 25] [--no-trace-gc] [--series FILE (every sample, tab-separated)] [--feeds 200]
//   [--repo DIR (another checkout's bin/veille.js and build, to compare builds with one probe)]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../repo-paths.js';
import { writeBenchConfig } from './bench-config.js';
import { readNodeLine } from './node-line.js';

const { values } = parseArgs({
  options: {
    interval: { type: 'string', default: '25' },
    'no-trace-gc': { type: 'boolean', default: false },
    series: { type: 'string' },
    feeds: { type: 'string', default: '200' },
    repo: { type: 'string', default: REPO_ROOT },
  },
});
const INTERVAL_MS = Number(values.interval);
const FEEDS = Number(values.feeds);
const REPO = values.repo;
const VEILLE_BIN = join(REPO, 'bin', 'veille.js');
const SERVER_SCRIPT = fileURLToPath(new URL('./peer-server.js', import.meta.url));
const MB = 1024 * 1024;
/** No first cycle of the bench takes this long: the probe stops veille then. */
const TIME_LIMIT_MS = 300_000;

const STAGES = ['start-up', 'sources', 'after the sources (grouping)', 'publish', 'end'] as const;
type Stage = (typeof STAGES)[number];

interface Sample {
  readonly ms: number;
  readonly stage: Stage;
  readonly rss: number;
  readonly anonymous: number;
  readonly file: number;
  readonly arena: number;
  readonly threads: number;
  readonly minorFaults: number;
  /** Used and committed bytes of each isolate's heap after its latest collection, in the order first seen. */
  readonly heaps: readonly (readonly [number, number])[];
}

/** The status fields a sample reads, in bytes (kB in the file), and the thread count. */
function readStatus(pid: number): { rss: number; anonymous: number; file: number; threads: number; hwm: number } {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return { rss: field('VmRSS') * 1024, anonymous: field('RssAnon') * 1024, file: field('RssFile') * 1024, threads: field('Threads'), hwm: field('VmHWM') * 1024 };
}

/** Resident bytes of the main malloc arena, the [heap] mapping. */
function readArena(pid: number): number {
  const text = readFileSync(`/proc/${pid}/smaps`, 'utf8');
  const at = text.indexOf(' [heap]\n');
  if (at < 0) return 0;
  const rss = /\nRss:\s+(\d+) kB/.exec(text.slice(at, at + 400));
  return Number(rss?.[1] ?? 0) * 1024;
}

/** Minor page faults so far (the 10th field of /proc/PID/stat, counted after the command's closing parenthesis). */
function readMinorFaults(pid: number): number {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[7] ?? 0);
}

/** "[pid:0xISOLATE:…] … 12.3 (14.5) -> 11.0 (15.0) MB": the isolate, and its used and committed bytes after the collection. */
function readTraceGc(line: string): { isolate: string; used: number; committed: number } | null {
  const close = line.indexOf(']');
  const arrow = line.indexOf(' -> ');
  if (!line.startsWith('[') || close < 0 || arrow < 0) return null;
  const after = /^([\d.]+) \(([\d.]+)\) MB/.exec(line.slice(arrow + 4));
  const isolate = line.slice(1, close).split(':')[1];
  if (after === null || isolate === undefined) return null;
  return { isolate, used: Number(after[1]) * MB, committed: Number(after[2]) * MB };
}

const server = spawn(process.execPath, [SERVER_SCRIPT, String(FEEDS)], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise<number>((resolve, reject) => {
  server.once('exit', (code) => reject(new Error(`peak-probe: the feed server exited with ${code}`)));
  createInterface({ input: server.stdout }).on('line', (line) => {
    const match = /^ready (\d+)$/.exec(line);
    if (match) resolve(Number(match[1]));
  });
});
const dir = mkdtempSync(join(tmpdir(), 'veille-peak-probe-'));
try {
  const urls = Array.from({ length: FEEDS }, (_, index) => `http://127.0.0.1:${port}/feeds/${index}.xml`);
  writeBenchConfig(dir, urls, 'fetch: { concurrency: 16, perHostConcurrency: 16, perHostDelayMs: 0 }\nlog: { level: debug }\n');
  const line = readNodeLine(readFileSync(VEILLE_BIN, 'utf8'), VEILLE_BIN);
  const flags = values['no-trace-gc'] ? line.flags : [...line.flags, '--trace-gc'];
  const started = performance.now();
  const child = spawn(process.execPath, [...flags, VEILLE_BIN, 'run', '--config', join(dir, 'veille.yaml'), '--log-format', 'json'], {
    cwd: dir,
    env: { ...process.env, ...line.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid as number;
  let stage: Stage = 'start-up';
  let sourcesDone = 0;
  const isolates = new Map<string, [number, number]>();
  // --trace-gc writes to stdout, the logs go to stderr.
  const read = (text: string): void => {
    const gc = readTraceGc(text);
    if (gc !== null) {
      isolates.set(gc.isolate, [gc.used, gc.committed]);
      return;
    }
    if (!text.startsWith('{')) return;
    const { msg } = JSON.parse(text) as { msg?: string };
    if (msg === 'source done') {
      sourcesDone += 1;
      stage = sourcesDone >= FEEDS ? 'after the sources (grouping)' : 'sources';
    } else if (msg === 'stories grouped') stage = 'publish';
  };
  createInterface({ input: child.stdout }).on('line', read);
  createInterface({ input: child.stderr }).on('line', read);
  const samples: Sample[] = [];
  let hwm = 0;
  const take = (): void => {
    try {
      const status = readStatus(pid);
      hwm = Math.max(hwm, status.hwm);
      samples.push({
        ms: performance.now() - started,
        stage,
        rss: status.rss,
        anonymous: status.anonymous,
        file: status.file,
        arena: readArena(pid),
        threads: status.threads,
        minorFaults: readMinorFaults(pid),
        heaps: [...isolates.values()],
      });
    } catch {
      // the process has ended between two reads
    }
  };
  const timer = setInterval(take, INTERVAL_MS);
  const limit = setTimeout(() => child.kill('SIGTERM'), TIME_LIMIT_MS);
  const code = await new Promise<number>((resolve) => child.once('exit', (status) => resolve(status ?? 1)));
  clearInterval(timer);
  clearTimeout(limit);
  if (code !== 0) throw new Error(`peak-probe: veille run exited with ${code}`);

  const mb = (bytes: number): string => (bytes / MB).toFixed(1);
  const heapCell = (heap: readonly [number, number] | undefined): string => (heap === undefined ? '–' : `${mb(heap[0])} (${mb(heap[1])})`);
  const row = (label: string, sample: Sample, faultsBefore: number): string =>
    `| ${label} | ${(sample.ms / 1000).toFixed(2)} | ${mb(sample.rss)} | ${mb(sample.anonymous)} | ${mb(sample.arena)} | ${mb(sample.file)} | ` +
    `${heapCell(sample.heaps[0])} | ${heapCell(sample.heaps[1])} | ${sample.threads} | ${sample.minorFaults - faultsBefore} |`;
  process.stdout.write(
    `peak-probe: ${FEEDS} feeds, ${samples.length} samples every ${INTERVAL_MS} ms, node ${line.flags.join(' ')}\n` +
      '| stage, highest sample | s | RSS MB | anonymous | [heap] arena | file | main V8 heap used (committed) | thread V8 heap | threads | minor faults in the stage |\n' +
      '|---|---|---|---|---|---|---|---|---|---|\n',
  );
  let faultsBefore = 0;
  for (const name of STAGES) {
    const inStage = samples.filter((sample) => sample.stage === name);
    if (inStage.length === 0) continue;
    const highest = inStage.reduce((best, sample) => (sample.rss > best.rss ? sample : best));
    process.stdout.write(`${row(name, highest, faultsBefore)}\n`);
    faultsBefore = (inStage.at(-1) as Sample).minorFaults;
  }
  const peak = samples.reduce((best, sample) => (sample.rss > best.rss ? sample : best));
  process.stdout.write(`${row(`peak (${peak.stage})`, peak, 0)}\nVmHWM ${mb(hwm)} MB; minor faults ${(samples.at(-1) as Sample).minorFaults}\n`);
  if (values.series !== undefined) {
    const header = 'ms\tstage\trss\tanonymous\tarena\tfile\tmainUsed\tmainCommitted\tthreadUsed\tthreadCommitted\tthreads\tminorFaults\n';
    writeFileSync(
      values.series,
      header +
        samples
          .map((s) =>
            [Math.round(s.ms), s.stage, s.rss, s.anonymous, s.arena, s.file, s.heaps[0]?.[0] ?? '', s.heaps[0]?.[1] ?? '', s.heaps[1]?.[0] ?? '', s.heaps[1]?.[1] ?? '', s.threads, s.minorFaults].join('\t'),
          )
          .join('\n') +
        '\n',
    );
  }
} finally {
  server.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
