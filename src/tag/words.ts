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
  const place: WordPlace = { start: 0, end: 0 };
  while (nextWord(text, place.end, place)) pushWord(words, text.slice(place.start, place.end));
}

/** Where nextWord found a word: `text.slice(start, end)`, as WORD matched it. */
export interface WordPlace {
  start: number;
  end: number;
}

/**
 * The next match of WORD in `text` at or after `from`, written to `place`; false when there is none.
 * splitWords' words are these, lowercased by pushWord.
 */
export function nextWord(text: string, from: number, place: WordPlace): boolean {
  const length = text.length;
  let index = from;
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
      const next = kindAt(text, index + 1);
      if (!joins(last, text.charCodeAt(index), next)) break;
      index += 1;
      kind = next;
    }
    place.start = start;
    place.end = index;
    return true;
  }
  place.start = length;
  place.end = length;
  return false;
}

/**
 * Whether `joiner`, between a word character of kind `last` and one of kind `next`, joins them into one word:
 * an apostrophe (straight or curly), a period, a colon or a middle dot between letters ("l'IA", "l·l"),
 * a period, comma, semicolon or apostrophe between digits ("3.5", "1,000"). nextWord and
 * WordTable.valuesOfText both read words by it.
 */
function joins(last: number, joiner: number, next: number): boolean {
  if ((last === LETTER || last === MARK) && next === LETTER) return joiner === APOSTROPHE || joiner === RIGHT_QUOTE || joiner === 0x2e || joiner === 0x3a || joiner === 0xb7;
  return last === DIGIT && next === DIGIT && (joiner === 0x2e || joiner === 0x2c || joiner === 0x3b || joiner === APOSTROPHE || joiner === RIGHT_QUOTE);
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
  const word = wordOf(raw);
  if (word.length > 0) words.push(word);
}

/** A raw word as splitWords gives it: lowercased, without its elision or possessive; '' for none. */
export function wordOf(raw: string): string {
  let word = raw.toLowerCase();
  if (word.length > 2 && (word.includes("'") || word.includes('’'))) {
    word = word.replace(ELISION, '').replace(POSSESSIVE, '').replaceAll('’', "'");
  }
  return word;
}

/** Whether splitWords reads `text` with Intl.Segmenter (scripts written without spaces), not nextWord. */
export function needsDictionary(text: string): boolean {
  return NEEDS_DICTIONARY.test(text);
}

/** Lowercase of each Latin-1 character, as toLowerCase gives it (one Latin-1 character each). */
const LATIN1_LOWER: Uint16Array = (() => {
  const lower = new Uint16Array(256);
  for (let code = 0; code < 256; code++) lower[code] = String.fromCharCode(code).toLowerCase().charCodeAt(0);
  return lower;
})();

/** Slots a lookup reads at most; a word that finds none free is kept in the table's map instead. */
const MAX_PROBES = 16;

/**
 * Values kept per word (splitWords' lowercase form), found from a text's raw word without making its
 * string (issue 15: a first import's tagging sliced and lowercased a string for each of its million
 * words to read a map, then let it go: a third of its allocations). Open addressing over the words'
 * characters, with a seed per process and at most MAX_PROBES slots read a lookup: words that collide
 * more go to a Map, so crafted text costs no more than linear time.
 */
export class WordTable<V> {
  private readonly seed = Math.floor(Math.random() * 0x100000000) | 0;
  private keys: (string | undefined)[] = new Array<string | undefined>(1024);
  private values: (V | undefined)[] = new Array<V | undefined>(1024);
  private mask = 1023;
  private count = 0;
  private readonly overflow = new Map<string, V>();

  /** `probes`: slots a lookup reads at most (fewer in tests, to send words to the map). */
  constructor(private readonly probes: number = MAX_PROBES) {}

  get size(): number {
    return this.count + this.overflow.size;
  }

  clear(): void {
    this.keys = new Array<string | undefined>(1024);
    this.values = new Array<V | undefined>(1024);
    this.mask = 1023;
    this.count = 0;
    this.overflow.clear();
  }

  /** The value of a word (lowercase, as splitWords gives it). */
  get(word: string): V | undefined {
    let slot = this.hashOf(word) & this.mask;
    for (let probe = 0; probe < this.probes; probe++) {
      const key = this.keys[slot];
      if (key === undefined) return this.overflow.size === 0 ? undefined : this.overflow.get(word);
      if (key === word) return this.values[slot];
      slot = (slot + 1) & this.mask;
    }
    return this.overflow.get(word);
  }

  set(word: string, value: V): void {
    if (this.count * 2 >= this.mask) this.grow();
    if (!this.put(word, value)) this.overflow.set(word, value);
  }

  /**
   * The value of the raw word `text.slice(start, end)` (a nextWord place), read without making its
   * string; undefined when the word is not kept, or when it is not plain Latin-1 without an apostrophe
   * (its lowercase and elision are then wordOf's): the caller makes the word then.
   */
  at(text: string, start: number, end: number): V | undefined {
    let hash = this.seed;
    for (let index = start; index < end; index++) {
      const code = text.charCodeAt(index);
      if (code >= 256 || code === APOSTROPHE) return undefined;
      hash = Math.imul(hash ^ (LATIN1_LOWER[code] as number), 0x01000193);
    }
    return this.probe(hash, text, start, end);
  }

  /** The value of the plain Latin-1 word `text.slice(start, end)`, whose characters' unfinished hash is `hash`. */
  private probe(hash: number, text: string, start: number, end: number): V | undefined {
    let slot = finish(hash) & this.mask;
    const length = end - start;
    for (let probe = 0; probe < this.probes; probe++) {
      const key = this.keys[slot];
      if (key === undefined) return undefined;
      if (key.length === length) {
        let same = true;
        for (let k = 0; k < length; k++) {
          if (key.charCodeAt(k) !== LATIN1_LOWER[text.charCodeAt(start + k)]) {
            same = false;
            break;
          }
        }
        if (same) return this.values[slot];
      }
      slot = (slot + 1) & this.mask;
    }
    return undefined;
  }

  /**
   * The values of the words of `text` (nextWord's places, in order), written to `out` from its start
   * (what it held after them is left): their number. A word is found by its place as `at` finds it,
   * else `make` is given its raw string (wordOf's to read; undefined: no word, as for an elision alone).
   * One pass over the text's characters draws the words and hashes them (issue 15: nextWord, then `at`,
   * read each character twice, a quarter of a first import's tagging); `make` runs for words not kept.
   */
  valuesOfText(text: string, out: V[], make: (raw: string) => V | undefined): number {
    const length = text.length;
    let count = 0;
    let index = 0;
    while (index < length) {
      let code = text.charCodeAt(index);
      let kind = code < 256 ? (LATIN1_KINDS[code] as number) : kindAt(text, index);
      if (kind === NONE) {
        index += 1;
        continue;
      }
      // nextWord's loop, hashing each character of the word as `at` does; plain: Latin-1, no apostrophe.
      const start = index;
      let hash = this.seed;
      let plain = true;
      let last = kind;
      for (;;) {
        while (kind !== NONE) {
          last = kind;
          if (code < 256 && code !== APOSTROPHE) hash = Math.imul(hash ^ (LATIN1_LOWER[code] as number), 0x01000193);
          else plain = false;
          index += code >= 0xd800 && code <= 0xdbff && index + 1 < length && isLowSurrogate(text.charCodeAt(index + 1)) ? 2 : 1;
          if (index < length) {
            code = text.charCodeAt(index);
            kind = code < 256 ? (LATIN1_KINDS[code] as number) : kindAt(text, index);
          } else kind = NONE;
        }
        if (index + 1 >= length) break;
        const joiner = code;
        const next = kindAt(text, index + 1);
        if (!joins(last, joiner, next)) break;
        if (joiner < 256 && joiner !== APOSTROPHE) hash = Math.imul(hash ^ (LATIN1_LOWER[joiner] as number), 0x01000193);
        else plain = false;
        index += 1;
        code = text.charCodeAt(index);
        kind = next;
      }
      const value = (plain ? this.probe(hash, text, start, index) : undefined) ?? make(text.slice(start, index));
      if (value !== undefined) out[count++] = value;
    }
    return count;
  }

  private hashOf(word: string): number {
    let hash = this.seed;
    for (let index = 0; index < word.length; index++) hash = Math.imul(hash ^ word.charCodeAt(index), 0x01000193);
    return finish(hash);
  }

  /** False when no slot is free within `probes`. */
  private put(word: string, value: V): boolean {
    let slot = this.hashOf(word) & this.mask;
    for (let probe = 0; probe < this.probes; probe++) {
      const key = this.keys[slot];
      if (key === undefined || key === word) {
        if (key === undefined) this.count += 1;
        this.keys[slot] = word;
        this.values[slot] = value;
        return true;
      }
      slot = (slot + 1) & this.mask;
    }
    return false;
  }

  private grow(): void {
    const { keys, values } = this;
    const capacity = (this.mask + 1) * 2;
    this.keys = new Array<string | undefined>(capacity);
    this.values = new Array<V | undefined>(capacity);
    this.mask = capacity - 1;
    this.count = 0;
    for (let slot = 0; slot < keys.length; slot++) {
      const key = keys[slot];
      if (key !== undefined && !this.put(key, values[slot] as V)) this.overflow.set(key, values[slot] as V);
    }
  }
}

/** The last mixing of a word's hash, so that its low bits (the slot) depend on every character. */
function finish(hash: number): number {
  let h = hash ^ (hash >>> 16);
  h = Math.imul(h, 0x7feb352d);
  return h ^ (h >>> 15);
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
    key = uncachedKeyOf(word, language);
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(word, key);
  }
  return key;
}

/**
 * keyOf's key without its cache: for a caller that keeps what it makes of each word itself (the tagger's
 * word infos), so that the word is not held twice (issue 15: a first import's content words).
 */
export function uncachedKeyOf(word: string, language: string): string {
  return foldAccents(stemWord(word, language));
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
