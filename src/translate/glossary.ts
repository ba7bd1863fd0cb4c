// The glossary: terms that must read the same way in every translation ("federated learning" →
// "apprentissage fédéré"). Found in the source text, checked on the output, and put in by a
// post-pass for providers that take no glossary.
import { createHash } from 'node:crypto';

export interface GlossaryEntry {
  readonly source: string;
  readonly target: string;
}

/** Changes when an entry changes: cached translations made with another glossary are not reused. */
export function glossaryHash(entries: readonly GlossaryEntry[]): string {
  return createHash('sha256').update(JSON.stringify(entries.map((e) => [e.source, e.target]))).digest('hex').slice(0, 16);
}

const patterns = new Map<string, RegExp>();

/**
 * The term as a whole-word pattern that ignores case, and treats spaces and hyphens alike
 * ("open source", "open-source", "Open Source").
 */
function termPattern(term: string): RegExp {
  let pattern = patterns.get(term);
  if (!pattern) {
    const body = term
      .trim()
      .split(/[\s\-‐‑]+/u)
      .map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[\\s\\-‐‑]+');
    pattern = new RegExp(`(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`, 'giu');
    patterns.set(term, pattern);
  }
  pattern.lastIndex = 0;
  return pattern;
}

export function containsTerm(text: string, term: string): boolean {
  return termPattern(term).test(text);
}

/** The entries whose source term occurs in one of the texts. */
export function entriesIn(texts: readonly string[], glossary: readonly GlossaryEntry[]): GlossaryEntry[] {
  return glossary.filter((entry) => texts.some((text) => containsTerm(text, entry.source)));
}

/** The source terms of `source` whose target term is missing from `output`. */
export function glossaryMisses(source: string, output: string, glossary: readonly GlossaryEntry[]): string[] {
  return entriesIn([source], glossary)
    .filter((entry) => !containsTerm(output, entry.target))
    .map((entry) => entry.source);
}

/**
 * The post-pass: where the provider rendered a glossary term its own way (its translation of the
 * term alone, `renderings`), the glossary's target replaces it. Only for terms of the source text
 * whose target the output lacks.
 */
export function applyGlossary(source: string, output: string, glossary: readonly GlossaryEntry[], renderings: ReadonlyMap<string, string>): string {
  let result = output;
  for (const entry of entriesIn([source], glossary)) {
    if (containsTerm(result, entry.target)) continue;
    const rendering = renderings.get(entry.source);
    if (rendering === undefined || rendering.trim() === '') continue;
    result = result.replace(termPattern(rendering), (found) => matchCase(found, entry.target));
  }
  return result;
}

/** The target with the found text's first-letter case ("Apprentissage fédéré" at a sentence start). */
function matchCase(found: string, target: string): string {
  const first = found.charAt(0);
  if (first !== first.toLowerCase() && target.charAt(0) === target.charAt(0).toLowerCase()) {
    return target.charAt(0).toUpperCase() + target.slice(1);
  }
  return target;
}
