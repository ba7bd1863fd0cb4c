// Child process of the bench:peers soak: the worker's cycles (`veille start` without its cron),
// one app kept open for the whole run, on a clock moved 25 hours per cycle, against the peer feed
// server, which adds a few items before each cycle after the first. Prints, after each cycle,
// "cycle <n> <rss bytes> <seconds> <new items> <CPU seconds>" (the process's, its threads' included);
// then "peak <maxRSS bytes>", "part <bytes> <name>" for each part of the resident memory at the
// end (Linux: /proc/self/smaps; soak-memory.ts) and of the main thread's V8 heap, and last
// "idle <seconds> <rss bytes>": the RSS after that long without a cycle, as between two scheduled
// cycles of `veille start`, where V8 shrinks its heaps once it sees little allocation (its memory
// reducer, after about 8 s); the cycles above run back to back and never leave it the time, so the
// worker's settle runs that memory-reducing collection itself (src/system/collect-garbage.ts).
// Usage: MALLOC_ARENA_MAX=2 node --max-semi-space-size=4 soak-cell.js CONFIG_FILE PORT CYCLES CHANGES
import { openApp } from '../../src/app/app.js';
import { runOneCycle } from '../../src/app/cycle.js';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/domain/ports.js';
import { tuneTiering } from '../../src/system/v8-tiering.js';
import { createFeedProcessor } from '../../src/worker/process-pool.js';
import { keepAcrossCycles } from '../../src/worker/worker.js';
import { residentParts } from './soak-memory.js';

// As bin/veille.js does before it loads the CLI.
tuneTiering();
const [configFile = '', port = '', cycles = '200', changes = '3'] = process.argv.slice(2);
const HOUR = 3_600_000;
const IDLE_SECONDS = 20;
let now = Date.UTC(2026, 11, 7, 8, 0, 0);
// The worker's pool, kept from one cycle to the next as `veille start` keeps it.
const threads = keepAcrossCycles(createFeedProcessor);
const app = openApp(loadConfig(configFile), { command: 'start', clock: { now: () => new Date(now) }, env: process.env, logger: silentLogger });
try {
  for (let cycle = 1; cycle <= Number(cycles); cycle += 1) {
    if (cycle > 1) {
      const control = await fetch(`http://127.0.0.1:${port}/control?add=${changes}&date=${new Date(now - HOUR).toISOString()}`, { method: 'POST' });
      await control.arrayBuffer();
    }
    const started = performance.now();
    const cpu = process.cpuUsage();
    const summary = await runOneCycle(app, { processors: threads.factory });
    // As the worker does after each cycle.
    await threads.settle();
    const seconds = (performance.now() - started) / 1000;
    const { user, system } = process.cpuUsage(cpu);
    process.stdout.write(`cycle ${cycle} ${process.memoryUsage().rss} ${seconds.toFixed(2)} ${summary.newItems} ${((user + system) / 1e6).toFixed(2)}\n`);
    now += 25 * HOUR;
  }
  process.stdout.write(`peak ${process.resourceUsage().maxRSS * 1024}\n`);
  for (const [name, bytes] of residentParts()) process.stdout.write(`part ${bytes} ${name}\n`);
  await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
  process.stdout.write(`idle ${IDLE_SECONDS} ${process.memoryUsage().rss}\n`);
} finally {
  await threads.close();
  app.close();
}
