// Text to matchable words: word boundaries as Intl.Segmenter draws them, French elisions split,
// then per-language keys (stem first, accents folded after, since the French stemmer reads accents).

import { stemWord } from './stem.js';

/**
 * Scripts written without spaces between words (CJK, Thai, Lao, Khmer, Myanmar, Hangul): only
 * Intl.Segmenter's dictionaries can split them.
 */
const NEEDS_DICTIONARY = /[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]/u;

/**
 * Words of space-delimited scripts by the rules Intl.Segmenter applies (UAX #29): runs of letters,
 * marks, decimal digits and connectors; an apostrophe, period, colon or middle dot joins two letters
 * ("l'IA", "e.g"), a period, comma, semicolon or apostrophe joins two digits ("3.5", "3,5"); hyphens and
 * everything else split. Same words as the segmenter (a test compares both over the AI-news corpus) at a
 * tenth of the cost, which the 20,000 items/s budget needs. scanWords below reads them in one pass; the
 * expression it replaced is its test's oracle (tests/tag/words.test.ts):
 *   [\p{L}\p{M}\p{Nd}\p{Pc}]+(?:(?:(?<=[\p{L}\p{M}])['’.:·](?=\p{L})|(?<=\p{Nd})[.,;'’](?=\p{Nd}))[\p{L}\p{M}\p{Nd}\p{Pc}]+)* (flags g, u)
 */
/**
 * Made by the first text that needs it: building ICU's word breaker costs 30 to 40 ms, which a run
 * that tags nothing (every feed answered 304), or only Latin-script text, never pays (issue 15).
 */
let segmenter: Intl.Segmenter | null = null;
const wordSegmenter = (): Intl.Segmenter => (segmenter ??= new Intl.Segmenter(undefined, { granularity: 'word' }));

/** French elided articles and conjunctions: l'IA, d’une, qu'il, jusqu'au, lorsqu'elle. */
const ELISION = /^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|quoiqu|presqu)['’](?=[\p{L}\p{N}])/iu;
/** English possessive, which the stemmer would otherwise keep as a trailing apostrophe. */
const POSSESSIVE = /['’]s$/iu;

/** The words of `text`, lowercased, with elisions and possessives removed. */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  if (NEEDS_DICTIONARY.test(text)) {
    for (const segment of wordSegmenter().segment(text)) {
      if (segment.isWordLike === true) pushWord(words, segment.segment);
    }
  } else {
    scanWords(text, words);
  }
  return words;
}

// What a code point is to WORD: a letter (\p{L}), a mark (\p{M}), a decimal digit (\p{Nd}), a
// connector (\p{Pc}), or none of them.
const NONE = 0;
const LETTER = 1;
const MARK = 2;
const DIGIT = 3;
const CONNECTOR = 4;

const IS_LETTER = /^\p{L}$/u;
const IS_MARK = /^\p{M}$/u;
const IS_DIGIT = /^\p{Nd}$/u;
const IS_CONNECTOR = /^\p{Pc}$/u;

/** Kinds of the Latin-1 characters, the feeds' nearly every character: told without a regular expression. */
const LATIN1_KINDS: Uint8Array = (() => {
  const kinds = new Uint8Array(256);
  for (let code = 0; code < 256; code++) kinds[code] = kindByProperty(String.fromCharCode(code));
  return kinds;
})();

function kindByProperty(char: string): number {
  if (IS_LETTER.test(char)) return LETTER;
  if (IS_MARK.test(char)) return MARK;
  if (IS_DIGIT.test(char)) return DIGIT;
  return IS_CONNECTOR.test(char) ? CONNECTOR : NONE;
}

/** The kind of the code point at `index` (a surrogate pair read whole, as the u flag does). */
function kindAt(text: string, index: number): number {
  const code = text.charCodeAt(index);
  if (code < 256) return LATIN1_KINDS[code] as number;
  const point = text.codePointAt(index) as number;
  return kindByProperty(point > 0xffff ? text.slice(index, index + 2) : text[index] as string);
}

const APOSTROPHE = 0x27;
const RIGHT_QUOTE = 0x2019;

/**
 * WORD's matches, pushed through pushWord, by one pass over the text with no regular expression
 * per word: the matcher's lookbehinds cost a third of tagging (issue 15).
 */
function scanWords(text: string, words: string[]): void {
  const length = text.length;
  let index = 0;
  while (index < length) {
    let kind = kindAt(text, index);
    if (kind === NONE) {
      index += 1;
      continue;
    }
    const start = index;
    let last = kind;
    for (;;) {
      // A run of word characters, then maybe a joiner between two letters or two digits.
      while (kind !== NONE) {
        last = kind;
        index += text.charCodeAt(index) >= 0xd800 && text.charCodeAt(index) <= 0xdbff && index + 1 < length && isLowSurrogate(text.charCodeAt(index + 1)) ? 2 : 1;
        kind = index < length ? kindAt(text, index) : NONE;
      }
      if (index + 1 >= length) break;
      const joiner = text.charCodeAt(index);
      const next = kindAt(text, index + 1);
      const joinsLetters = (last === LETTER || last === MARK) && next === LETTER && (joiner === APOSTROPHE || joiner === RIGHT_QUOTE || joiner === 0x2e || joiner === 0x3a || joiner === 0xb7);
      const joinsDigits = last === DIGIT && next === DIGIT && (joiner === 0x2e || joiner === 0x2c || joiner === 0x3b || joiner === APOSTROPHE || joiner === RIGHT_QUOTE);
      if (!joinsLetters && !joinsDigits) break;
      index += 1;
      kind = next;
    }
    pushWord(words, text.slice(start, index));
  }
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** Words exactly as Intl.Segmenter returns them (the reference the fast path is tested against). */
export function segmentWords(text: string): string[] {
  const words: string[] = [];
  for (const segment of wordSegmenter().segment(text)) {
    if (segment.isWordLike === true) words.push(segment.segment);
  }
  return words;
}

function pushWord(words: string[], raw: string): void {
  let word = raw.toLowerCase();
  if (word.length > 2 && (word.includes("'") || word.includes('’'))) {
    word = word.replace(ELISION, '').replace(POSSESSIVE, '').replaceAll('’', "'");
  }
  if (word.length > 0) words.push(word);
}

const LIGATURES: Readonly<Record<string, string>> = { œ: 'oe', æ: 'ae', ß: 'ss', ﬁ: 'fi', ﬂ: 'fl' };

/** Accent and ligature folding: "sécurité" → "securite", "œuvre" → "oeuvre". */
export function foldAccents(word: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\u0000-\u007f]*$/.test(word)) return word;
  return word
    .replace(/[œæßﬁﬂ]/gu, (c) => LIGATURES[c] ?? c)
    .normalize('NFD')
    .replace(/\p{M}+/gu, '');
}

/** Cache of word → key per language; bounded so that a long-running worker does not grow without end. */
const MAX_CACHED = 200_000;
const keyCaches = new Map<string, Map<string, string>>();

/** The matching key of a lowercase word in a language: its stem, then folded. */
export function keyOf(word: string, language: string): string {
  let cache = keyCaches.get(language);
  if (cache === undefined) {
    cache = new Map();
    keyCaches.set(language, cache);
  }
  let key = cache.get(word);
  if (key === undefined) {
    key = foldAccents(stemWord(word, language));
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(word, key);
  }
  return key;
}

const multiCaches = new Map<string, Map<string, readonly string[]>>();

/**
 * Keys of lowercase words in several languages at once: `result[l][i]` is the key of word i in
 * `languages[l]`. One cache read per word serves every language, the hot path of tagging.
 */
export function keysOfWordsIn(words: readonly string[], languages: readonly string[]): string[][] {
  const id = languages.join('\u0000');
  let cache = multiCaches.get(id);
  if (cache === undefined) multiCaches.set(id, (cache = new Map()));
  const result = languages.map(() => new Array<string>(words.length));
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    let keys = cache.get(word);
    if (keys === undefined) {
      keys = languages.map((language) => keyOf(word, language));
      if (cache.size >= MAX_CACHED) cache.clear();
      cache.set(word, keys);
    }
    for (let l = 0; l < keys.length; l++) (result[l] as string[])[i] = keys[l] as string;
  }
  return result;
}

/** Keys of a term or phrase as written in the taxonomy, in `language`. */
export function keysOf(text: string, language: string): string[] {
  return splitWords(text).map((word) => keyOf(word, language));
}

/** A category label reduced for comparison: "Open Source", "open-source" and "opensource" alike. */
export function categoryKey(label: string): string {
  return foldAccents(label.toLowerCase()).replace(/[^\p{L}\p{N}]+/gu, '');
}
