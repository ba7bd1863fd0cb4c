// Language detection adapter: the only module that imports eld. The detector is restricted to the
// configured languages and says whether it is confident, so that a feed's declared language wins otherwise.

import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { eld as Eld } from 'eld/extrasmall';

type Detector = typeof Eld;

/**
 * eld's n-gram tables cost about 30 MB of heap (60 MB resident) in every thread that loads them,
 * so they are loaded on first use: the main thread of a cycle never detects (the language stage
 * runs on the processing thread). eld ships ES modules only; Node ≥ 20.19 require()s them.
 */
let loaded: Detector | null = null;
function loadEld(): Detector {
  if (loaded === null) {
    const require = createRequire(import.meta.url);
    loaded = (require(fileURLToPath(import.meta.resolve('eld/extrasmall'))) as { eld: Detector }).eld;
  }
  return loaded;
}

/** Below this gap between the best and second-best language, a reliable-looking result is still a guess. */
const MIN_MARGIN = 0.05;
/** Detection reads the start of the text only: enough n-grams to be sure, and bounded cost per item. */
const MAX_CHARS = 400;

/** The part of `text` detection reads. */
export function detectionWindow(text: string): string {
  return text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text;
}

const detectors = new Map<string, Detector | null>();

function detectorFor(allowed: readonly string[]): Detector | null {
  const key = [...allowed].sort().join(',');
  let detector = detectors.get(key);
  if (detector === undefined) {
    const instance = loadEld().newInstance();
    const subset = instance.setLanguageSubset([...allowed]);
    detector = subset !== null && Object.keys(subset).length > 0 ? instance : null;
    detectors.set(key, detector);
  }
  return detector;
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
  const detector = detectorFor(allowed);
  if (detector === null) return null;
  const result = detector.detect(sample);
  if (result.language === '' || !allowed.includes(result.language)) return null;
  let confident = result.isReliable();
  if (confident) {
    const scores = Object.values(result.getScores()).sort((a, b) => b - a);
    confident = (scores[0] ?? 0) - (scores[1] ?? 0) >= MIN_MARGIN;
  }
  return { language: result.language, confident };
}
