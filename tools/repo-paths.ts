// Where the developer tools find the repository's files. They run from tools/ (under vitest) and
// from build/tools/ (compiled by `npm run build:tools`), so the root is found, not counted in `../`.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nearest folder above this module that holds package.json: the repository's root. */
function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`tools: no package.json above ${start}`);
  }
}

export const REPO_ROOT = findRepoRoot(dirname(fileURLToPath(import.meta.url)));

/** The shipped theme taxonomy and configuration. */
export const THEMES_FILE = join(REPO_ROOT, 'config', 'themes.yaml');
export const CONFIG_FILE = join(REPO_ROOT, 'config', 'veille.yaml');

/** The sample feeds `npm run demo` serves, and the folder it writes into. */
export const DEMO_FEEDS_DIR = join(REPO_ROOT, 'demo', 'feeds');
export const DEMO_OUTPUT_DIR = join(REPO_ROOT, 'demo-output');

/** Test fixtures the tools read at run time (they are tools, not shipped; see each folder's README). */
export const AI_NEWS_ITEMS_FILE = join(REPO_ROOT, 'tests', 'fixtures', 'ai-news', 'items.jsonl');
export const FEEDPARSER_SUITE_DATA_DIR = join(REPO_ROOT, 'tests', 'fixtures', 'security');
