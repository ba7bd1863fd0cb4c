// Where a cycle's CPU goes: each stage of the pipeline alone, one after the other on one core, on
// the same 10,000 items as the pipeline bench (200 feeds x 50), in a fresh process as a cycle runs,
// against rss-parser's own parse of the same bytes in that process. The sum is a floor under a
// cycle's CPU time: the cycle also fetches, moves items between threads and collects more garbage.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../src/store/store.js';
import { createTagger } from '../../src/tag/tagger.js';
import { loadTaxonomy } from '../../src/tag/taxonomy.js';
import { groupStoredStories } from '../../src/app/group-stored-stories.js';
import { tagProcessedItems } from '../../src/app/pipeline.js';
import { processFeed, type ProcessedFeed } from '../../src/app/process-feed.js';
import { createBareRssParser } from '../../src/parse/rss-parser-adapter.js';
import { publishFromStore } from '../../src/app/publish.js';
import { benchFeedUrl, writeBenchConfig } from './bench-config.js';
import { syntheticFeed } from './synthetic-feeds.js';

const FEEDS = 200;
const ITEMS = 50;

type Stage = 'bare' | 'process' | 'tag' | 'store' | 'group' | 'publish' | 'checkpoint';

/** Seconds per stage. */
export type StageSeconds = Record<Stage, number>;

const LABELS: Readonly<Record<Stage, string>> = {
  bare: 'rss-parser parseString alone (the baseline)',
  process: 'parse, clean, language, signatures (processing thread)',
  tag: 'tag',
  store: 'store (SQLite writes, one transaction a feed)',
  group: 'group into stories',
  publish: 'publish the feeds and the page',
  checkpoint: 'checkpoint the write-ahead log',
};

/** One pass of every stage over the 10,000 items, in a fresh store; seconds per stage. */
export async function measureStages(): Promise<StageSeconds> {
  const texts = Array.from({ length: FEEDS }, (_, index) => syntheticFeed(index, ITEMS));
  const dir = mkdtempSync(join(tmpdir(), 'veille-stages-'));
  const seconds = {} as StageSeconds;
  const timed = async <T>(stage: Stage, run: () => T | Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await run();
    seconds[stage] = (performance.now() - started) / 1000;
    return result;
  };
  try {
    // Never fetched: the items come from the texts.
    const urls = texts.map((_, index) => benchFeedUrl(index, 50, 1));
    const config = writeBenchConfig(dir, urls);
    const taxonomy = loadTaxonomy(config.themesFile);
    const tagger = createTagger(taxonomy, { languages: ['fr', 'en'] });
    const fetchedAt = new Date().toISOString();

    const parse = createBareRssParser();
    await timed('bare', async () => {
      for (const text of texts) await parse(text);
    });
    const feeds = await timed('process', async () => {
      const processed: ProcessedFeed[] = [];
      for (const [index, text] of texts.entries()) {
        const url = urls[index] ?? '';
        processed.push(await processFeed({ text, contentType: 'application/rss+xml', url, sourceKey: url, sourceLang: null, languages: ['fr', 'en'], fetchedAt }));
      }
      return processed;
    });
    const tagged = await timed('tag', () =>
      feeds.map((feed, index) =>
        tagProcessedItems(feed.items, tagger, urls[index] ?? ''),
      ),
    );
    const store = Store.open(config.storagePath);
    try {
      const sources = store.syncSources(urls.map((url) => ({ url, name: null, lang: null })), fetchedAt);
      await timed('store', () => sources.forEach((source, index) => store.saveItems(source.id, tagged[index] ?? [], fetchedAt)));
      await timed('group', () => groupStoredStories(store, new Date()));
      await timed('publish', () => publishFromStore({ config, store, taxonomy, builtAt: new Date() }));
      await timed('checkpoint', () => store.checkpoint());
    } finally {
      store.close();
    }
    return seconds;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The median of each stage over `rounds` (each from measureStages in a fresh process). */
export function printStageBench(rounds: readonly StageSeconds[]): void {
  const seconds = (stage: Stage): number => {
    const sorted = rounds.map((round) => round[stage]).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  };
  const bare = seconds('bare');
  console.log('');
  console.log(`stages: each stage alone on the pipeline bench's ${FEEDS * ITEMS} items, one after the other on one core, in a fresh process`);
  console.log(`  (median of ${rounds.length} rounds)                                      time   x bare parse`);
  let sum = 0;
  for (const stage of Object.keys(LABELS) as Stage[]) {
    if (stage !== 'bare') sum += seconds(stage);
    console.log(`  ${LABELS[stage].padEnd(55)} ${`${seconds(stage).toFixed(2)} s`.padStart(7)}   ${(seconds(stage) / bare).toFixed(2)}x`);
  }
  console.log(`  all stages but the baseline                             ${`${sum.toFixed(2)} s`.padStart(7)}   ${(sum / bare).toFixed(2)}x`);
  console.log(`  on 2 cores, perfectly overlapped and with nothing else to do, a cycle would still take ${(sum / 2 / bare).toFixed(2)}x the bare parse`);
}
