// `node build/tools/bench/parse-compare.js [DIR…]`: every feed file under the folders (default: the
// repository's tests/fixtures and the bench's real feeds) parsed twice, by veille's parser
// (src/parse/xml-feed.ts) and by rss-parser through its adapter, the parser it replaced; the two
// ParsedFeed objects, or the two errors, compared field by field. Exit 1 when any differs.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { decodeFeedBytes } from '../../src/fetch/charset.js';
import { parseFeed } from '../../src/parse/parse-feed.js';
import { parseXmlFeed as parseWithRssParser } from '../../src/parse/rss-parser-adapter.js';
import { describeError, isVeilleError } from '../../src/domain/errors.js';
import { REPO_ROOT } from '../repo-paths.js';

const FEED_FILE = /\.(xml|atom|rss|rdf)$/i;

export type Outcome = { readonly feed: unknown } | { readonly error: string };

/** Both parses of one file's bytes; `differences` lists the paths where they part, empty when equal. */
export async function compareParsers(bytes: Uint8Array, url: string): Promise<{ now: Outcome; before: Outcome; differences: string[] }> {
  const { text } = decodeFeedBytes(bytes, null);
  const run = async (before: boolean): Promise<Outcome> => {
    try {
      return { feed: await (before ? parseFeed(text, { contentType: null, url }, parseWithRssParser) : parseFeed(text, { contentType: null, url })) };
    } catch (error) {
      return { error: isVeilleError(error) ? `${error.code}: ${error.message}` : `crash: ${describeError(error)}` };
    }
  };
  const now = await run(false);
  const before = await run(true);
  return { now, before, differences: differencesOf(now, before, '') };
}

function differencesOf(a: unknown, b: unknown, path: string): string[] {
  if (isDeepStrictEqual(a, b)) return [];
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) {
    return [`${path || '.'}: ${JSON.stringify(a)?.slice(0, 160)} ≠ ${JSON.stringify(b)?.slice(0, 160)} (before)`];
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap((key) => differencesOf((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`));
}

function feedFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return feedFiles(path);
    return FEED_FILE.test(name) ? [path] : [];
  });
}

async function main(): Promise<void> {
  const dirs = process.argv.length > 2 ? process.argv.slice(2) : [join(REPO_ROOT, 'tests', 'fixtures'), join(REPO_ROOT, 'tools', 'bench', 'fixtures')];
  let files = 0;
  let feeds = 0;
  let errors = 0;
  let differing = 0;
  for (const file of dirs.flatMap(feedFiles)) {
    files += 1;
    const { now, differences } = await compareParsers(new Uint8Array(readFileSync(file)), 'https://example.org/feed.xml');
    if ('feed' in now) feeds += 1;
    else errors += 1;
    if (differences.length === 0) continue;
    differing += 1;
    process.stdout.write(`${relative(REPO_ROOT, file)}\n${differences.map((line) => `  ${line}\n`).join('')}`);
  }
  process.stdout.write(`parse-compare: ${files} files (${feeds} parsed, ${errors} refused): ${differing} differ from rss-parser's parse\n`);
  process.exitCode = differing === 0 ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
