// Full text (issue 16), measured: how many article pages a new item costs, on the real AI-news items
// served on loopback (each item's link a loopback page holding its text), over two cycles; and
// whether a labelled set has article text to measure the tagging F1 with and without it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeApp, configureApp } from '../../src/app/app.js';
import { runOneCycle } from '../../src/app/cycle.js';
import { silentLogger } from '../../src/domain/ports.js';
import { DEFAULT_READ_MORE_PATTERNS, isTeaser } from '../../src/extract/teaser.js';
import { Store } from '../../src/store/store.js';
import { loadTaxonomy } from '../../src/tag/taxonomy.js';
import { createFeedProcessor } from '../../src/worker/process-pool.js';
import { AI_NEWS_ITEMS_FILE, REPO_ROOT } from '../repo-paths.js';
import { writeBenchConfig } from './bench-config.js';

interface NewsItem {
  readonly title: string;
  readonly summary: string | null;
}

/** Items in the loopback feed: one in every few of items.jsonl, so that every source of it is in. */
const FEED_ITEMS = 200;
/** The default of fullText.teaserWords and fullText.maxPerCycle. */
const TEASER_WORDS = 80;

export async function runFullTextBench(): Promise<void> {
  const items = readItems(AI_NEWS_ITEMS_FILE);
  const teasers = items.filter((item) => isTeaser(item.summary ?? '', { minWords: TEASER_WORDS, readMore: DEFAULT_READ_MORE_PATTERNS })).length;
  console.log('');
  console.log(`full text: the real AI-news items (${items.length}, tests/fixtures/ai-news/items.jsonl)`);
  console.log(`  teasers under the default rule (< ${TEASER_WORDS} words or a "read more" ending): ${teasers} (${percent(teasers, items.length)})`);

  const stride = Math.max(1, Math.floor(items.length / FEED_ITEMS));
  const feedItems = items.filter((_item, index) => index % stride === 0).slice(0, FEED_ITEMS);
  const pageRequests: string[] = [];
  const server = createServer((request, response) => {
    const path = request.url ?? '/';
    if (path === '/feed.xml') {
      response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feedOf(feedItems, port));
    } else if (path === '/robots.txt') {
      response.writeHead(404).end();
    } else if (path.startsWith('/page/')) {
      pageRequests.push(path);
      const item = feedItems[Number(path.slice('/page/'.length))];
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(pageOf(item));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const dir = mkdtempSync(join(tmpdir(), 'veille-bench-fulltext-'));
  try {
    const config = writeBenchConfig(dir, [`http://127.0.0.1:${port}/feed.xml`],
      'fetch: { perHostDelayMs: 0, allowPrivateHosts: ["127.0.0.1"] }\nfullText: { maxPerCycle: 1000 }\nprocessing: { threads: 1 }\n');
    const store = Store.open(config.storagePath);
    let now = new Date('2026-12-07T08:00:00Z');
    const app = composeApp(configureApp(config, { clock: { now: () => now }, env: {}, logger: silentLogger }), { store, taxonomy: loadTaxonomy(config.themesFile) });
    const first = await runOneCycle(app, { force: true, processors: createFeedProcessor });
    const afterFirst = pageRequests.length;
    now = new Date(now.getTime() + 30 * 60_000);
    const second = await runOneCycle(app, { force: true, processors: createFeedProcessor });
    store.close();
    console.log(`  one loopback feed of ${feedItems.length} of them (one in ${stride}), each link a loopback page with its text (fullText: auto):`);
    console.log(`    cycle 1: ${first.newItems} new items, ${afterFirst} article fetches (${(afterFirst / Math.max(1, first.newItems)).toFixed(2)} per new item), ` +
      `${first.fullText.fetched} extracted, ${first.fullText.failed} failed`);
    console.log(`    cycle 2 (nothing new): ${second.newItems} new items, ${pageRequests.length - afterFirst} article fetches (target 0)`);
    console.log('    per cycle at most fullText.maxPerCycle pages (default 30); the rest wait for the next cycle');
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  printLabelledText();
}

/** Whether the labelled set carries article text: the F1 with and without it needs some. */
function printLabelledText(): void {
  const file = join(REPO_ROOT, 'tests', 'fixtures', 'ai-news', 'labels-dev.jsonl');
  const rows = readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
  const fields = [...new Set(rows.flatMap((row) => Object.keys(row)))].sort();
  const words = rows.map((row) => String(row.summary ?? '').split(/\s+/).filter((word) => word !== '').length).sort((a, b) => a - b);
  console.log(`  tagging F1 with and without full text: not measured; labels-dev.jsonl (${rows.length} items) has no article text:`);
  console.log(`    its fields are ${fields.join(', ')}; summaries: median ${words[Math.floor(words.length / 2)]} words, ` +
    `longest ${words.at(-1)}; its feeds carry no content:encoded; the article pages are on the web, which benches never reach`);
}

function readItems(file: string): NewsItem[] {
  return readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as NewsItem);
}

function feedOf(items: readonly NewsItem[], port: number): string {
  const entries = items.map((item, index) =>
    `<item><title>${escapeXml(item.title)}</title><link>http://127.0.0.1:${port}/page/${index}</link><guid isPermaLink="false">i${index}</guid>` +
      `<description>${escapeXml(item.summary ?? '')}</description></item>`).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>AI news</title><link>http://127.0.0.1:${port}/</link>` +
    `<language>en</language>\n${entries}\n</channel></rss>`;
}

/** An article page: the item's title, its summary and a few paragraphs, between a menu and a footer. */
function pageOf(item: NewsItem | undefined): string {
  const title = escapeXml(item?.title ?? 'Missing');
  const summary = escapeXml(item?.summary ?? '');
  const paragraph = `${summary} ${title}. The authors describe the method, the data and the limits of their results, and link to the code.`;
  return `<!doctype html><html lang="en"><head><title>${title}</title></head><body><nav><a href="/">Home</a> <a href="/about">About</a></nav>` +
    `<article><h1>${title}</h1><p>${paragraph}</p><p>${paragraph}</p><p>${paragraph}</p></article><footer>© AI news</footer></body></html>`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function percent(part: number, whole: number): string {
  return `${((100 * part) / Math.max(1, whole)).toFixed(1)} %`;
}
