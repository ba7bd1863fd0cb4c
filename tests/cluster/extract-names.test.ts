// extractNames reads a text's tokens in one pass and makes a string only of those that can be names
// (issue 15: the list of every token of every title and summary was 43 MB of a first import's
// allocations on the main thread). The names are those of the expression it replaced, kept here.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractNames } from '../../src/cluster/features.js';

const NOT_NAMES = new Set(
  ('a an and are as at be but by for from how in is it its new of on or our the this to we what when why with you your ' +
    'introducing announcing today how why what our more ai ia ' +
    'au aux ce ces cet cette dans de des du elle en est et il ils la le les leur lire mais nous on ou par pour que qui sa se ses son sur un une vous ' +
    'à é ça').split(' '),
);

/** The expression's form: every token listed, then tested. */
function namesByExpression(text: string): string[] {
  const names = new Set<string>();
  for (const token of text.match(/[\p{L}\p{N}]+(?:[.\-][\p{L}\p{N}]+)*/gu) ?? []) {
    const first = token[0] ?? '';
    const startsWithDigit = first >= '0' && first <= '9';
    if (!startsWithDigit && (token.length < 2 || !/\p{Lu}/u.test(first))) continue;
    const lower = token.toLowerCase();
    if (NOT_NAMES.has(lower)) continue;
    const isNumber = startsWithDigit && /^\d[\d.]*$/.test(token);
    if (isNumber ? token.replace(/\./g, '').length >= 2 : /\p{Lu}/u.test(first) && token.length >= 2) names.add(lower);
  }
  return [...names];
}

/** Letters, digits, separators and their neighbours: astral letters and digits, a lone surrogate, Arabic digits, title case. */
const ALPHABET = ['A', 'b', 'Z', 'É', 'é', 'ß', 'İ', 'ǅ', 'Ω', 'ж', '1', '9', '0', '١', '²', '½', '.', '-', ' ', ' ', '’', "'", '_', ',', '𝐀', '𝟗', '😀', '\ud800', '\udc00', 'x', 'Ç', 'AI', 'The', 'à'];

/** Deterministic (xorshift32) random texts. */
function randomTexts(count: number): string[] {
  let state = 0x2545f491;
  const next = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x100000000;
  };
  return Array.from({ length: count }, () => Array.from({ length: 1 + Math.floor(next() * 30) }, () => ALPHABET[Math.floor(next() * ALPHABET.length)]).join(''));
}

describe('extractNames', () => {
  it('finds the names of the expression it replaced, in the same order, on real items and 20,000 made-up texts', () => {
    const real = readFileSync(new URL('../fixtures/ai-news/items.jsonl', import.meta.url), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { title: string; summary: string })
      .map((entry) => `${entry.title}. ${entry.summary}`);
    const differing = [...real, ...randomTexts(20_000)].filter((text) => JSON.stringify([...extractNames(text)]) !== JSON.stringify(namesByExpression(text)));
    expect(differing).toEqual([]);
  });

  it('lists no token of the text: a string is made only of a token that can be a name', () => {
    const text = 'the grouping reads every title and summary of a first import, mostly words that are no names. '.repeat(50) + 'But AAAI 2025 is one.';
    const match = String.prototype.match;
    let listed = 0;
    String.prototype.match = function counted(this: string, ...args: Parameters<typeof match>) {
      listed += 1;
      return match.apply(this, args);
    } as typeof match;
    let names: string[];
    try {
      names = [...extractNames(text)];
    } finally {
      String.prototype.match = match;
    }
    expect(names).toEqual(['aaai', '2025']);
    expect(listed).toBe(0);
  });
});
