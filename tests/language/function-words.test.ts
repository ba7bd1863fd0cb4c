// The fast path of the language stage: a text plainly in its declared language skips eld, and
// must then give what eld would have given.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectLanguage, detectionWindow } from '../../src/language/detect-language.js';
import { plainlyIn } from '../../src/language/function-words.js';
import { languageSample } from '../../src/language/item-language.js';

const ENGLISH =
  'The researchers published a study on the protection of personal data in hospitals, and they explain how their method works with the code that is on GitHub.';
const FRENCH =
  'Les chercheurs ont publié une étude sur la protection des données personnelles dans les hôpitaux, et ils expliquent comment leur méthode fonctionne avec le code qui est sur GitHub.';

describe('plainlyIn', () => {
  it('vouches for a paragraph in the language asked', () => {
    expect(plainlyIn(ENGLISH, 'en', ['fr', 'en'])).toBe(true);
    expect(plainlyIn(FRENCH, 'fr', ['fr', 'en'])).toBe(true);
  });

  it('does not vouch for a text in another expected language', () => {
    expect(plainlyIn(FRENCH, 'en', ['fr', 'en'])).toBe(false);
    expect(plainlyIn(ENGLISH, 'fr', ['fr', 'en'])).toBe(false);
  });

  it('does not vouch for a mixed text', () => {
    expect(plainlyIn(`${ENGLISH} ${FRENCH}`, 'en', ['fr', 'en'])).toBe(false);
    expect(plainlyIn(`${FRENCH} ${ENGLISH}`, 'fr', ['fr', 'en'])).toBe(false);
  });

  it('vouches for a short summary with five function words of its language and none of another', () => {
    // the, how, their, the, of: eld was asked for such texts, and said the same (issue 15).
    expect(plainlyIn('Researchers at the lab show how their method protects the data of patients', 'en', ['fr', 'en'])).toBe(true);
    // les, dans, des, et, pour
    expect(plainlyIn('Les modèles ouverts gagnent du terrain dans les hôpitaux, et pour cause', 'fr', ['fr', 'en'])).toBe(true);
  });

  it('does not vouch for a title: too few words to be plain', () => {
    expect(plainlyIn('OpenAI releases the weights of its new model', 'en', ['fr', 'en'])).toBe(false);
  });

  it('cannot rule out an expected language it has no words for, nor vouch for one', () => {
    expect(plainlyIn(ENGLISH, 'en', ['fr', 'en', 'de'])).toBe(false);
    expect(plainlyIn(ENGLISH, 'de', ['de', 'en'])).toBe(false);
  });

  it('vouches only for a language the site expects', () => {
    expect(plainlyIn(ENGLISH, 'en', ['fr'])).toBe(false);
  });
});

/** Real AI-news items (tests/fixtures): whenever the fast path vouches, eld agrees or abstains. */
function realSamples(): string[] {
  const files = [
    'tests/fixtures/ai-news/items.jsonl',
    'tests/fixtures/ai-news/labels-dev.jsonl',
    'tests/fixtures/labels/fr-and-fl.jsonl',
    'tests/fixtures/labels/unseen-2026-11-26.jsonl',
    'tests/fixtures/labels/unseen-2026-12-06.jsonl',
    'tests/fixtures/labels/tune-2026-12-07.jsonl',
    'tests/fixtures/labels/tune-2026-12-07b.jsonl',
    'tests/fixtures/labels/tune-2026-12-08.jsonl',
  ];
  return files.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => {
        const item = JSON.parse(line) as { title?: string; summary?: string; content?: string };
        return languageSample(item.title ?? '', item.summary ?? '', item.content ?? '');
      }),
  );
}

describe('plainlyIn on real items', () => {
  const samples = realSamples();

  it.each(['en', 'fr'])('never vouches for %s where eld confidently says otherwise', (language) => {
    let vouched = 0;
    const disagreements: string[] = [];
    for (const sample of samples) {
      const window = detectionWindow(sample);
      if (!plainlyIn(window, language, ['fr', 'en'])) continue;
      vouched += 1;
      const detected = detectLanguage(window, ['fr', 'en']);
      if (detected !== null && detected.confident && detected.language !== language) disagreements.push(window.slice(0, 120));
    }
    expect(disagreements).toEqual([]);
    // The fast path is used, not just safe: hundreds of real items in each language.
    expect(vouched).toBeGreaterThan(language === 'en' ? 1000 : 50);
  });
});

/** plainlyIn as it was written first (a split on non-letters): the oracle of the scanning version. */
function plainlyInBySplit(text: string, language: string, allowed: readonly string[]): boolean {
  const lists: Record<string, ReadonlySet<string>> = {
    en: new Set('about and are been but by can for from has have how into is it its new not of our that the their they this to was we were what when which will with you your'.split(' ')),
    fr: new Set('au aux avec ce ces cette dans des du elle est et les leur leurs mais nous ont ou par pas pour qui sont sur une été être'.split(' ')),
  };
  const own = lists[language];
  if (own === undefined || !allowed.includes(language)) return false;
  const others = allowed.filter((other) => other !== language).map((other) => lists[other]);
  if (others.some((words) => words === undefined)) return false;
  let hits = 0;
  const otherHits = others.map(() => 0);
  for (const word of text.toLowerCase().split(/[^\p{L}]+/u)) {
    if (own.has(word)) hits += 1;
    else others.forEach((words, index) => { if (words?.has(word)) otherHits[index] = (otherHits[index] ?? 0) + 1; });
  }
  return hits >= 5 && otherHits.every((count) => count * 8 <= hits);
}

describe('plainlyIn reads words as a split on non-letters does', () => {
  const samples = realSamples().map(detectionWindow);
  // Letters and non-letters outside ASCII and Latin-1: Greek (a final sigma), astral letters, a lone
  // surrogate, combining marks, the dotted capital I (lowercased to i + U+0307), ª º µ × ÷ and digits.
  const alphabet = ['the ', 'les ', 'and ', 'et ', 'été ', 'être', 'ÊTRE', 'É', 'ª', 'º', 'µ', '×', '÷', 'ΟΔΟΣ', 'İ', '\u0301', '𝐀', '\ud835', '3', '-', "'", ' ', '\n', 'ǅ', 'ß'];
  let seed = 7;
  const random = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  // Half of each text is one language's function words, so that many texts are plain.
  const made = Array.from({ length: 3000 }, (_, index) =>
    Array.from({ length: 40 }, () => (random() < 0.5 ? (index % 2 === 0 ? 'the ' : 'les ') : alphabet[Math.floor(random() * alphabet.length)])).join(''),
  );

  // Texts whose letters are all Latin-1 are read without a lowercased copy: capitals, accents, and
  // punctuation and symbols outside Latin-1 that are no letters (’ … – Ⓐ).
  const latin1 = ['THE ', 'The ', 'LES ', 'Et ', 'ÉTÉ ', 'Être ', 'À ', 'Þ', 'ÿ', 'ª', 'º', 'µ', '×', '÷', '’', '…', '–', 'Ⓐ', '\u0301', '3', "'", ' ', 'ß', 'AND', 'THEIRS ', 'leursé '];
  const madeLatin1 = Array.from({ length: 3000 }, (_, index) =>
    Array.from({ length: 40 }, () => (random() < 0.5 ? (index % 2 === 0 ? 'the ' : 'les ') : latin1[Math.floor(random() * latin1.length)])).join(''),
  );

  it.each([
    ['real items', samples],
    ['made-up texts', made],
    ['made-up Latin-1 texts', madeLatin1],
  ] as const)('gives the same answers on %s', (_, texts) => {
    for (const language of ['en', 'fr']) {
      for (const allowed of [['fr', 'en'], ['en'], ['fr', 'en', 'de']]) {
        const differ = texts.filter((text) => plainlyIn(text, language, allowed) !== plainlyInBySplit(text, language, allowed));
        expect(differ).toEqual([]);
      }
    }
    // The comparison is worth something: the answers are not all false.
    expect(texts.filter((text) => plainlyIn(text, 'en', ['fr', 'en']) || plainlyIn(text, 'fr', ['fr', 'en'])).length).toBeGreaterThan(100);
  });
});
