// `npm run bench:scale` (issue 20): fetch workers over one PostgreSQL against loopback feeds.
// N feeds on H hosts (127.0.0.1 … 127.0.0.H, one server each, every answer after a latency),
// first a first import (every feed new), then a steady state (every feed due again: 304s, a
// few feeds changed), with 1, 2 and 4 `veille start --role fetch` processes beside one
// `--role publish` (which enqueues), then `veille run` on SQLite alone (one process) on the same
// feeds. Each phase: fetches per second, from its first request to its last, against the ideal
// that the workers' concurrency and the per-host limits allow, and the most requests any host
// had in flight at once (must not exceed fetch.perHostConcurrency). And the CPU time each phase
// cost on this machine (the veille processes, PostgreSQL's server processes, this process's feed
// servers) per fetch: the cores divided by it is the most fetches per second this machine can do,
// whatever the workers' concurrency (the CPU-bound ceiling), printed beside the ideal.
// Options: --feeds N (2000), --hosts H (100), --latency MS (100), --workers 1,2,4,
// --concurrency C (fetch.concurrency, 16), --per-host P (2), --changed-percent X (2).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { REPO_ROOT } from '../repo-paths.js';
import { childPids, hasPostgres, processCpu, startPgCluster } from './pg-cluster.js';

const VEILLE_BIN = join(REPO_ROOT, 'bin', 'veille.js');
const THEMES = join(REPO_ROOT, 'config', 'themes.yaml');
/** A phase ends when no request came for this long after the last one (the queue is drained). */
const QUIET_MS = 3_000;
/** No phase runs longer than this. */
const PHASE_LIMIT_MS = 10 * 60_000;

const { values } = parseArgs({
  options: {
    feeds: { type: 'string', default: '2000' },
    hosts: { type: 'string', default: '100' },
    latency: { type: 'string', default: '100' },
    workers: { type: 'string', default: '1,2,4' },
    concurrency: { type: 'string', default: '16' },
    'per-host': { type: 'string', default: '2' },
    'changed-percent': { type: 'string', default: '2' },
  },
});
const FEEDS = Number(values.feeds);
const HOSTS = Math.min(200, Number(values.hosts));
const LATENCY = Number(values.latency);
const WORKERS = String(values.workers).split(',').map(Number);
const CONCURRENCY = Number(values.concurrency);
const PER_HOST = Number(values['per-host']);
const CHANGED = Number(values['changed-percent']) / 100;

interface CpuReading {
  /** The fetch workers (with SQLite: the one `veille run`, which does everything). */
  readonly veille: number;
  /** The elected publisher (enqueues, then publishes what was stored). */
  readonly publisher: number;
  readonly postgres: number;
  readonly feeds: number;
}

/** CPU seconds so far of the fetch workers, the publisher, PostgreSQL's server (its ended backends too, reaped by it), this process. */
function readCpu(workers: readonly ChildProcess[], publisher: ChildProcess | null, postmaster: number | null): CpuReading {
  const own = process.cpuUsage();
  const cpuOf = (child: ChildProcess | null): number => (child?.pid === undefined ? 0 : processCpu(child.pid));
  return {
    veille: workers.reduce((sum, child) => sum + cpuOf(child), 0),
    publisher: cpuOf(publisher),
    postgres: postmaster === null ? 0 : processCpu(postmaster) + childPids(postmaster).reduce((sum, pid) => sum + processCpu(pid), 0),
    feeds: (own.user + own.system) / 1e6,
  };
}

function cpuSince(start: CpuReading, end: CpuReading): CpuReading {
  return { veille: end.veille - start.veille, publisher: end.publisher - start.publisher, postgres: end.postgres - start.postgres, feeds: end.feeds - start.feeds };
}

interface HostCounter {
  inFlight: number;
  maxInFlight: number;
}

/** The feeds' servers: each feed's version; a request with the current ETag gets a 304. */
interface Feeds {
  readonly urls: readonly string[];
  readonly times: number[];
  readonly hosts: HostCounter[];
  version: number;
  changed: Set<number>;
  close(): Promise<void>;
}

async function startFeeds(): Promise<Feeds> {
  const servers: Server[] = [];
  const urls: string[] = [];
  const hosts: HostCounter[] = [];
  const state: Feeds = { urls, times: [], hosts, version: 1, changed: new Set(), close: async () => undefined };
  for (let host = 0; host < HOSTS; host += 1) {
    const counter: HostCounter = { inFlight: 0, maxInFlight: 0 };
    hosts.push(counter);
    const server = createServer((request, response) => {
      counter.inFlight += 1;
      counter.maxInFlight = Math.max(counter.maxInFlight, counter.inFlight);
      state.times.push(performance.now());
      const feed = Number(/feed-(\d+)\.xml/.exec(request.url ?? '')?.[1] ?? -1);
      setTimeout(() => {
        counter.inFlight -= 1;
        const version = state.changed.has(feed) ? state.version : 1;
        const etag = `"${feed}-${version}"`;
        if (request.headers['if-none-match'] === etag) {
          response.writeHead(304, { etag }).end();
          return;
        }
        response.writeHead(200, { 'content-type': 'application/rss+xml', etag }).end(rss(feed, version));
      }, LATENCY);
    });
    await new Promise<void>((resolve) => server.listen(0, `127.0.0.${host + 1}`, resolve));
    servers.push(server);
  }
  for (let feed = 0; feed < FEEDS; feed += 1) {
    const host = feed % HOSTS;
    const address = servers[host]!.address() as { port: number };
    urls.push(`http://127.0.0.${host + 1}:${address.port}/feed-${feed}.xml`);
  }
  state.close = async () => {
    await Promise.all(servers.map((server) => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); })));
  };
  return state;
}

function rss(feed: number, version: number): string {
  const items = [0, 1, 2]
    .map((n) => `<item><title>Feed ${feed} story ${version}-${n} on federated learning</title><link>https://example.org/${feed}/${version}/${n}</link><guid>${feed}-${version}-${n}</guid><description>Open source models and privacy, part ${n}.</description></item>`)
    .join('');
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Feed ${feed}</title><link>https://example.org/${feed}</link>${items}</channel></rss>`;
}

function writeConfig(dir: string, feeds: Feeds, storage: string): string {
  const file = join(dir, 'veille.yaml');
  writeFileSync(
    file,
    [
      `sources:\n${feeds.urls.map((url) => `  - { url: "${url}" }`).join('\n')}`,
      storage,
      `themes: ${JSON.stringify(THEMES)}`,
      'publish: { dir: public }',
      'server: { host: 127.0.0.1, port: 0 }',
      // The publisher enqueues each second; its ticks while a cycle runs are skipped.
      'schedule: { fetch: "* * * * * *" }',
      `fetch: { concurrency: ${CONCURRENCY}, perHostConcurrency: ${PER_HOST}, perHostDelayMs: 0, stopGraceMs: 2000 }`,
      'fullText: { maxPerCycle: 0 }',
      'processing: { threads: 1 }',
      'log: { level: warn }',
      '',
    ].join('\n'),
  );
  return file;
}

function spawnVeille(args: string[]): ChildProcess {
  return spawn(process.execPath, [VEILLE_BIN, ...args], { stdio: ['ignore', 'ignore', 'inherit'], env: { PATH: process.env.PATH } });
}

/** Waits for the phase's requests: from the first one until QUIET_MS without any; the rate between first and last. */
async function measurePhase(feeds: Feeds, expected: number, cpu: () => CpuReading): Promise<{ readonly requests: number; readonly seconds: number; readonly rate: number; readonly cpu: CpuReading }> {
  const start = feeds.times.length;
  const began = performance.now();
  const cpuAtStart = cpu();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const last = feeds.times[feeds.times.length - 1] ?? 0;
    const count = feeds.times.length - start;
    if (count >= expected && performance.now() - last > QUIET_MS) break;
    if (count > 0 && performance.now() - last > 6 * QUIET_MS) break;
    if (performance.now() - began > PHASE_LIMIT_MS) break;
  }
  const used = cpuSince(cpuAtStart, cpu());
  const times = feeds.times.slice(start);
  const seconds = times.length < 2 ? 0 : (times[times.length - 1]! - times[0]!) / 1000 + LATENCY / 1000;
  return { requests: times.length, seconds, rate: seconds === 0 ? 0 : times.length / seconds, cpu: used };
}

function ideal(workers: number): number {
  return Math.min((workers * CONCURRENCY * 1000) / LATENCY, (HOSTS * PER_HOST * 1000) / LATENCY);
}

function resetHosts(feeds: Feeds): void {
  for (const host of feeds.hosts) host.maxInFlight = 0;
}

function changeSome(feeds: Feeds): void {
  feeds.version += 1;
  feeds.changed = new Set(Array.from({ length: Math.round(FEEDS * CHANGED) }, (_, index) => Math.floor((index * FEEDS) / Math.max(1, Math.round(FEEDS * CHANGED)))));
}

interface Row {
  readonly backend: string;
  readonly workers: number;
  readonly phase: string;
  readonly requests: number;
  readonly rate: number;
  readonly ideal: number;
  readonly maxPerHost: number;
  readonly cpu: CpuReading;
  /** The machine's load average over the last minute when the phase ended (other work on it). */
  readonly load: number;
}

const CORES = availableParallelism();

/** CPU milliseconds per fetch, all processes of the phase together. */
function cpuPerFetch(row: Row): number {
  return row.requests === 0 ? 0 : ((row.cpu.veille + row.cpu.publisher + row.cpu.postgres + row.cpu.feeds) * 1000) / row.requests;
}

async function benchPostgres(feeds: Feeds, url: string, workers: number, rows: Row[], postmaster: number | null): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'veille-scale-'));
  const config = writeConfig(dir, feeds, `storage: { url: "${url}" }`);
  const children: ChildProcess[] = [];
  try {
    feeds.version = 1;
    feeds.changed = new Set();
    resetHosts(feeds);
    for (let index = 0; index < workers; index += 1) children.push(spawnVeille(['start', '--role', 'fetch', '--config', config]));
    children.push(spawnVeille(['start', '--role', 'publish', '--config', config]));
    const cpu = (): CpuReading => readCpu(children.slice(0, -1), children[children.length - 1] ?? null, postmaster);
    const first = await measurePhase(feeds, FEEDS, cpu);
    rows.push({ backend: 'PostgreSQL', workers, phase: 'first import', requests: first.requests, rate: first.rate, ideal: ideal(workers), maxPerHost: Math.max(...feeds.hosts.map((host) => host.maxInFlight)), cpu: first.cpu, load: loadavg()[0]! });
    changeSome(feeds);
    resetHosts(feeds);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('UPDATE sources SET next_fetch_at = NULL');
    await client.end();
    const steady = await measurePhase(feeds, FEEDS, cpu);
    rows.push({ backend: 'PostgreSQL', workers, phase: 'steady (304s)', requests: steady.requests, rate: steady.rate, ideal: ideal(workers), maxPerHost: Math.max(...feeds.hosts.map((host) => host.maxInFlight)), cpu: steady.cpu, load: loadavg()[0]! });
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode === null ? child.on('close', resolve) : resolve(null)))));
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchSqlite(feeds: Feeds, rows: Row[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'veille-scale-'));
  const config = writeConfig(dir, feeds, 'storage: { path: data/veille.db }');
  try {
    feeds.version = 1;
    feeds.changed = new Set();
    for (const [phase, args] of [
      ['first import', ['run', '--config', config]],
      ['steady (304s)', ['run', '--force', '--config', config]],
    ] as const) {
      if (phase !== 'first import') changeSome(feeds);
      resetHosts(feeds);
      const start = feeds.times.length;
      const ownAtStart = readCpu([], null, null);
      const reapedAtStart = processCpu(process.pid, true);
      // Not spawnSync: the feeds are served by this process's event loop.
      const child = spawnVeille([...args]);
      const timer = setTimeout(() => child.kill('SIGKILL'), PHASE_LIMIT_MS);
      const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
      clearTimeout(timer);
      const own = cpuSince(ownAtStart, readCpu([], null, null));
      // The child's CPU: this process's reaped children's time grew by it.
      const veilleCpu = processCpu(process.pid, true) - reapedAtStart;
      if (status !== 0) throw new Error(`bench:scale: veille ${args[0]} exited ${status}`);
      const times = feeds.times.slice(start);
      const seconds = times.length < 2 ? 0 : (times[times.length - 1]! - times[0]!) / 1000 + LATENCY / 1000;
      rows.push({
        backend: 'SQLite',
        workers: 1,
        phase,
        requests: times.length,
        rate: seconds === 0 ? 0 : times.length / seconds,
        ideal: ideal(1),
        maxPerHost: Math.max(...feeds.hosts.map((host) => host.maxInFlight)),
        cpu: { veille: veilleCpu, publisher: 0, postgres: 0, feeds: own.feeds },
        load: loadavg()[0]!,
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (!hasPostgres()) throw new Error('bench:scale: needs Debian\'s postgresql (apt-get install postgresql)');
  const feeds = await startFeeds();
  const cluster = await startPgCluster();
  const rows: Row[] = [];
  console.log(`bench:scale: ${FEEDS} feeds on ${HOSTS} hosts answering after ${LATENCY} ms; fetch.concurrency ${CONCURRENCY} per worker, ${PER_HOST} per host`);
  try {
    for (const workers of WORKERS) {
      const url = await cluster.createDatabase(`scale_${workers}_${Date.now() % 100_000}`);
      await benchPostgres(feeds, url, workers, rows, cluster.serverPid());
    }
    await benchSqlite(feeds, rows);
  } finally {
    cluster.stop();
    await feeds.close();
  }
  console.log(`CPU ms/fetch: the phase's CPU time (fetch workers + publisher + PostgreSQL + feed servers) per fetch; CPU ceiling/s: ${CORES} cores / that (the most this machine can do; other work on it takes its share: load is the 1-minute load average)`);
  console.log('backend     workers  phase          fetches  fetches/s  ideal/s  ratio  max per host  CPU ms/fetch (workers+publisher+pg+feeds)  CPU ceiling/s  ratio to min(ideal, ceiling)  load');
  for (const row of rows) {
    const perFetch = cpuPerFetch(row);
    const ceiling = perFetch === 0 ? Number.POSITIVE_INFINITY : (CORES * 1000) / perFetch;
    const parts = [row.cpu.veille, row.cpu.publisher, row.cpu.postgres, row.cpu.feeds].map((seconds) => ((seconds * 1000) / Math.max(1, row.requests)).toFixed(1)).join('+');
    console.log(
      `${row.backend.padEnd(11)} ${String(row.workers).padStart(7)}  ${row.phase.padEnd(13)} ${String(row.requests).padStart(8)} ${row.rate.toFixed(1).padStart(10)} ${row.ideal.toFixed(0).padStart(8)} ${(row.rate / row.ideal).toFixed(2).padStart(6)} ${String(row.maxPerHost).padStart(13)}  ${`${perFetch.toFixed(1)} (${parts})`.padStart(40)} ${ceiling.toFixed(0).padStart(14)} ${(row.rate / Math.min(row.ideal, ceiling)).toFixed(2).padStart(29)} ${row.load.toFixed(1).padStart(5)}`,
    );
  }
  for (const phase of ['first import', 'steady (304s)']) {
    const pgOne = rows.find((row) => row.backend === 'PostgreSQL' && row.workers === 1 && row.phase === phase);
    const sqlite = rows.find((row) => row.backend === 'SQLite' && row.phase === phase);
    if (pgOne && sqlite) console.log(`${phase}: PostgreSQL with one worker at ${(sqlite.rate / pgOne.rate).toFixed(2)}× the time of SQLite (target ≤ 1.5)`);
  }
  const over = rows.filter((row) => row.maxPerHost > PER_HOST);
  console.log(over.length === 0 ? `no host ever had more than ${PER_HOST} requests in flight` : `OVER THE PER-HOST LIMIT: ${over.map((row) => `${row.backend} ${row.workers} ${row.phase}: ${row.maxPerHost}`).join('; ')}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
