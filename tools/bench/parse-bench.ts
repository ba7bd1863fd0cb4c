// `node build/tools/bench/parse-bench.js [ROUNDS]`: the parse stage alone on the 34 real AI-news feeds
// of `bench:peers` (fixtures/ai-news): veille's parser (src/parse/xml-feed.ts) against rss-parser
// through its adapter, the parser it replaced, the same parseFeed around both. Rounds alternate
// the two; each round parses every feed once. Per round: CPU ms, and MB allocated (V8's sampling
// heap profiler, objects that died young included: an estimate, to within a sample's 8 KB).

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import { decodeFeedBytes } from '../../src/fetch/charset.js';
import { parseFeed, type XmlFeedParser } from '../../src/parse/parse-feed.js';
import { parseXmlFeed } from '../../src/parse/xml-feed.js';
import { parseXmlFeed as parseWithRssParser } from '../../src/parse/rss-parser-adapter.js';
import { PEER_FEEDS_DIR } from './peer-feeds.js';

interface SamplingNode {
  readonly selfSize: number;
  readonly children: readonly SamplingNode[];
}

const PARSERS: readonly (readonly [string, XmlFeedParser])[] = [
  ['rss-parser (before)', parseWithRssParser],
  ['veille xml-feed', parseXmlFeed],
];

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

function totalSize(node: SamplingNode): number {
  return node.children.reduce((sum, child) => sum + totalSize(child), node.selfSize);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

async function parseAll(texts: readonly string[], parser: XmlFeedParser): Promise<number> {
  let items = 0;
  for (const text of texts) items += (await parseFeed(text, { contentType: null, url: 'https://example.org/feed.xml' }, parser)).items.length;
  return items;
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 15);
  const files = readdirSync(PEER_FEEDS_DIR).filter((name) => name.endsWith('.xml'));
  const texts = files.map((name) => decodeFeedBytes(new Uint8Array(readFileSync(join(PEER_FEEDS_DIR, name))), null).text);
  const bytes = texts.reduce((sum, text) => sum + Buffer.byteLength(text), 0);
  for (const [, parser] of PARSERS) for (let warm = 0; warm < 3; warm += 1) await parseAll(texts, parser);

  const cpu = PARSERS.map((): number[] => []);
  const allocated = PARSERS.map((): number[] => []);
  const items = PARSERS.map(() => 0);
  for (let round = 0; round < rounds; round += 1) {
    for (const [index, [, parser]] of PARSERS.entries()) {
      const start = cpuMs();
      items[index] = await parseAll(texts, parser);
      cpu[index]?.push(cpuMs() - start);
    }
  }
  const session = new Session();
  session.connect();
  for (const [index, [, parser]] of PARSERS.entries()) {
    for (let round = 0; round < 3; round += 1) {
      await session.post('HeapProfiler.startSampling', {
        samplingInterval: 8192,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
      await parseAll(texts, parser);
      const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: { head: SamplingNode } };
      allocated[index]?.push(totalSize(profile.head) / 1e6);
    }
  }
  session.disconnect();

  process.stdout.write(`parse-bench: ${files.length} feeds, ${(bytes / 1e6).toFixed(2)} MB, ${rounds} interleaved rounds (median per round)\n`);
  for (const [index, [name]] of PARSERS.entries()) {
    process.stdout.write(
      `  ${name.padEnd(20)} ${median(cpu[index] ?? []).toFixed(1).padStart(7)} ms CPU  ${median(allocated[index] ?? []).toFixed(1).padStart(6)} MB allocated  ${items[index]} items\n`,
    );
  }
}

await main();
