// `node build/tools/bench/group-memory.js --prepare DIR` stores a first import of bench:peers' 200
// feeds (17,680 items, tagged, not grouped) in DIR/veille.db; `node [flags] build/tools/bench/group-memory.js
// DIR` then groups a copy of it alone in this process and prints the peak resident memory it added and
// what V8's heap committed at most (issue 15: a first cycle's peak RSS was at grouping). Run it with the
// bin's node flags and --trace-gc to see the heap's height.
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { groupStoredStories } from '../../src/app/group-stored-stories.js';
import { tagProcessedItems } from '../../src/app/pipeline.js';
import { processFeed } from '../../src/app/process-feed.js';
import { Store } from '../../src/store/store.js';
import { createTagger } from '../../src/tag/tagger.js';
import { loadTaxonomy } from '../../src/tag/taxonomy.js';
import { writeBenchConfig } from './bench-config.js';
import { expandFeeds, readPeerFeeds } from './peer-feeds.js';

const FEEDS = 200;
const FETCHED_AT = '2026-12-07T08:00:00.000Z';
const MB = 1024 * 1024;
const prepare = process.argv[2] === '--prepare';
const dir = process.argv[prepare ? 3 : 2];
if (dir === undefined) throw new Error('group-memory: usage: group-memory.js [--prepare] DIR');

const hwm = (): number => Number(/^VmHWM:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) * 1024;

if (prepare) {
  const texts = expandFeeds(readPeerFeeds(), FEEDS);
  const urls = texts.map((_, index) => `http://127.0.0.1:1/feeds/${index}.xml`);
  const config = writeBenchConfig(dir, urls);
  const tagger = createTagger(loadTaxonomy(config.themesFile), { languages: ['fr', 'en'] });
  const store = Store.open(config.storagePath);
  try {
    const sources = store.syncSources(urls.map((url) => ({ url, name: null, lang: null })), FETCHED_AT);
    for (const [index, text] of texts.entries()) {
      const url = urls[index] ?? '';
      const feed = await processFeed({ text, contentType: 'application/rss+xml', url, sourceKey: url, sourceLang: null, languages: ['fr', 'en'], fetchedAt: FETCHED_AT });
      store.saveItems((sources[index] as { id: number }).id, tagProcessedItems(feed.items, tagger, url), FETCHED_AT);
    }
  } finally {
    store.close();
  }
} else {
  const scratch = mkdtempSync(join(tmpdir(), 'veille-group-memory-'));
  try {
    copyFileSync(join(dir, 'veille.db'), join(scratch, 'veille.db'));
    const store = Store.open(join(scratch, 'veille.db'));
    try {
      const before = process.memoryUsage().rss;
      const cpu = process.cpuUsage();
      const summary = groupStoredStories(store, new Date(FETCHED_AT));
      const used = process.cpuUsage(cpu);
      const heap = getHeapStatistics();
      process.stdout.write(
        `grouped ${summary.grouped} joined ${summary.joined}: RSS before ${(before / MB).toFixed(1)} MB, peak ${(hwm() / MB).toFixed(1)} MB ` +
          `(+${((hwm() - before) / MB).toFixed(1)}), heap committed now ${(heap.total_heap_size / MB).toFixed(1)} MB, ` +
          `malloced peak ${(heap.peak_malloced_memory / MB).toFixed(1)} MB, CPU ${((used.user + used.system) / 1000).toFixed(0)} ms\n`,
      );
    } finally {
      store.close();
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
