// sameFoldedText folds both texts as it reads them and stops at the first difference (issue 15):
// it must answer exactly as folding both whole and comparing does.
import { describe, expect, it } from 'vitest';
import { foldText, sameFoldedText } from '../../src/clean/fold-text.js';

describe('sameFoldedText', () => {
  it.each([
    ['the same text', 'Open weights', 'Open weights', true],
    ['case and runs of spaces', '  OPEN \n\t weights … ', 'open weights', true],
    ['an ellipsis between words', 'open…weights', 'Open Weights', true],
    ['a longer text', 'Open weights, and more', 'Open weights', false],
    ['a shorter text', 'Open', 'open weights', false],
    ['two empty texts', '', ' … ', true],
    ['a final sigma is not a middle one', 'ΟΔΟΣ', 'οδο\u03c3', false],
    ['a final sigma, as toLowerCase writes it', 'ΟΔΟΣ', 'οδο\u03c2', true],
    ['a dotted capital I', 'İA', 'i\u0307a', true],
  ])('%s', (_name, a, b, expected) => {
    expect(sameFoldedText(a, b)).toBe(expected);
    expect(sameFoldedText(b, a)).toBe(expected);
    expect(foldText(a) === foldText(b)).toBe(expected);
  });

  it("reads every UTF-16 unit as a regular expression's \\s and toLowerCase do", () => {
    const differences: number[] = [];
    for (let code = 0; code <= 0xffff; code += 1) {
      const text = `A${String.fromCharCode(code)}b`;
      for (const other of ['a b', 'ab', 'A  B', foldText(text)]) {
        if (sameFoldedText(text, other) !== (foldText(text) === foldText(other))) differences.push(code);
      }
    }
    expect(differences).toEqual([]);
  });

  it('answers as foldText on 20,000 pairs of a title and its edits', () => {
    let state = 42;
    const next = (below: number): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return (state >>> 8) % below;
    };
    const titles = ['Open weights for all', 'ΣΟΦΙΑ ΚΑΙ ΛΟΓΟΣ', 'İstanbul AI week', 'Données… et modèles', 'a', ''];
    const edits = [' ', '  ', '\n', '…', '\u00a0', '\u2028', 'X', 'x', 'Σ', 'ς', 'İ', '😀', '\ud800', '.'];
    const edited = (text: string): string => {
      let out = next(3) === 0 ? text.toUpperCase() : text;
      for (let edit = next(4); edit > 0; edit -= 1) {
        const at = next(out.length + 1);
        out = out.slice(0, at) + (edits[next(edits.length)] ?? '') + out.slice(at + next(2));
      }
      return out;
    };
    const differences: string[] = [];
    for (let round = 0; round < 20000; round += 1) {
      const title = titles[next(titles.length)] ?? '';
      const [a, b] = [edited(title), edited(title)];
      if (sameFoldedText(a, b) !== (foldText(a) === foldText(b))) differences.push(`${a} | ${b}`);
    }
    expect(differences).toEqual([]);
  });
});
