// `npm run bench`: speed and memory of veille, each against a baseline measured in the same run.
//   1. one cycle over 200 loopback feeds of 50 items: wall time, items per second, peak RSS,
//      against rss-parser's own parse time of the same bytes, each in a fresh process, median of
//      three interleaved rounds (target: within 3x, RSS < 300 MB).
//   Then the fetch bench, building a digest issue from 50,000 items stored in one week against the
//   SQLite read of the same rows (digest-bench.ts, target < 1 s), and grouping 10,000 items into
//   stories (cluster-bench.ts, target < 2 s). Then the article pages a new item costs (full-text-bench.ts;
//   alone: node build/tools/bench/bench.js fulltext), and résumé requests per cycle in steady state
//   (resume-bench.ts, target 0; alone: node build/tools/bench/bench.js resumes). Last, serving feed.xml
//   against nginx (serving-bench.ts; alone: node build/tools/bench/bench.js serving [--serving-seconds N]).
import { createFeedProcessor } from '../../src/worker/process-pool.js';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBareRssParser } from '../../src/parse/rss-parser-adapter.js';
import type { StageSeconds } from './stage-bench.js';
import { benchFeedUrl, writeBenchConfig, spawnFeedServer } from './bench-config.js';
import { AI_NEWS_ITEMS_FILE, CONFIG_FILE } from '../repo-paths.js';
import { syntheticFeed } from './synthetic-feeds.js';

const FEEDS = 200;
const ITEMS = 50;
const HOSTS = 50;

function trackPeakRss(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss);
    },
  };
}

interface PipelineFigures {
  threads: number;
  seconds: number;
  /** CPU time of the process, all its threads. */
  cpuSeconds: number;
  peakRss: number;
  rssBefore: number;
}

/** One cycle in this process (run as a child of the bench, so its memory is its own). */
async function runPipelineOnce(threads: number): Promise<PipelineFigures> {
  const [{ silentLogger }, { Store }, { loadTaxonomy }, { composeApp, configureApp }, { runOneCycle }] = await Promise.all([
    import('../../src/domain/ports.js'),
    import('../../src/store/store.js'),
    import('../../src/tag/taxonomy.js'),
    import('../../src/app/app.js'),
    import('../../src/app/cycle.js'),
  ]);
  const server = await spawnFeedServer(FEEDS, ITEMS, HOSTS, 0);
  const dir = mkdtempSync(join(tmpdir(), 'veille-bench-'));
  try {
    const urls = Array.from({ length: FEEDS }, (_, index) => benchFeedUrl(index, HOSTS, server.port));
    const config = writeBenchConfig(dir, urls, `fetch: { perHostDelayMs: 0 }\nprocessing: { threads: ${threads} }\n`);
    const taxonomy = loadTaxonomy(config.themesFile);
    const store = Store.open(config.storagePath);
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const peak = trackPeakRss();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const app = composeApp(configureApp(config, { clock: { now: () => new Date() }, env: {}, logger: silentLogger }), { store, taxonomy });
    const summary = await runOneCycle(app, { force: true, processors: createFeedProcessor });
    const seconds = (performance.now() - started) / 1000;
    const peakRss = peak.stop();
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    store.close();
    if (summary.failed > 0 || summary.newItems !== FEEDS * ITEMS) {
      throw new Error(`bench: expected ${FEEDS * ITEMS} new items and no failure, got ${summary.newItems} and ${summary.failed} (${summary.failures[0]?.message ?? ''})`);
    }
    return { threads, seconds, cpuSeconds, peakRss, rssBefore };
  } finally {
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Peak RSS of a process and its threads: worker threads share the process, so RSS counts them. */
function benchPipeline(threads: number): Promise<PipelineFigures> {
  return inChild<PipelineFigures>('pipeline', String(threads));
}

/** Runs this script in a fresh process with `args` (with the V8 flag bin/veille.js runs with) and reads its JSON. */
async function inChild<T>(...args: string[]): Promise<T> {
  const child = spawn(process.execPath, ['--expose-gc', '--max-semi-space-size=4', fileURLToPath(import.meta.url), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`bench: ${args.join(' ')} exited with ${code}`);
  return JSON.parse(output) as T;
}

/** Each figure is the median of this many rounds; a round runs the baseline and each pipeline once, in turn. */
const ROUNDS = 3;

async function main(): Promise<void> {
  const [mode, threadsArgument] = process.argv.slice(2);
  if (mode === 'pipeline') {
    process.stdout.write(JSON.stringify(await runPipelineOnce(Number(threadsArgument))));
    return;
  }
  if (mode === 'bare') {
    process.stdout.write(JSON.stringify(await benchBareParse()));
    return;
  }
  if (mode === 'fulltext') {
    await (await import('./full-text-bench.js')).runFullTextBench();
    return;
  }
  if (mode === 'resumes') {
    await (await import('./resume-bench.js')).runResumeBench();
    return;
  }
  if (mode === 'serve-site') {
    await (await import('./serving-bench.js')).serveBenchSite(threadsArgument ?? '');
    return;
  }
  if (mode === 'serving') {
    await (await import('./serving-bench.js')).runServingBench(servingSeconds());
    return;
  }
  if (mode === 'stages') {
    process.stdout.write(JSON.stringify(await (await import('./stage-bench.js')).measureStages()));
    return;
  }
  const { loadConfig } = await import('../../src/config/load-config.js');
  const defaultThreads = loadConfig(CONFIG_FILE).processing.threads;
  // Processing never runs on the main thread: one thread is the floor the default is measured against.
  const settings = [...new Set([1, defaultThreads])];
  const bare: { seconds: number; bytes: number }[] = [];
  const runs = new Map<number, PipelineFigures[]>(settings.map((threads) => [threads, []]));
  // Interleaved, so that a slow minute on a shared machine weighs on the baseline and the pipeline alike.
  for (let round = 0; round < ROUNDS; round += 1) {
    bare.push(await inChild<{ seconds: number; bytes: number }>('bare'));
    for (const threads of settings) runs.get(threads)?.push(await benchPipeline(threads));
  }
  const baseline = median(bare.map((run) => run.seconds));
  console.log(`pipeline: one cycle, ${FEEDS} loopback feeds x ${ITEMS} items (${HOSTS} hosts, politeness delay 0), each run in a fresh process`);
  console.log(
    `baseline: rss-parser parseString of the same ${FEEDS} feeds (${mb(bare[0]?.bytes ?? 0)} MB), sequential, in a fresh process: ` +
      `${baseline.toFixed(2)} s (${spread(bare.map((run) => run.seconds))})`,
  );
  console.log(`each figure: the median of ${ROUNDS} rounds (slowest and fastest in brackets); peak RSS: the highest`);
  console.log('');
  console.log('  parsing threads   wall time                items/s   peak RSS   ratio to bare parse');
  for (const threads of settings) {
    const figures = runs.get(threads) ?? [];
    const seconds = median(figures.map((run) => run.seconds));
    const peakRss = Math.max(...figures.map((run) => run.peakRss));
    const label = `${threads}${threads === defaultThreads ? ' (default)' : ''}`;
    console.log(
      `  ${label.padEnd(16)}  ${`${seconds.toFixed(2)} s (${spread(figures.map((run) => run.seconds))})`.padEnd(22)}   ` +
        `${String(Math.round((FEEDS * ITEMS) / seconds)).padStart(7)}   ${`${mb(peakRss)} MB`.padStart(8)}   ${(seconds / baseline).toFixed(2)}x`,
    );
  }
  console.log('  targets: ratio <= 3x, peak RSS < 300 MB');
  const stages: StageSeconds[] = [];
  for (let round = 0; round < ROUNDS; round += 1) stages.push(await inChild<StageSeconds>('stages'));
  (await import('./stage-bench.js')).printStageBench(stages);
  await (await import('./fetch-bench.js')).runFetchBench();
  await (await import('./digest-bench.js')).printDigestBench();
  (await import('./cluster-bench.js')).runClusterBench();
  await printTagBench();
  await (await import('./full-text-bench.js')).runFullTextBench();
  await (await import('./resume-bench.js')).runResumeBench();
  await (await import('./serving-bench.js')).runServingBench(servingSeconds());
}

/** `--serving-seconds N`: the length of each load run of the serving section (4 s unless said). */
function servingSeconds(): number {
  const index = process.argv.indexOf('--serving-seconds');
  const seconds = index === -1 ? 4 : Number(process.argv[index + 1]);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 60) throw new Error('bench: --serving-seconds takes a whole number of seconds, 1 to 60');
  return seconds;
}

/** Tagging alone on the real AI-news items, against splitting the same texts into words. */
async function printTagBench(): Promise<void> {
  const itemsFile = AI_NEWS_ITEMS_FILE;
  const { benchTagging } = await import('./tag-bench.js');
  const tagging = await benchTagging(itemsFile);
  const texts = readFileSync(itemsFile, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const item = JSON.parse(line) as { title?: string; summary?: string };
      return `${item.title ?? ''} ${item.summary ?? ''}`;
    });
  const rounds = Math.round(tagging.items / texts.length);
  let words = 0;
  const started = performance.now();
  for (let round = 0; round < rounds; round += 1) {
    for (const text of texts) words += text.toLowerCase().split(/[^\p{L}\p{N}]+/u).length;
  }
  const baselineSeconds = (performance.now() - started) / 1000;
  console.log('');
  console.log(`tagging: ${texts.length} real AI-news items (tests/fixtures/ai-news/items.jsonl) x ${rounds} rounds, one core`);
  console.log(`  tagging                ${tagging.itemsPerSecond} items/s   target >= 20000`);
  console.log(`  baseline: lowercase and split into words only: ${Math.round(tagging.items / baselineSeconds)} items/s (${words > 0 ? 'ok' : ''})`);
  console.log(`  ratio tagging/split    ${(tagging.seconds / baselineSeconds).toFixed(1)}x`);
}

async function benchBareParse(): Promise<{ seconds: number; bytes: number }> {
  const texts = Array.from({ length: FEEDS }, (_, index) => syntheticFeed(index, ITEMS));
  const parse = createBareRssParser();
  const started = performance.now();
  for (const text of texts) await parse(text);
  return { seconds: (performance.now() - started) / 1000, bytes: texts.reduce((sum, text) => sum + Buffer.byteLength(text), 0) };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function spread(seconds: readonly number[]): string {
  return `${Math.min(...seconds).toFixed(2)}–${Math.max(...seconds).toFixed(2)} s`;
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(0);
}

await main();
