// `npm run bench:peers` (issue 15): veille against the feed readers people run instead, on the
// same 200 real AI-news feeds (fixtures/ai-news expanded by peer-feeds.ts: 17,713 items, 10 MiB)
// served on 127.0.0.1 by peer-server.ts, in one run:
//   veille `run` (the built CLI, fetch concurrency 16, 16 per host, no per-host delay, a fresh
//   data folder), newsboat `-x reload` (reload-threads 16) and rss2email `run --no-send`, each
//   when on PATH ("skipped" otherwise), each in its own temporary HOME;
//   three cycles each: everything new; every answer 304; the same bodies from a server that
//   sends no ETag/Last-Modified. Wall, CPU (user+sys) and peak RSS of each child (rusage.ts),
//   veille's ratios to each peer and the issue's targets;
//   then the soak (soak-cell.ts): the worker's cycles against the same server, RSS every 20.
// Options: --soak-cycles N (default 200; 0: no soak), --skip-table (the soak only), --feeds N,
// --skip-peers (veille's three cycles only, for quick measures while working on veille),
// --rounds-304 N (the all-304 cycle alone, measured closely: each reader imports once, then N
// rounds of one all-304 cycle each, the readers in turn and in alternating order so that a change
// of load weighs on all alike; the medians, their ratios, and every round's wall time),
// --node-line "NAME=VALUE… node FLAG…" (runs veille and the soak with this instead of what the
// bin's first line says after `env -S`: to compare node flags and malloc settings, A/B).
// Not run by CI (needs newsboat and rss2email for its ratios; minutes of a quiet machine).
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from '../repo-paths.js';
import { writeBenchConfig } from './bench-config.js';
import { readNodeLine } from './node-line.js';
import { countItems, expandFeeds, readPeerFeeds } from './peer-feeds.js';
import {
  CYCLES,
  evaluateTargets,
  formatCell,
  formatRatios,
  formatTarget,
  soakVerdict,
  type CycleKey,
  type ReaderFigures,
  type SoakSample,
  type SoakVerdict,
} from './peers-report.js';
import { measureCommand, rusageMethod, type MeasuredRun, type Rusage } from './rusage.js';

const SERVER_SCRIPT = fileURLToPath(new URL('./peer-server.js', import.meta.url));
const SOAK_SCRIPT = fileURLToPath(new URL('./soak-cell.js', import.meta.url));
const VEILLE_BIN = join(REPO_ROOT, 'bin', 'veille.js');
const FETCH_YAML = 'fetch: { concurrency: 16, perHostConcurrency: 16, perHostDelayMs: 0 }\n';
const MB = 1024 * 1024;

const { values } = parseArgs({
  options: {
    feeds: { type: 'string', default: '200' },
    'soak-cycles': { type: 'string', default: '200' },
    'skip-table': { type: 'boolean', default: false },
    'skip-peers': { type: 'boolean', default: false },
    'rounds-304': { type: 'string', default: '0' },
    'node-line': { type: 'string' },
  },
});
const NODE_LINE = values['node-line'];
const { flags: NODE_FLAGS, env: NODE_ENV } = readNodeLine(
  NODE_LINE === undefined ? readFileSync(VEILLE_BIN, 'utf8') : `#!/usr/bin/env -S ${NODE_LINE}`,
  VEILLE_BIN,
);
const ROUNDS_304 = Number(values['rounds-304']);
const FEEDS = Number(values.feeds);
const SOAK_CYCLES = Number(values['soak-cycles']);

interface FeedServer {
  readonly port: number;
  control(query: string): Promise<void>;
  stats(): Promise<Record<string, number>>;
  stop(): void;
}

async function startServer(): Promise<FeedServer> {
  const child = spawn(process.execPath, [SERVER_SCRIPT, String(FEEDS)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench:peers: the feed server exited with ${code}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /^ready (\d+)$/.exec(line);
      if (match) resolve(Number(match[1]));
    });
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    port,
    async control(query) {
      await (await fetch(`${base}/control?${query}`, { method: 'POST' })).arrayBuffer();
    },
    async stats() {
      return (await (await fetch(`${base}/stats`)).json()) as Record<string, number>;
    },
    stop: () => child.kill('SIGTERM'),
  };
}

/** The full path of `name` on PATH, or null. */
function onPath(...names: string[]): string | null {
  for (const name of names) {
    for (const dir of (process.env.PATH ?? '').split(delimiter)) {
      const file = join(dir, name);
      try {
        accessSync(file, constants.X_OK);
        return file;
      } catch {
        // not here
      }
    }
  }
  return null;
}

interface Reader {
  readonly name: string;
  /** The executable, or null: skipped. */
  readonly executable: string | null;
  /** Prepares `dir` (its HOME) for these feeds; returns the command of cycle `n` (1, 2, 3). */
  setup(dir: string, urls: readonly string[]): (cycle: number) => { argv: string[]; env: NodeJS.ProcessEnv };
}

const homeEnv = (dir: string): NodeJS.ProcessEnv => ({
  ...process.env,
  HOME: dir,
  XDG_CONFIG_HOME: join(dir, '.config'),
  XDG_DATA_HOME: join(dir, '.local', 'share'),
  XDG_CACHE_HOME: join(dir, '.cache'),
});

const READERS: readonly Reader[] = [
  {
    name: 'veille',
    executable: VEILLE_BIN,
    setup(dir, urls) {
      writeBenchConfig(dir, urls, FETCH_YAML);
      return (cycle) => ({
        argv: [process.execPath, ...NODE_FLAGS, VEILLE_BIN, 'run', '--config', join(dir, 'veille.yaml'), '--log-format', 'json'],
        // A day later each cycle, so that every source is due again (maxIntervalMinutes: one day).
        env: { ...homeEnv(dir), ...NODE_ENV, VEILLE_NOW: new Date(Date.UTC(2026, 11, 7, 8) + (cycle - 1) * 25 * 3_600_000).toISOString() },
      });
    },
  },
  {
    name: 'newsboat',
    executable: onPath('newsboat'),
    setup(dir, urls) {
      writeFileSync(join(dir, 'urls'), urls.map((url) => `${url}\n`).join(''));
      writeFileSync(join(dir, 'config'), 'reload-threads 16\n');
      const argv = [this.executable ?? 'newsboat', '-C', join(dir, 'config'), '-u', join(dir, 'urls'), '-c', join(dir, 'cache.db'), '-x', 'reload'];
      return () => ({ argv, env: homeEnv(dir) });
    },
  },
  {
    name: 'rss2email',
    executable: onPath('r2e', 'rss2email'),
    setup(dir, urls) {
      const r2e = this.executable ?? 'r2e';
      const files = ['-c', join(dir, 'r2e.cfg'), '-d', join(dir, 'r2e.json')];
      const created = spawnSync(r2e, [...files, 'new', 'bench@example.invalid'], { env: homeEnv(dir), encoding: 'utf8' });
      if (created.status !== 0) throw new Error(`bench:peers: r2e new failed: ${created.stderr}`);
      // `r2e add` 200 times costs a minute: the same sections, written at once. No mail is sent
      // (run --no-send), and a sendmail that fails would say so if one were tried.
      const names = urls.map((_, index) => `f${String(index).padStart(3, '0')}`);
      writeFileSync(
        join(dir, 'r2e.cfg'),
        `${readFileSync(join(dir, 'r2e.cfg'), 'utf8').replace(/^sendmail = .*$/m, 'sendmail = /bin/false')}\n` +
          urls.map((url, index) => `[feed.${names[index]}]\nurl = ${url}\n\n`).join(''),
      );
      writeFileSync(
        join(dir, 'r2e.json'),
        JSON.stringify({ version: 2, feeds: names.map((name) => ({ name, etag: null, modified: null, seen: {} })) }),
      );
      return () => ({ argv: [r2e, ...files, 'run', '--no-send'], env: homeEnv(dir) });
    },
  },
];

/** Cycles whose answers were not the ones the cycle is named after, said under the table. */
const notes: string[] = [];

/** One reader's three cycles; each line of progress on stderr. */
async function benchReader(reader: Reader, server: FeedServer, urls: readonly string[]): Promise<ReaderFigures> {
  if (reader.executable === null || (values['skip-peers'] && reader.name !== 'veille')) {
    process.stderr.write(`${reader.name}: skipped (${reader.executable === null ? 'not on PATH' : '--skip-peers'})\n`);
    return null;
  }
  const dir = mkdtempSync(join(tmpdir(), `veille-peers-${reader.name}-`));
  const logFile = join(dir, 'output.log');
  try {
    const command = reader.setup(dir, urls);
    const figures: Partial<Record<CycleKey, Rusage>> = {};
    for (const [index, cycle] of CYCLES.entries()) {
      await server.control(`reset=1&validators=${cycle.key === 'noValidators' ? 0 : 1}`);
      const { argv, env } = command(index + 1);
      const run: MeasuredRun = await measureCommand(argv, { cwd: dir, env, logFile });
      const counts = await server.stats();
      const answers = Object.entries(counts)
        .map(([status, count]) => `${count}×${status}`)
        .join(' ');
      const expected = cycle.key === 'notModified' ? '304' : '200';
      if ((counts[expected] ?? 0) !== urls.length) {
        notes.push(`${reader.name}, ${cycle.label}: the server answered ${answers}` + (cycle.key === 'notModified' ? ' (the reader did not send the validators it was given)' : ''));
      }
      process.stderr.write(`${reader.name}, ${cycle.label}: ${formatCell(run)} (exit ${run.code}; server: ${answers})\n`);
      if (run.code !== 0) throw new Error(`bench:peers: ${reader.name} exited with ${run.code}; its output: ${logFile}`);
      figures[cycle.key] = run;
    }
    await server.control('validators=1');
    rmSync(dir, { recursive: true, force: true });
    return figures as Record<CycleKey, Rusage>;
  } catch (error) {
    await server.control('validators=1');
    throw error;
  }
}

async function runSoak(server: FeedServer, urls: readonly string[], cycles: number): Promise<SoakVerdict> {
  const dir = mkdtempSync(join(tmpdir(), 'veille-peers-soak-'));
  try {
    writeBenchConfig(dir, urls, FETCH_YAML);
    await server.control('reset=1&validators=1');
    const child = spawn(process.execPath, [...NODE_FLAGS, SOAK_SCRIPT, join(dir, 'veille.yaml'), String(server.port), String(cycles), '3'], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...NODE_ENV },
    });
    const samples: SoakSample[] = [];
    let peak = 0;
    let seconds = 0;
    let cpuSeconds = 0;
    const laterCpu: number[] = [];
    const parts: string[] = [];
    let idle = '';
    for await (const line of createInterface({ input: child.stdout })) {
      const [kind, ...fields] = line.split(' ');
      if (kind === 'peak') peak = Number(fields[0]);
      if (kind === 'idle') idle = `${fields[0]} s after the last cycle (idle, as between two scheduled cycles of \`start\`): RSS ${Math.round(Number(fields[1]) / MB)} MB`;
      if (kind === 'part') parts.push(`${fields.slice(1).join(' ')}: ${(Number(fields[0]) / MB).toFixed(1)} MB`);
      if (kind !== 'cycle') continue;
      const [cycle = 0, rss = 0, cycleSeconds = 0, newItems = 0, cycleCpu = 0] = fields.map(Number);
      samples.push({ cycle, rssBytes: rss });
      seconds += cycleSeconds;
      cpuSeconds += cycleCpu;
      if (cycle > 1) laterCpu.push(cycleCpu);
      if (cycle === 1 || cycle % 20 === 0 || cycle === cycles) {
        process.stdout.write(`| ${cycle} | ${Math.round(rss / MB)} MB | ${cycleSeconds.toFixed(2)} s | ${cycleCpu.toFixed(2)} s | ${newItems} |\n`);
      }
    }
    const code = await new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve)));
    if (code !== 0) throw new Error(`bench:peers: the soak exited with ${code}`);
    process.stdout.write(`\n${samples.length} cycles in ${seconds.toFixed(0)} s, ${cpuSeconds.toFixed(1)} s CPU; process peak RSS ${Math.round(peak / MB)} MB (the first cycle, an import, included).\n`);
    // The cost of a cycle that finds a few new items, the collection after it included (issue 15).
    const sortedCpu = [...laterCpu].sort((a, b) => a - b);
    if (sortedCpu.length > 0) process.stdout.write(`Median CPU of the cycles after the first: ${(sortedCpu[Math.floor(sortedCpu.length / 2)] ?? 0).toFixed(2)} s.\n`);
    if (parts.length > 0) process.stdout.write(`\nResident memory after the last cycle, by part:\n\n${parts.map((part) => `- ${part}`).join('\n')}\n`);
    if (idle !== '') process.stdout.write(`\n${idle}.\n`);
    return soakVerdict(samples);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The all-304 cycle alone, `rounds` times per reader, the readers interleaved (--rounds-304). */
async function benchNotModified(server: FeedServer, urls: readonly string[], rounds: number): Promise<void> {
  const readers = READERS.filter((reader) => {
    const skipped = reader.executable === null || (values['skip-peers'] && reader.name !== 'veille');
    if (skipped) process.stderr.write(`${reader.name}: skipped (${reader.executable === null ? 'not on PATH' : '--skip-peers'})\n`);
    return !skipped;
  });
  const prepared = readers.map((reader) => {
    const dir = mkdtempSync(join(tmpdir(), `veille-peers-304-${reader.name}-`));
    return { reader, dir, logFile: join(dir, 'output.log'), command: reader.setup(dir, urls), runs: [] as MeasuredRun[] };
  });
  try {
    for (const entry of prepared) {
      await server.control('reset=1&validators=1');
      const run = await measureCommand(entry.command(1).argv, { cwd: entry.dir, env: entry.command(1).env, logFile: entry.logFile });
      if (run.code !== 0) throw new Error(`bench:peers: ${entry.reader.name} exited with ${run.code}; its output: ${entry.logFile}`);
      process.stderr.write(`${entry.reader.name}, ${CYCLES[0].label}: ${formatCell(run)}\n`);
    }
    for (let round = 0; round < rounds; round += 1) {
      for (const entry of round % 2 === 0 ? prepared : [...prepared].reverse()) {
        await server.control('reset=1');
        const { argv, env } = entry.command(2 + round);
        const run = await measureCommand(argv, { cwd: entry.dir, env, logFile: entry.logFile });
        const answers = await server.stats();
        if (run.code !== 0) throw new Error(`bench:peers: ${entry.reader.name} exited with ${run.code}; its output: ${entry.logFile}`);
        if ((answers['304'] ?? 0) !== urls.length) notes.push(`${entry.reader.name}, round ${round + 1}: the server answered ${JSON.stringify(answers)}`);
        entry.runs.push(run);
      }
    }
    const median = (numbers: readonly number[]) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)] ?? 0;
    const medians = prepared.map((entry) => ({
      name: entry.reader.name,
      figures: {
        wallSeconds: median(entry.runs.map((run) => run.wallSeconds)),
        cpuSeconds: median(entry.runs.map((run) => run.cpuSeconds)),
        peakRssBytes: median(entry.runs.map((run) => run.peakRssBytes)),
      },
      walls: entry.runs.map((run) => run.wallSeconds.toFixed(2)).join(' '),
    }));
    process.stdout.write(`${CYCLES[1].label}, median of ${rounds} interleaved rounds:\n\n| reader | median | wall of each round (s) |\n|---|---|---|\n`);
    for (const { name, figures, walls } of medians) process.stdout.write(`| ${name} | ${formatCell(figures)} | ${walls} |\n`);
    const veille = medians.find((entry) => entry.name === 'veille');
    for (const peer of medians.filter((entry) => entry.name !== 'veille')) {
      if (veille !== undefined) process.stdout.write(`\nveille / ${peer.name}: ${formatRatios(veille.figures, peer.figures)}\n`);
    }
    for (const note of notes) process.stdout.write(`\nNote: ${note}.\n`);
    process.stdout.write(`\nload average at the end: ${loadavg()[0]?.toFixed(1)}\n`);
  } finally {
    for (const entry of prepared) rmSync(entry.dir, { recursive: true, force: true });
  }
}

const method = rusageMethod();
if (method === null) throw new Error('bench:peers: needs /usr/bin/time or /usr/bin/python3 to measure its children');
const feeds = expandFeeds(readPeerFeeds(), FEEDS);
const items = feeds.reduce((sum, xml) => sum + countItems(xml), 0);
const bytes = feeds.reduce((sum, xml) => sum + Buffer.byteLength(xml), 0);
const server = await startServer();
const urls = Array.from({ length: FEEDS }, (_, index) => `http://127.0.0.1:${server.port}/feeds/${index}.xml`);
try {
  process.stdout.write(
    `bench:peers: ${FEEDS} feeds, ${items} items, ${(bytes / MB).toFixed(1)} MB on 127.0.0.1; figures by ${method}\n` +
      `node ${process.version}${NODE_LINE === undefined ? '' : ` run as "${NODE_LINE}"`}; veille with ${FETCH_YAML.trim()}; newsboat with reload-threads 16; ` +
      `load average ${loadavg()[0]?.toFixed(1)} (the figures mean little on a busy machine)\n\n`,
  );
  if (ROUNDS_304 > 0) await benchNotModified(server, urls, ROUNDS_304);
  else await benchAll(server, urls);
} finally {
  server.stop();
}

/** The table of the three cycles, the soak and the targets. */
async function benchAll(server: FeedServer, urls: readonly string[]): Promise<void> {
  let targets: ReaderFigures[] = [null, null, null];
  if (!values['skip-table']) {
    targets = [];
    for (const reader of READERS) targets.push(await benchReader(reader, server, urls));
    const [veille = null, newsboat = null, rss2email = null] = targets;
    process.stdout.write(`| cycle | ${READERS.map((reader) => reader.name).join(' | ')} |\n|---|---|---|---|\n`);
    for (const cycle of CYCLES) {
      const cells = targets.map((figures) => (figures === null ? 'skipped' : formatCell(figures[cycle.key])));
      process.stdout.write(`| ${cycle.label} | ${cells.join(' | ')} |\n`);
    }
    for (const note of notes) process.stdout.write(`\nNote: ${note}.\n`);
    process.stdout.write('\nveille / peer:\n\n| cycle | veille / newsboat | veille / rss2email |\n|---|---|---|\n');
    for (const cycle of CYCLES) {
      const cells = [newsboat, rss2email].map((peer) => (veille === null || peer === null ? 'skipped' : formatRatios(veille[cycle.key], peer[cycle.key])));
      process.stdout.write(`| ${cycle.label} | ${cells.join(' | ')} |\n`);
    }
  }
  let soak: SoakVerdict | null = null;
  if (SOAK_CYCLES > 0) {
    process.stdout.write(`\nSoak: ${SOAK_CYCLES} worker cycles, 3 feeds changed before each after the first, clock +25 h per cycle\n\n`);
    process.stdout.write('| after cycle | RSS | cycle time | cycle CPU | new items |\n|---|---|---|---|---|\n');
    soak = await runSoak(server, urls, SOAK_CYCLES);
  }
  const [veille = null, newsboat = null, rss2email = null] = targets;
  process.stdout.write('\nTargets (issue 15):\n\n| target | measured | |\n|---|---|---|\n');
  for (const line of evaluateTargets(veille, newsboat, rss2email, soak)) process.stdout.write(`${formatTarget(line)}\n`);
  process.stdout.write(`\nload average at the end: ${loadavg()[0]?.toFixed(1)}\n`);
}
