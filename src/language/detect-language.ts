// Language detection adapter: the only module that imports eld. The detector is restricted to the
// configured languages and says whether it is confident, so that a feed's declared language wins otherwise.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEldScorer, type EldParts, type EldScorer } from './eld-scorer.js';
import { readEldTables } from './eld-tables.js';

/**
 * A detector that holds only the n-grams of `allowed` (eld-tables.ts): eld's entry modules load the
 * 60 languages' tables (about 28 MB of heap, 50 MB resident, in every thread that loads them), so the
 * detector is built from eld's 'extrasmall' data file, read with the allowed languages only, and
 * eld's own dictionary, separators and average scores. It scores as eld's detect() does
 * (eld-scorer.ts: the same answers, without an object per text). Built on first use: items plainly
 * in their declared language never need it (function-words.ts). eld ships ES modules only; Node ≥
 * 20.19 require()s them.
 */
function buildDetector(allowed: readonly string[]): { readonly scorer: EldScorer; readonly ngrams: number } {
  const entry = fileURLToPath(import.meta.resolve('eld/extrasmall'));
  const root = dirname(dirname(entry));
  const require = createRequire(import.meta.url);
  const parts: EldParts = {
    dictionary: (require(join(root, 'dictionary.js')) as { dictionary: string[] }).dictionary,
    separators: (require(join(root, 'regexPatterns.js')) as { separators: RegExp }).separators,
    avgScore: (require(join(root, 'avgScore.js')) as { avgScore: Record<string, number> }).avgScore,
  };
  const tables = readEldTables(readFileSync(join(root, 'ngrams', 'extrasmall.js'), 'utf8'), allowed);
  return { scorer: createEldScorer(tables, allowed, parts), ngrams: Object.keys(tables.ngrams).length };
}

/** Below this gap between the best and second-best language, a reliable-looking result is still a guess. */
const MIN_MARGIN = 0.05;
/** Detection reads the start of the text only: enough n-grams to be sure, and bounded cost per item. */
const MAX_CHARS = 400;

/** The part of `text` detection reads. */
export function detectionWindow(text: string): string {
  return text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text;
}

interface Built {
  readonly scorer: EldScorer;
  readonly ngrams: number;
}

const detectors = new Map<string, Built>();

function detectorFor(allowed: readonly string[]): Built {
  const key = [...allowed].sort().join(',');
  let built = detectors.get(key);
  if (built === undefined) {
    built = buildDetector(allowed);
    detectors.set(key, built);
  }
  return built;
}

/** How many n-grams the detector for `allowed` holds (its memory: issue 15). */
export function heldNgrams(allowed: readonly string[]): number {
  return detectorFor(allowed).ngrams;
}

/**
 * The language of `text` among `allowed` (ISO 639-1 codes), or null when none can be told.
 * `confident` is true only when eld finds the result reliable and clearly ahead of the runner-up.
 */
export function detectLanguage(
  text: string,
  allowed: readonly string[],
): { language: string; confident: boolean } | null {
  if (allowed.length === 0) return null;
  const sample = detectionWindow(text);
  if (allowed.length === 1) return { language: allowed[0] as string, confident: false };
  const result = detectorFor(allowed).scorer.detect(sample);
  if (result.language === '' || !allowed.includes(result.language)) return null;
  const confident = result.reliable && (result.scores[0] ?? 0) - (result.scores[1] ?? 0) >= MIN_MARGIN;
  return { language: result.language, confident };
}
