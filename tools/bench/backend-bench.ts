// `npm run bench:backends`: the same cycles on SQLite and on PostgreSQL (issue 20): a first import
// of 200 loopback feeds of 50 items, then a cycle where every feed answers 304 (run --force), each
// `veille run` in a fresh process, median of `rounds` interleaved rounds; prints the ratio
// PostgreSQL/SQLite. PostgreSQL is the database at VEILLE_BENCH_PG_URL (its password, if any, in
// PGPASSWORD), else a throwaway cluster of Debian's postgresql started for the run (pg-cluster.ts);
// each round takes a schema of its own there. Beside each wall time, the CPU time of `veille run`
// and (with the throwaway cluster) of PostgreSQL's server: medians, comparable on a busy machine.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresBridge } from '../../src/store/postgres-bridge.js';
import { REPO_ROOT, THEMES_FILE } from '../repo-paths.js';
import { benchFeedUrl, spawnFeedServer } from './bench-config.js';
import { hasPostgres, processCpu, startPgCluster, type PgCluster } from './pg-cluster.js';

const FEEDS = 200;
const ITEMS = 50;
const HOSTS = 50;
const VEILLE_BIN = join(REPO_ROOT, 'bin', 'veille.js');

interface Cycles {
  readonly importSeconds: number;
  readonly notModifiedSeconds: number;
  /** CPU seconds of `veille run` (all its threads) and of PostgreSQL's server (0 when not ours or SQLite). */
  readonly importCpu: { readonly veille: number; readonly server: number };
  readonly notModifiedCpu: { readonly veille: number; readonly server: number };
}

/** The server whose CPU time is counted: the throwaway cluster, when this bench started one. */
let countedServer: PgCluster | null = null;

/** One `veille run`: its wall time in seconds, and the CPU seconds it and PostgreSQL's server took. */
function timeRun(configFile: string, force: boolean): { seconds: number; cpu: { veille: number; server: number } } {
  const reapedAtStart = processCpu(process.pid, true);
  const serverAtStart = countedServer?.serverCpuSeconds() ?? 0;
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--max-semi-space-size=4', VEILLE_BIN, 'run', '--config', configFile, '--log-format', 'json', ...(force ? ['--force'] : [])], {
    encoding: 'utf8',
    env: { ...process.env, MALLOC_ARENA_MAX: '2' },
    timeout: 600_000,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`bench: veille run exited with ${result.status}: ${result.stderr.slice(-2000)}`);
  // The ended child's CPU is added to this process's reaped children's; the server's backend ended with the run.
  return { seconds, cpu: { veille: processCpu(process.pid, true) - reapedAtStart, server: (countedServer?.serverCpuSeconds() ?? 0) - serverAtStart } };
}

/** The bench config (bench-config.ts's, with this storage), its cycles timed. */
function runCycles(urls: readonly string[], storageYaml: string): Cycles {
  const dir = mkdtempSync(join(tmpdir(), 'veille-backend-bench-'));
  try {
    const file = join(dir, 'veille.yaml');
    writeFileSync(
      file,
      `sources:\n${urls.map((url) => `  - { url: "${url}" }`).join('\n')}\nthemes: ${JSON.stringify(THEMES_FILE)}\n` +
        `${storageYaml}\npublish: { dir: public, maxItems: 100 }\nfullText: { maxPerCycle: 0 }\nlog: { level: warn }\n`,
    );
    const first = timeRun(file, false);
    const again = timeRun(file, true);
    return { importSeconds: first.seconds, notModifiedSeconds: again.seconds, importCpu: first.cpu, notModifiedCpu: again.cpu };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function main(): Promise<void> {
  let pgUrl = process.env.VEILLE_BENCH_PG_URL ?? '';
  let cluster: PgCluster | null = null;
  if (pgUrl === '') {
    if (!hasPostgres()) {
      process.stderr.write('bench: set VEILLE_BENCH_PG_URL to a PostgreSQL database (postgres://user@host:port/database), or install Debian\'s postgresql\n');
      process.exitCode = 2;
      return;
    }
    cluster = await startPgCluster();
    countedServer = cluster;
    pgUrl = await cluster.createDatabase('bench_backends');
  }
  const rounds = Number(process.argv[2] ?? '3');
  const server = await spawnFeedServer(FEEDS, ITEMS, HOSTS, 0);
  const urls = Array.from({ length: FEEDS }, (_, index) => benchFeedUrl(index, HOSTS, server.port));
  const sqlite: Cycles[] = [];
  const postgres: Cycles[] = [];
  try {
    for (let round = 0; round < rounds; round += 1) {
      sqlite.push(runCycles(urls, 'storage: { path: veille.db }'));
      const schema = `bench_${process.pid}_${round}`;
      const bridge = new PostgresBridge({ url: pgUrl, password: process.env.PGPASSWORD ?? null, schema, timeoutMs: 30_000 });
      bridge.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
      bridge.close();
      const url = `${pgUrl}${pgUrl.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
      postgres.push(runCycles(urls, `storage: { url: ${JSON.stringify(url)} }`));
    }
  } finally {
    server.stop();
    cluster?.stop();
  }
  const figure = (cycles: Cycles[], key: 'importSeconds' | 'notModifiedSeconds') => median(cycles.map((cycle) => cycle[key]));
  const cpu = (cycles: Cycles[], key: 'importCpu' | 'notModifiedCpu'): string => {
    const veille = median(cycles.map((cycle) => cycle[key].veille));
    const server = median(cycles.map((cycle) => cycle[key].server));
    return server === 0 ? `${veille.toFixed(2)} s CPU` : `${(veille + server).toFixed(2)} s CPU (veille ${veille.toFixed(2)} + server ${server.toFixed(2)})`;
  };
  const lines = (['importSeconds', 'notModifiedSeconds'] as const).map((key) => {
    const lite = figure(sqlite, key);
    const pg = figure(postgres, key);
    const cpuKey = key === 'importSeconds' ? 'importCpu' : 'notModifiedCpu';
    const what = key === 'importSeconds' ? `first import (${FEEDS} feeds × ${ITEMS} items)` : `all-304 cycle (${FEEDS} feeds)`;
    return `${what}: SQLite ${lite.toFixed(2)} s, ${cpu(sqlite, cpuKey)}; PostgreSQL ${pg.toFixed(2)} s, ${cpu(postgres, cpuKey)}; ratio ${(pg / lite).toFixed(2)}`;
  });
  process.stdout.write(`veille run, median of ${rounds} rounds:\n${lines.join('\n')}\n`);
}

await main();
