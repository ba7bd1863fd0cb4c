// rss-parser is imported in one adapter file (STYLE.md, "Boundaries convert"): the code and the
// developer tools alike reach it through src/parse/rss-parser-adapter.ts, never directly.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ADAPTER = 'src/parse/rss-parser-adapter.ts';
/** `import … from 'rss-parser'`, `import('rss-parser')` or `require('rss-parser')`, any quote. */
const IMPORTS_RSS_PARSER = /(?:from\s*|import\s*\(\s*|require\s*\(\s*)['"]rss-parser['"]/;

function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

describe('rss-parser boundary', () => {
  const files = [...typeScriptFiles(join(ROOT, 'src')), ...typeScriptFiles(join(ROOT, 'tools'))];

  it('finds the adapter importing rss-parser (the check can see an import)', () => {
    expect(IMPORTS_RSS_PARSER.test(readFileSync(join(ROOT, ADAPTER), 'utf8'))).toBe(true);
  });

  it('finds no other file of src/ or tools/ importing it', () => {
    const importers = files.filter((file) => IMPORTS_RSS_PARSER.test(readFileSync(join(ROOT, file), 'utf8')));
    expect(importers).toEqual([ADAPTER]);
  });
});
