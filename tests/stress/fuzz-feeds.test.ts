// Issue 7, property-based fuzzing: real feeds (RSS 2.0, Atom 1.0 and 0.3, RDF, JSON Feed, a French
// ISO-8859-1 feed) mutated at the byte and token level, 10,000 inputs, through the stages a cycle
// runs after the fetch: decodeFeedBytes → parseFeed → normalizeFeed → text → every renderer. Each
// input either gives items or fails with a VeilleError whose code is known; none takes a second;
// the heap stays bounded. The seed is fixed and printed, so that a failure replays exactly.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../src/clean/text.js';
import { ERROR_CODES, isVeilleError } from '../../src/domain/errors.js';
import { decodeFeedBytes } from '../../src/fetch/charset.js';
import { runPipeline } from '../security/pipeline.js';

const SEED = 20_261_126;
const RUNS = 10_000;
const MAX_INPUT_MS = 1_000;
/**
 * Heap still in use after a garbage collection, sampled every 500 inputs: what the inputs leave
 * behind (a leak grows it), not the garbage between collections. The seeds are a few KB.
 */
const MAX_RETAINED_HEAP_BYTES = 256 * 1024 * 1024;
/** `--expose-gc` comes from vitest.stress.config.ts. */
const collectGarbage = (globalThis as { gc?: () => void }).gc;

function retainedHeap(): number {
  collectGarbage?.();
  return process.memoryUsage().heapUsed;
}

const FEEDS = fileURLToPath(new URL('../fixtures/feeds/', import.meta.url));

const SEEDS = [
  { file: 'ai-news-anthropic_news.xml', contentType: 'application/rss+xml' },
  { file: 'veille-french.xml', contentType: 'application/rss+xml; charset=utf-8' },
  { file: 'rss-parser-gulp.atom', contentType: 'application/atom+xml' },
  { file: 'feedsmith-atom-0.3.xml', contentType: 'application/xml' },
  { file: 'feed-rs-rss-1.0-spec.xml', contentType: 'application/rdf+xml' },
  { file: 'feed-rs-jsonfeed-1.1.json', contentType: 'application/feed+json' },
  { file: 'feed-rs-jsonfeed-1.0.json', contentType: 'application/json' },
  { file: 'miniflux-cercle-psy-iso-8859-1.xml', contentType: 'text/xml' },
].map((seed) => ({ ...seed, bytes: new Uint8Array(readFileSync(`${FEEDS}${seed.file}`)) }));

/** Tokens that feed parsers trip on: entities, CDATA edges, tags, controls, prologs, JSON punctuation. */
const TOKENS = [
  '&amp;', '&lt;', '&#0;', '&#x0;', '&#xD800;', '&#x110000;', '&#99999999999;', '&nbsp;', '&eacute;', '&undefined;', '&',
  '&a;', '<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
  '<!DOCTYPE x SYSTEM "file:///etc/passwd">', '<![CDATA[', ']]>', '<![CDATA[<script>alert(1)</script>]]>',
  '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '<a href="javascript:alert(1)">x</a>',
  '<item>', '</item>', '<entry>', '</entry>', '<channel>', '</channel>', '</rss>', '<title>', '</title>',
  '<link>', '<link href="//evil.example/"/>', '<guid>', '</guid>', '<pubDate>Mon, 99 Foo 20000 99:99:99 +9999</pubDate>',
  '<?xml version="1.0" encoding="UTF-16"?>', '<?xml version="1.0" encoding="x-unknown"?>', '<?xml-stylesheet href="x"?>',
  '<!--', '-->', '<', '>', '"', "'", '=', '\u0000', '\u0001', '\u001b', '\u007f', '\u0085', '\u2028', '\uFEFF', '\uFFFE',
  '\uD800', '\uDFFF', '\u202E', 'é', '💥', '{', '}', '[', ']', ',', ':', 'null', '"items":', '"items": null',
  '"url": "javascript:alert(1)"', '"content_html": "<script>x</script>"', '1e400', '-0', '\\u0000', '\\ud800',
];

/** Strings too big for a field: a huge attribute, a long text, deep nesting. */
const BIG = [
  `<x a="${'A'.repeat(200_000)}">`,
  'B'.repeat(300_000),
  '<b>'.repeat(5_000),
  '&amp;'.repeat(20_000),
  `<category>${'c'.repeat(1_000)}</category>`.repeat(200),
  '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[['.repeat(100),
];

const CONTENT_TYPES = [
  null, 'text/html', 'text/html; charset=iso-8859-1', 'application/json', 'application/xml; charset=utf-16',
  'text/xml; charset=windows-1252', 'application/rss+xml; charset=shift_jis', 'application/rss+xml; charset=bogus',
];

const utf8 = new TextEncoder();

type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'duplicate'; at: number; length: number; to: number }
  | { kind: 'insert'; at: number; token: string }
  | { kind: 'bytes'; at: number; bytes: Uint8Array }
  | { kind: 'encoding'; to: 'latin1' | 'utf16le' | 'utf16be' | 'declare-latin1' | 'strip-bom' | 'add-bom' };

const position = fc.nat({ max: 1_000_000 });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 400 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: position, length: fc.integer({ min: 1, max: 2_000 }), to: position }),
  { arbitrary: fc.record({ kind: fc.constant('insert' as const), at: position, token: fc.constantFrom(...TOKENS) }), weight: 4 },
  fc.record({ kind: fc.constant('insert' as const), at: position, token: fc.constantFrom(...BIG) }),
  fc.record({ kind: fc.constant('insert' as const), at: position, token: fc.string({ unit: 'binary', maxLength: 40 }) }),
  fc.record({ kind: fc.constant('bytes' as const), at: position, bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({
    kind: fc.constant('encoding' as const),
    to: fc.constantFrom('latin1' as const, 'utf16le' as const, 'utf16be' as const, 'declare-latin1' as const, 'strip-bom' as const, 'add-bom' as const),
  }),
);

function splice(bytes: Uint8Array, at: number, remove: number, insert: Uint8Array = new Uint8Array()): Uint8Array {
  const start = Math.min(at, bytes.length);
  const end = Math.min(start + remove, bytes.length);
  const out = new Uint8Array(bytes.length - (end - start) + insert.length);
  out.set(bytes.subarray(0, start), 0);
  out.set(insert, start);
  out.set(bytes.subarray(end), start + insert.length);
  return out;
}

function reencode(bytes: Uint8Array, to: Extract<Mutation, { kind: 'encoding' }>['to']): Uint8Array {
  const text = new TextDecoder('utf-8').decode(bytes);
  switch (to) {
    case 'latin1':
      return new Uint8Array(Buffer.from(text, 'latin1'));
    case 'utf16le':
      return new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    case 'utf16be':
      return new Uint8Array(Buffer.from(text, 'utf16le').swap16());
    case 'declare-latin1':
      return utf8.encode(text.replace(/encoding=["'][^"']*["']/, 'encoding="ISO-8859-1"'));
    case 'strip-bom':
      return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
    case 'add-bom':
      return splice(bytes, 0, 0, new Uint8Array([0xef, 0xbb, 0xbf]));
  }
}

function mutate(bytes: Uint8Array, change: Mutation): Uint8Array {
  const at = bytes.length === 0 ? 0 : change.kind === 'encoding' ? 0 : change.at % (bytes.length + 1);
  switch (change.kind) {
    case 'truncate':
      return bytes.subarray(0, at);
    case 'delete':
      return splice(bytes, at, change.length);
    case 'duplicate': {
      const copy = bytes.slice(at, at + change.length);
      return splice(bytes, change.to % (bytes.length + 1), 0, copy);
    }
    case 'insert':
      return splice(bytes, at, 0, utf8.encode(change.token));
    case 'bytes':
      return splice(bytes, at, change.bytes.length, change.bytes);
    case 'encoding':
      return reencode(bytes, change.to);
  }
}

const input = fc.record({
  seed: fc.nat({ max: SEEDS.length - 1 }),
  mutations: fc.array(mutation, { minLength: 1, maxLength: 5 }),
  contentType: fc.oneof({ arbitrary: fc.constant('seed' as const), weight: 3 }, fc.constantFrom(...CONTENT_TYPES)),
});

type Outcome = { kind: 'items'; count: number } | { kind: 'error'; code: string };

/** The stages a cycle runs on a fetched body; a VeilleError is an expected outcome, anything else a crash. */
async function runStages(bytes: Uint8Array, contentType: string | null): Promise<Outcome> {
  const { text } = decodeFeedBytes(bytes, contentType);
  try {
    const result = await runPipeline(text, contentType, 'https://fuzz.example/feed.xml');
    for (const item of result.items) htmlToText(item.contentHtml);
    return { kind: 'items', count: result.items.length };
  } catch (error) {
    if (isVeilleError(error)) return { kind: 'error', code: error.code };
    throw error;
  }
}

describe('fuzzing mutated real feeds', () => {
  it(`${RUNS} inputs: no crash, none over ${MAX_INPUT_MS} ms, heap bounded`, async () => {
    let runs = 0;
    let slowestMs = 0;
    let slowest = '';
    let peakHeap = 0;
    const startHeap = retainedHeap();
    let peakRetained = startHeap;
    let largestInput = 0;
    const outcomes = { items: 0, error: 0, codes: new Map<string, number>() };
    const started = performance.now();
    console.log(`fuzz: fast-check seed ${SEED}, ${RUNS} inputs`);

    await fc.assert(
      fc.asyncProperty(input, async ({ seed, mutations, contentType }) => {
        const source = SEEDS[seed]!;
        const bytes = mutations.reduce(mutate, source.bytes);
        const type = contentType === 'seed' ? source.contentType : contentType;
        largestInput = Math.max(largestInput, bytes.length);
        const before = performance.now();
        const outcome = await runStages(bytes, type);
        const elapsed = performance.now() - before;
        runs += 1;
        if (elapsed > slowestMs) {
          slowestMs = elapsed;
          slowest = `${source.file} + ${mutations.map((m) => m.kind).join(', ')} (${bytes.length} bytes)`;
        }
        if (outcome.kind === 'error') {
          expect(ERROR_CODES).toContain(outcome.code);
          outcomes.error += 1;
          outcomes.codes.set(outcome.code, (outcomes.codes.get(outcome.code) ?? 0) + 1);
        } else {
          outcomes.items += 1;
        }
        if (runs % 100 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
        if (runs % 500 === 0) peakRetained = Math.max(peakRetained, retainedHeap());
        expect(elapsed, `${source.file}: ${mutations.map((m) => m.kind).join(', ')}`).toBeLessThan(MAX_INPUT_MS);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: false },
    );
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    const endHeap = retainedHeap();
    const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `fuzz: ${runs} inputs in ${seconds} s (seed ${SEED}); ${outcomes.items} gave items, ${outcomes.error} a VeilleError ` +
        `(${[...outcomes.codes].map(([code, count]) => `${code} ${count}`).join(', ')}); ` +
        `slowest ${slowestMs.toFixed(1)} ms: ${slowest}; largest input ${(largestInput / 1024).toFixed(0)} KiB; ` +
        `heap: peak in use ${mib(peakHeap)}, retained after GC ${mib(startHeap)} at start, peak ${mib(peakRetained)}, ${mib(endHeap)} at end`,
    );
    expect(runs).toBe(RUNS);
    expect(collectGarbage, 'run through npm run test:stress (node --expose-gc)').toBeTypeOf('function');
    expect(peakRetained).toBeLessThan(MAX_RETAINED_HEAP_BYTES);
  });
});
