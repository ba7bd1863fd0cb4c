// `node build/tools/bench/tag-group-bench.js [--rounds N]`: the main thread's own stages of a first
// import (tag, group, publish) alone, on bench:peers' 200 feeds (17,680 real items), so that a change
// to one of them shows in figures a whole cycle's noise would drown (issue 15). The feeds are processed
// and saved untimed; each stage then prints its CPU time and the time V8's collector took in it.
// Tagging is timed cold (a fresh tagger, as a first cycle runs it) then warm; with node --expose-gc,
// the heap it leaves in use is printed too.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { groupStoredStories } from '../../src/app/group-stored-stories.js';
import { tagProcessedItems } from '../../src/app/pipeline.js';
import { processFeed, type ProcessedFeed } from '../../src/app/process-feed.js';
import { publishFromStore } from '../../src/app/publish.js';
import { Store } from '../../src/store/store.js';
import { createTagger } from '../../src/tag/tagger.js';
import { loadTaxonomy } from '../../src/tag/taxonomy.js';
import { writeBenchConfig } from './bench-config.js';
import { expandFeeds, readPeerFeeds } from './peer-feeds.js';

const FEEDS = 200;

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' } } });
const ROUNDS = Number(values.rounds);

let gcMs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration;
}).observe({ entryTypes: ['gc'] });

/** CPU and collector milliseconds of `run` (the collector's as its observer reports them, a tick late). */
async function measure<T>(run: () => T | Promise<T>): Promise<{ result: T; cpuMs: number; gcMs: number }> {
  await new Promise((resolve) => setImmediate(resolve));
  const gcBefore = gcMs;
  const before = process.cpuUsage();
  const result = await run();
  const used = process.cpuUsage(before);
  await new Promise((resolve) => setImmediate(resolve));
  return { result, cpuMs: (used.user + used.system) / 1000, gcMs: gcMs - gcBefore };
}

const line = (label: string, m: { cpuMs: number; gcMs: number }): void => {
  process.stdout.write(`${label.padEnd(14)} ${m.cpuMs.toFixed(0).padStart(6)} ms CPU ${m.gcMs.toFixed(0).padStart(5)} ms GC\n`);
};

const dir = mkdtempSync(join(tmpdir(), 'veille-tag-group-'));
try {
  const texts = expandFeeds(readPeerFeeds(), FEEDS);
  const urls = texts.map((_, index) => `http://127.0.0.1:1/feeds/${index}.xml`);
  const config = writeBenchConfig(dir, urls);
  const fetchedAt = '2026-12-07T08:00:00.000Z';
  const feeds: ProcessedFeed[] = [];
  for (const [index, text] of texts.entries()) {
    const url = urls[index] ?? '';
    feeds.push(await processFeed({ text, contentType: 'application/rss+xml', url, sourceKey: url, sourceLang: null, languages: ['fr', 'en'], fetchedAt }));
  }
  const taxonomy = loadTaxonomy(config.themesFile);
  const tagger = createTagger(taxonomy, { languages: ['fr', 'en'] });
  const tagAll = () => feeds.map((feed, index) => tagProcessedItems(feed.items, tagger, urls[index] ?? ''));
  const cold = await measure(tagAll);
  line('tag, cold', cold);
  // With node --expose-gc: what tagging keeps (its word infos and caches, and the tagged items).
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect !== undefined) {
    collect();
    process.stdout.write(`heap after    ${(process.memoryUsage().heapUsed / 1048576).toFixed(1).padStart(6)} MB used\n`);
  }
  for (let round = 0; round < ROUNDS; round++) {
    collect?.();
    const before = process.memoryUsage().heapUsed;
    const warm = await measure(tagAll);
    line('tag, warm', warm);
    // What a warm round allocated, with a young generation that no round fills (node --expose-gc
    // --min-semi-space-size=256 --max-semi-space-size=256): otherwise a collection in the round makes the figure smaller.
    if (collect !== undefined) {
      process.stdout.write(`heap grew     ${((process.memoryUsage().heapUsed - before) / 1048576).toFixed(1).padStart(6)} MB\n`);
    }
  }
  const store = Store.open(config.storagePath);
  try {
    const sources = store.syncSources(urls.map((url) => ({ url, name: null, lang: null })), fetchedAt);
    sources.forEach((source, index) => store.saveItems(source.id, cold.result[index] ?? [], fetchedAt));
    feeds.length = 0;
    line('group', await measure(() => groupStoredStories(store, new Date(fetchedAt))));
    for (let round = 0; round < ROUNDS; round++) {
      line('publish', await measure(() => publishFromStore({ config, store, taxonomy, builtAt: new Date(fetchedAt) })));
    }
  } finally {
    store.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
