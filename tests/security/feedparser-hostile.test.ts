// Issue 7, ill-formed input never crashes: feedparser's ill-formed, encoding and entity cases
// (BSD-2-Clause, copied byte for byte in tests/fixtures/security/feedparser) go through the stages
// a cycle runs after the fetch: decodeFeedBytes → parseFeed → normalizeFeed → every renderer. Each
// either gives items or fails with a VeilleError that has a code; nothing else may be thrown.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, isVeilleError } from '../../src/domain/errors.js';
import { decodeFeedBytes } from '../../src/fetch/charset.js';
import { runPipeline } from './pipeline.js';
import { surfaceViolations } from './surface-check.js';

const ROOT = fileURLToPath(new URL('../fixtures/security/feedparser/', import.meta.url));
const CONTENT_TYPES = JSON.parse(readFileSync(join(ROOT, 'content-types.json'), 'utf8')) as Record<string, string>;

function listFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? listFiles(path) : [path];
    });
}

const CASES = ['illformed', 'encoding', 'entities'].flatMap((suite) =>
  listFiles(join(ROOT, suite)).map((path) => ({ suite, file: relative(ROOT, path), path })),
);

type Outcome = { kind: 'items'; count: number } | { kind: 'error'; code: string };

async function run(path: string, file: string): Promise<Outcome> {
  const contentType = CONTENT_TYPES[file] ?? null;
  const { text } = decodeFeedBytes(new Uint8Array(readFileSync(path)), contentType);
  try {
    const result = await runPipeline(text, contentType, `http://127.0.0.1:8097/tests/${file}`);
    for (const surface of result.surfaces) expect(surfaceViolations(surface), surface.name).toEqual([]);
    return { kind: 'items', count: result.items.length };
  } catch (error) {
    if (isVeilleError(error)) return { kind: 'error', code: error.code };
    throw error; // a crash: the test fails with the real stack
  }
}

describe('feedparser ill-formed, encoding and entity cases never crash', () => {
  it('has the 357 cases (19 ill-formed, 82 encoding, 256 entities)', () => {
    expect(CASES.filter((c) => c.suite === 'illformed')).toHaveLength(19);
    expect(CASES.filter((c) => c.suite === 'encoding')).toHaveLength(82);
    expect(CASES.filter((c) => c.suite === 'entities')).toHaveLength(256);
  });

  it.each(CASES)('$file', async ({ path, file }) => {
    const outcome = await run(path, file);
    if (outcome.kind === 'error') expect(ERROR_CODES).toContain(outcome.code);
    else expect(outcome.count).toBeGreaterThanOrEqual(0);
  });

  it('most of them still give items (veille is lenient, like feedparser)', async () => {
    const outcomes = await Promise.all(CASES.map(({ path, file }) => run(path, file)));
    const parsed = outcomes.filter((o) => o.kind === 'items').length;
    expect(parsed / CASES.length).toBeGreaterThan(0.9);
  });
});
