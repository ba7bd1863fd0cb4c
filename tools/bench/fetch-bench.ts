// `npm run bench`, fetch section: 500 feeds on 50 loopback hosts (127.0.0.2–51) answering after
// 100 ms, with the default politeness (16 at once, 2 per host, 250 ms between starts on a host).
//   first cycle: wall time against the ideal the limits allow (target: within 1.5x);
//   second cycle, every source forced due, all answering 304: wall time and feed bytes received
//   (targets: no feed body, under 20% of the first cycle).
import { createFeedProcessor } from '../../src/worker/process-pool.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeApp, configureApp } from '../../src/app/app.js';
import { runOneCycle, type CycleSummary } from '../../src/app/cycle.js';
import { silentLogger } from '../../src/domain/ports.js';
import { Store } from '../../src/store/store.js';
import { loadTaxonomy } from '../../src/tag/taxonomy.js';
import { benchFeedUrl, writeBenchConfig, spawnFeedServer } from './bench-config.js';

const FEEDS = 500;
const HOSTS = 50;
const ITEMS = 10;
const LATENCY_MS = 100;

export interface FetchBenchFigures {
  readonly firstSeconds: number;
  readonly idealSeconds: number;
  readonly firstBytes: number;
  readonly secondSeconds: number;
  readonly secondBytes: number;
  readonly secondNotModified: number;
}

/** Runs the two cycles and prints the figures; returns them for whoever wants to check targets. */
export async function runFetchBench(): Promise<FetchBenchFigures> {
  const server = await spawnFeedServer(FEEDS, ITEMS, HOSTS, LATENCY_MS);
  const dir = mkdtempSync(join(tmpdir(), 'veille-fetch-bench-'));
  try {
    // The politeness defaults of the schema: nothing under fetch: is set.
    const config = writeBenchConfig(dir, Array.from({ length: FEEDS }, (_, index) => benchFeedUrl(index, HOSTS, server.port)));
    const limits = config.fetch;
    const store = Store.open(config.storagePath);
    const taxonomy = loadTaxonomy(config.themesFile);
    const app = composeApp(configureApp(config, { clock: { now: () => new Date() }, env: {}, logger: silentLogger }), { store, taxonomy });
    const cycle = async (): Promise<{ seconds: number; cpuSeconds: number; bytes: number; summary: CycleSummary }> => {
      let bytes = 0;
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      const summary = await runOneCycle(app, {
        force: true,
        processors: createFeedProcessor,
        onProgress: (event) => {
          if (event.result.kind === 'ok' || event.result.kind === 'not-modified') bytes += event.result.bytes;
        },
      });
      if (summary.failed > 0) throw new Error(`bench: ${summary.failed} sources failed (${summary.failures[0]?.message ?? ''})`);
      const cpu = process.cpuUsage(cpuBefore);
      return { seconds: (performance.now() - started) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6, bytes, summary };
    };
    const first = await cycle();
    const second = await cycle();
    store.close();

    // The limits allow min(global, hosts × per host) requests at once; the per-host delay alone
    // needs (requests per host − 1) × delay + latency. The larger of the two is the ideal.
    const concurrency = Math.min(limits.concurrency, HOSTS * limits.perHostConcurrency);
    const byConcurrency = (LATENCY_MS / 1000) * (FEEDS / concurrency);
    const byDelay = ((FEEDS / HOSTS - 1) * limits.perHostDelayMs + LATENCY_MS) / 1000;
    const ideal = Math.max(byConcurrency, byDelay);
    const figures: FetchBenchFigures = {
      firstSeconds: first.seconds,
      idealSeconds: ideal,
      firstBytes: first.bytes,
      secondSeconds: second.seconds,
      secondBytes: second.bytes,
      secondNotModified: second.summary.notModified,
    };

    console.log('');
    console.log(
      `fetch: ${FEEDS} feeds x ${ITEMS} items on ${HOSTS} loopback hosts, each answering after ${LATENCY_MS} ms (304s too); ` +
        `politeness defaults: ${limits.concurrency} at once, ${limits.perHostConcurrency} per host, ${limits.perHostDelayMs} ms between starts on a host`,
    );
    console.log(
      `ideal: max(${LATENCY_MS} ms x ${FEEDS} / min(${limits.concurrency}, ${HOSTS} x ${limits.perHostConcurrency}) = ${byConcurrency.toFixed(2)} s, ` +
        `(${FEEDS / HOSTS} - 1) x ${limits.perHostDelayMs} ms + ${LATENCY_MS} ms = ${byDelay.toFixed(2)} s) = ${ideal.toFixed(2)} s`,
    );
    console.log('');
    const cpu = (seconds: number): string => `${seconds.toFixed(2)} s`.padStart(8);
    console.log('  cycle                 wall time   CPU (all threads)   feed bytes received   ratio');
    console.log(
      `  ${`1st (${first.summary.fetched}/${FEEDS} fetched)`.padEnd(22)}${`${first.seconds.toFixed(2)} s`.padStart(9)}   ${cpu(first.cpuSeconds).padStart(17)}   ` +
        `${String(first.bytes).padStart(19)}   ${(first.seconds / ideal).toFixed(2)}x the ideal`,
    );
    console.log(
      `  2nd (${second.summary.notModified}/${FEEDS} were 304)  ${`${second.seconds.toFixed(2)} s`.padStart(9)}   ${cpu(second.cpuSeconds).padStart(17)}   ` +
        `${String(second.bytes).padStart(19)}   ` +
        `${((second.seconds / first.seconds) * 100).toFixed(0)}% of the 1st, ${(second.seconds / ideal).toFixed(2)}x the same ideal`,
    );
    console.log('  targets: 1st within 1.5x the ideal; 2nd receives no feed body and takes under 20% of the 1st');
    console.log(
      `  note: a 304 also waits ${LATENCY_MS} ms here, so the 2nd cycle has the same floor (${ideal.toFixed(2)} s) as the 1st under these limits`,
    );
    return figures;
  } finally {
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

