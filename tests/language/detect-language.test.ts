// Language detection with eld's tables cut to the allowed languages (issue 15: memory): the same
// answers as eld's full 60-language tables restricted by setLanguageSubset, on real items.
import { readFileSync } from 'node:fs';
import { eld } from 'eld/extrasmall';
import { describe, expect, it } from 'vitest';
import { detectionWindow, detectLanguage, heldNgrams } from '../../src/language/detect-language.js';
import { readEldTables } from '../../src/language/eld-tables.js';

interface FixtureItem {
  readonly title: string;
  readonly summary: string;
}

// 3,027 real items of 34 AI-news feeds (tests/fixtures/ai-news/README.md: origin and licence),
// English mostly, some German, plus French and mixed texts.
const ITEMS = readFileSync(new URL('../fixtures/ai-news/items.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as FixtureItem);
const TEXTS = [
  ...ITEMS.flatMap((item) => [`${item.title}\n${item.summary}`, item.title]),
  'Les chercheurs ont publié hier une étude sur la protection des données personnelles dans les hôpitaux.',
  "L'apprentissage fédéré permet d'entraîner un modèle sans centraliser les données.",
  'Open source AI : le point sur les modèles ouverts',
  'Attaque',
  '',
];

/** detectLanguage's rule, on eld's full tables: the oracle. */
function detectWithFullTables(detector: typeof eld, text: string, allowed: readonly string[]): { language: string; confident: boolean } | null {
  const result = detector.detect(detectionWindow(text));
  if (result.language === '' || !allowed.includes(result.language)) return null;
  let confident = result.isReliable();
  if (confident) {
    const scores = Object.values(result.getScores()).sort((a, b) => b - a);
    confident = (scores[0] ?? 0) - (scores[1] ?? 0) >= 0.05;
  }
  return { language: result.language, confident };
}

describe('detectLanguage on tables cut to the allowed languages', () => {
  it.each([[['fr', 'en']], [['en', 'fr', 'de']], [['es', 'fr', 'en', 'it', 'pt']]])('answers as the full tables do among %j (6,059 real texts)', (allowed) => {
    const full = eld.newInstance();
    full.setLanguageSubset([...allowed]);
    const differences = TEXTS.filter((text) => JSON.stringify(detectLanguage(text, allowed)) !== JSON.stringify(detectWithFullTables(full, text, allowed)));
    expect(differences).toEqual([]);
    // Not a trivial agreement: both languages are found, some confidently.
    const answers = TEXTS.map((text) => detectLanguage(text, allowed));
    expect(new Set(answers.map((answer) => answer?.language)).size).toBeGreaterThan(2);
    expect(answers.filter((answer) => answer?.confident === true).length).toBeGreaterThan(1000);
  });

  // eld-scorer.ts scores without eld's objects: the same answers on text built to reach each of
  // its edges (byte cuts at 350 and 380, words past 70 bytes, one to three bytes, apostrophes,
  // characters of two to four bytes, lone surrogates, letters that lowercase longer, dictionary
  // bytes written as spaces).
  it.each([[['fr', 'en']], [['en', 'fr', 'de']], [['es', 'fr', 'en', 'it', 'pt']], [['ru', 'uk', 'en']]])('answers as eld does on 3,000 built texts among %j', (allowed) => {
    const full = eld.newInstance();
    full.setLanguageSubset([...allowed]);
    const texts = builtTexts(3000, 0x5eed + allowed.length);
    const differences = texts.filter((text) => JSON.stringify(detectLanguage(text, allowed)) !== JSON.stringify(detectWithFullTables(full, text, allowed)));
    expect(differences).toEqual([]);
    expect(texts.map((text) => detectLanguage(text, allowed)).filter((answer) => answer !== null).length).toBeGreaterThan(1500);
  });

  it("holds the n-grams of French and English only: 4,331 of eld's 49,553", () => {
    expect(heldNgrams(['fr', 'en'])).toBe(4331);
    expect(heldNgrams(['en', 'fr', 'de'])).toBeLessThan(49553 / 4);
  });
});

/** `count` texts of words drawn from real items and from characters chosen to reach eld's edges. */
function builtTexts(count: number, seed: number): string[] {
  let state = seed;
  const next = (below: number): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 8) % below;
  };
  const pieces = [
    'a', 'e', 'z', 'é', 'è', 'ç', 'ß', 'ü', 'İ', 'Σ', 'σ', 'ж', 'ї', 'ά', 'ע', 'ش', '中', '語', '😀', '𝔸', '\uD800', '\uDC00',
    "'", '`', '’', '-', '.', ' ', '  ', '\n', '7', '\u0301', '\u00A0', '\u2028', 'œ', 'Ø', 'ÿ', 'ĳ',
  ];
  const realWords = TEXTS.slice(0, 400).join(' ').split(/\s+/).filter((word) => word !== '');
  return Array.from({ length: count }, () => {
    let text = '';
    const target = 1 + next(420);
    while (text.length < target) {
      const kind = next(5);
      if (kind === 0) text += `${realWords[next(realWords.length)] ?? ''} `;
      else if (kind === 4) for (let letters = next(120); letters > 0; letters -= 1) text += pieces[next(20)] ?? '';
      else if (kind === 1) text += `${(pieces[next(pieces.length)] ?? '').repeat(1 + next(next(8) === 0 ? 90 : 5))}`;
      else text += pieces[next(pieces.length)] ?? '';
    }
    return text;
  });
}

describe('readEldTables', () => {
  const SOURCE = String.raw`/* licence */
export const ngramsData = {type:'XS3',languages:{0:'de',1:'en',2:'fr'},isSubset:false,ngrams:{' the':{1:90,2:12},'L\'a ':{2:80},abc_:{0:5},'\\x':{0:7,1:3}}};
`;

  it.each([
    ['keeps the scores of the kept languages', ['fr'], { ' the': { 2: 12 }, "L'a ": { 2: 80 } }],
    ['drops an n-gram no kept language has', ['en'], { ' the': { 1: 90 }, '\\x': { 1: 3 } }],
    ['reads bare keys and escapes', ['de'], { abc_: { 0: 5 }, '\\x': { 0: 7 } }],
  ])('%s', (_name, keep, ngrams) => {
    const tables = readEldTables(SOURCE, keep);
    expect({ ...tables.ngrams }).toEqual(ngrams);
    // Every language keeps its index: eld's scores are indexed by it.
    expect(tables.languages).toEqual({ 0: 'de', 1: 'en', 2: 'fr' });
    expect(tables.type).toBe('XS3');
  });

  it('says where a file it cannot read goes wrong', () => {
    expect(() => readEldTables("export const ngramsData = {type:'X',languages:{0:'en'},ngrams:{'a':{0:x}}}", ['en'])).toThrow(
      /^language: eld data file: expected an integer, found "x"/,
    );
  });
});
