// Where a cycle's memory goes (issue 15): the first cycle of the bench:peers feeds (200 feeds,
// 17,713 items, served on 127.0.0.1 by peer-server.ts) run in this process on the worker's thread
// pool, with the main thread's memory (process.memoryUsage) and CPU printed at each phase the
// cycle logs (imports, config, store open, every 50 sources, grouping, publish) and the process's
// peak RSS so far. The processing thread's heap is inside RSS but not in the heap columns.
// Usage: npm run build && npm run build:tools &&
//   MALLOC_ARENA_MAX=2 node --max-semi-space-size=4 build/tools/bench/cycle-memory.js [--feeds N]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openApp } from '../../src/app/app.js';
import { runOneCycle } from '../../src/app/cycle.js';
import type { Logger } from '../../src/domain/ports.js';
import { createFeedProcessor } from '../../src/worker/process-pool.js';
import { writeBenchConfig } from './bench-config.js';

const MB = 1024 * 1024;
const started = performance.now();
const { values } = parseArgs({ options: { feeds: { type: 'string', default: '200' } } });
const FEEDS = Number(values.feeds);

function sample(phase: string): void {
  const memory = process.memoryUsage();
  const usage = process.resourceUsage();
  const cells = [
    ((performance.now() - started) / 1000).toFixed(2),
    phase,
    Math.round(memory.rss / MB),
    `${Math.round(memory.heapUsed / MB)} / ${Math.round(memory.heapTotal / MB)}`,
    Math.round(memory.external / MB),
    Math.round((usage.maxRSS * 1024) / MB),
    ((usage.userCPUTime + usage.systemCPUTime) / 1e6).toFixed(2),
  ];
  process.stdout.write(`| ${cells.join(' | ')} |\n`);
}

process.stdout.write('| s | phase | RSS MB | heap used / total MB | external MB | peak RSS MB | CPU s |\n|---|---|---|---|---|---|---|\n');
sample('modules imported');
const server = spawn(process.execPath, [fileURLToPath(new URL('./peer-server.js', import.meta.url)), String(FEEDS)], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const port = await new Promise<number>((resolve, reject) => {
  server.once('exit', (code) => reject(new Error(`cycle-memory: the feed server exited with ${code}`)));
  createInterface({ input: server.stdout }).on('line', (line) => {
    const match = /^ready (\d+)$/.exec(line);
    if (match) resolve(Number(match[1]));
  });
});
const dir = mkdtempSync(join(tmpdir(), 'veille-cycle-memory-'));
try {
  const urls = Array.from({ length: FEEDS }, (_, index) => `http://127.0.0.1:${port}/feeds/${index}.xml`);
  const config = writeBenchConfig(dir, urls, 'fetch: { concurrency: 16, perHostConcurrency: 16, perHostDelayMs: 0 }\n');
  sample('config loaded');
  let done = 0;
  const logger: Logger = {
    debug: () => undefined,
    info: (_fields, message) => {
      if (message !== 'source done') sample(message);
      else if ((done += 1) % 50 === 0) sample(`${done} sources done`);
    },
    warn: (_fields, message) => sample(`warning: ${message}`),
    error: (_fields, message) => sample(`error: ${message}`),
  };
  const app = openApp(config, { command: 'run', clock: { now: () => new Date(Date.UTC(2026, 11, 7, 8)) }, env: process.env, logger });
  sample('store open, taxonomy loaded');
  try {
    const summary = await runOneCycle(app, { processors: createFeedProcessor });
    sample(`cycle done: ${summary.newItems} new items`);
  } finally {
    app.close();
  }
} finally {
  server.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
