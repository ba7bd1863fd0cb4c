// eld's detection (eld 2.1, Apache-2.0, © Nito T.M.: src/languageDetector.js and LanguageResult.js)
// on its own tables, with its answers and scores, without a string or an object per n-gram: eld's
// detect() built each text's n-grams as keys of a fresh object and read its table by them, the top
// self time of the processing thread (issue 15). Here the n-grams are the text's UTF-8 bytes packed
// into numbers, counted once each in an open-addressing table, and scored from one array.

import type { EldTables } from './eld-tables.js';

/** What eld's modules give that its detection reads beside the tables. */
export interface EldParts {
  /** eld/src/dictionary.js: the character eld writes for each UTF-8 byte of a non-ASCII character. */
  readonly dictionary: readonly string[];
  /** eld/src/regexPatterns.js `separators`: runs of non-letters, replaced by a space. */
  readonly separators: RegExp;
  /** eld/src/avgScore.js: each language's average score in a correct detection. */
  readonly avgScore: Readonly<Record<string, number>>;
}

/** eld's LanguageResult, read: the language ('' for none), isReliable() and getScores()' values, best first. */
export interface EldAnswer {
  readonly language: string;
  readonly reliable: boolean;
  readonly scores: readonly number[];
}

/** eld cuts a text to its first 1,000 characters, then its bytes after the first space past 350, or at 380. */
const MAX_TEXT_CHARS = 1000;
const CUT_AFTER_BYTES = 350;
const ENFORCE_CUT_BYTES = 380;
/** Bytes one text can give: the cut plus one character of four. */
const MAX_BYTES = ENFORCE_CUT_BYTES + 4;
/** eld reads n-grams in the first 70 bytes of a word only. */
const MAX_WORD_BYTES = 70;
/** eld adds this to each stored score (its tables store the score less it). */
const BASE_NGRAM_SCORE = 53;
/** eld scales raw scores by this (LanguageResult's orderAndScale). */
const SCALE = 25;
/** isReliable()'s default ratio of a language's average score. */
const RELIABLE_RATIO = 0.75;
const SPACE = 0x20;
/** Slots of the per-text n-gram set: a text has at most about MAX_BYTES / 2 n-grams, so the load stays under ½. */
const SEEN_SLOTS = 1024;

/**
 * An n-gram of eld's is at most six byte characters (a space, four bytes, a space), each below 256:
 * `high` holds its length and first two, `low` the next four. A longer one (the tail of a word past
 * 70 bytes) is kept as its string.
 */
interface Packed {
  high: number;
  low: number;
}

function pack(codes: ArrayLike<number>, start: number, end: number, into: Packed): void {
  let high = end - start;
  let low = 0;
  for (let at = start; at < end; at += 1) {
    const code = codes[at] ?? 0;
    if (at - start < 2) high = (high << 8) | code;
    else low = ((low << 8) | code) >>> 0;
  }
  into.high = high;
  into.low = low;
}

function slotOf(high: number, low: number, mask: number): number {
  const mixed = Math.imul(high ^ Math.imul(low, 0x9e3779b1), 0x85ebca6b);
  return (mixed ^ (mixed >>> 15)) & mask;
}

export interface EldScorer {
  /** eld's detect(text) with setLanguageSubset(allowed), read as EldAnswer. */
  detect(text: string): EldAnswer;
}

/**
 * A scorer for `allowed` on `tables` (eld-tables.ts, cut to the allowed languages or not): only the
 * subset's languages can answer, as in eld with setLanguageSubset(allowed).
 */
export function createEldScorer(tables: EldTables, allowed: readonly string[], parts: EldParts): EldScorer {
  // The subset's language indexes in ascending order: eld's own order when it picks and sorts.
  const languages = Object.keys(tables.languages)
    .filter((index) => allowed.includes(tables.languages[index] ?? ''))
    .map(Number)
    .sort((a, b) => a - b);
  const column = new Map(languages.map((index, at) => [String(index), at]));
  const width = languages.length;

  // The table: packed n-gram → row of scores (eld's score + 53 per subset language that has it, else 0).
  const entries = Object.entries(tables.ngrams);
  let tableSlots = 1;
  while (tableSlots < entries.length * 2) tableSlots *= 2;
  const tableMask = tableSlots - 1;
  const tableHigh = new Int32Array(tableSlots);
  const tableLow = new Int32Array(tableSlots);
  const tableRow = new Int32Array(tableSlots).fill(-1);
  const rows = new Float64Array(Math.max(1, entries.length * width));
  const longRows = new Map<string, number>();
  const packed: Packed = { high: 0, low: 0 };
  const keyCodes: number[] = [];
  entries.forEach(([ngram, scores], row) => {
    for (const [index, score] of Object.entries(scores)) {
      const at = column.get(index);
      if (at !== undefined) rows[row * width + at] = score + BASE_NGRAM_SCORE;
    }
    if (ngram.length > 6) {
      longRows.set(ngram, row);
      return;
    }
    keyCodes.length = 0;
    for (let at = 0; at < ngram.length; at += 1) keyCodes.push(ngram.charCodeAt(at));
    if (keyCodes.some((code) => code > 0xff)) return; // no byte character: no text gives it
    pack(keyCodes, 0, keyCodes.length, packed);
    let slot = slotOf(packed.high, packed.low, tableMask);
    while (tableRow[slot] !== -1) slot = (slot + 1) & tableMask;
    tableHigh[slot] = packed.high;
    tableLow[slot] = packed.low | 0;
    tableRow[slot] = row;
  });
  const dictionary = Uint8Array.from(parts.dictionary, (character) => character.charCodeAt(0));
  if (parts.dictionary.length !== 256 || parts.dictionary.some((character) => character.length !== 1 || character.charCodeAt(0) > 0xff)) {
    throw new Error('language: eld dictionary: expected 256 characters below U+0100');
  }

  // Scratch, reused by each call: the text's byte characters, where its words end, the n-gram set.
  const bytes = new Uint8Array(MAX_BYTES);
  const wordEnds = new Int32Array(MAX_BYTES + 1);
  const seenHigh = new Int32Array(SEEN_SLOTS);
  const seenLow = new Int32Array(SEEN_SLOTS);
  const seenStamp = new Int32Array(SEEN_SLOTS);
  let stamp = 0;
  const gram = new Uint8Array(6);
  const sums = new Float64Array(width);

  function rowOf(high: number, low: number): number {
    for (let slot = slotOf(high, low, tableMask); ; slot = (slot + 1) & tableMask) {
      const row = tableRow[slot] ?? -1;
      if (row === -1 || (tableHigh[slot] === high && tableLow[slot] === (low | 0))) return row;
    }
  }

  /** Adds the n-gram once to the text's set and, the first time, its scores to the sums; true when new. */
  function count(high: number, low: number): boolean {
    for (let slot = slotOf(high, low, SEEN_SLOTS - 1); ; slot = (slot + 1) & (SEEN_SLOTS - 1)) {
      if (seenStamp[slot] !== stamp) {
        seenStamp[slot] = stamp;
        seenHigh[slot] = high;
        seenLow[slot] = low | 0;
        const row = rowOf(high, low);
        if (row >= 0) for (let at = 0; at < width; at += 1) sums[at] = (sums[at] ?? 0) + (rows[row * width + at] ?? 0);
        return true;
      }
      if (seenHigh[slot] === high && seenLow[slot] === (low | 0)) return false;
    }
  }

  function detect(input: string): EldAnswer {
    // eld's textProcessor: separators to spaces, trimmed, lowercased, then strToUtf8Bytes, which
    // writes each character's UTF-8 bytes (ASCII as itself, others through the dictionary) and ends
    // a word at each space; a space counts as a byte though it is not written.
    const text = input.substring(0, MAX_TEXT_CHARS).replace(parts.separators, ' ').trim().toLowerCase();
    let length = 0;
    let countBytes = 0;
    let words = 0;
    for (let index = 0; index < text.length; index += 1) {
      let code = text.charCodeAt(index);
      if (code < 0x80) {
        if (code === SPACE) {
          if (length > (words === 0 ? 0 : (wordEnds[words - 1] ?? 0))) wordEnds[words++] = length;
          if (countBytes > CUT_AFTER_BYTES) break;
        } else {
          bytes[length++] = code;
        }
        countBytes += 1;
      } else if (code < 0x800) {
        bytes[length++] = dictionary[0xc0 | (code >> 6)] ?? 0;
        bytes[length++] = dictionary[0x80 | (code & 0x3f)] ?? 0;
        countBytes += 2;
      } else if (code < 0xd800 || code >= 0xe000) {
        bytes[length++] = dictionary[0xe0 | (code >> 12)] ?? 0;
        bytes[length++] = dictionary[0x80 | ((code >> 6) & 0x3f)] ?? 0;
        bytes[length++] = dictionary[0x80 | (code & 0x3f)] ?? 0;
        countBytes += 3;
      } else {
        index += 1;
        code = 0x10000 + (((code & 0x3ff) << 10) | (text.charCodeAt(index) & 0x3ff));
        bytes[length++] = dictionary[0xf0 | (code >> 18)] ?? 0;
        bytes[length++] = dictionary[0x80 | ((code >> 12) & 0x3f)] ?? 0;
        bytes[length++] = dictionary[0x80 | ((code >> 6) & 0x3f)] ?? 0;
        bytes[length++] = dictionary[0x80 | (code & 0x3f)] ?? 0;
        countBytes += 4;
      }
      if (countBytes > ENFORCE_CUT_BYTES) break;
    }
    if (length > (words === 0 ? 0 : (wordEnds[words - 1] ?? 0))) wordEnds[words++] = length;

    // eld's getByteNgrams: in each word, four bytes every three (the first after a space), then
    // its last four (or all of a shorter word) before a space; each distinct n-gram counted once.
    stamp += 1;
    sums.fill(0);
    let distinct = 0;
    let longGrams: Set<string> | null = null;
    let start = 0;
    for (let word = 0; word < words; word += 1) {
      const end = wordEnds[word] ?? 0;
      const size = end - start;
      const len = Math.min(size, MAX_WORD_BYTES);
      let j = 0;
      for (; j + 4 < len; j += 3) {
        let n = 0;
        if (j === 0) gram[n++] = SPACE;
        for (let at = start + j; at < start + j + 4; at += 1) gram[n++] = bytes[at] ?? 0;
        pack(gram, 0, n, packed);
        if (count(packed.high, packed.low)) distinct += 1;
      }
      // substring(len - 4) reads to the word's end, past 70 bytes too; a negative start is 0.
      const tailStart = start + (len !== 3 ? Math.max(0, len - 4) : 0);
      const tailSize = end - tailStart + (j === 0 ? 2 : 1);
      if (tailSize <= 6) {
        let n = 0;
        if (j === 0) gram[n++] = SPACE;
        for (let at = tailStart; at < end; at += 1) gram[n++] = bytes[at] ?? 0;
        gram[n++] = SPACE;
        pack(gram, 0, n, packed);
        if (count(packed.high, packed.low)) distinct += 1;
      } else {
        let tail = j === 0 ? ' ' : '';
        for (let at = tailStart; at < end; at += 1) tail += String.fromCharCode(bytes[at] ?? 0);
        tail += ' ';
        longGrams ??= new Set();
        if (!longGrams.has(tail)) {
          longGrams.add(tail);
          distinct += 1;
          const row = longRows.get(tail);
          if (row !== undefined) for (let at = 0; at < width; at += 1) sums[at] = (sums[at] ?? 0) + (rows[row * width + at] ?? 0);
        }
      }
      start = end;
    }

    // eld's filterLangSubset and getMaxLang: the first highest positive score; then LanguageResult.
    let best = -1;
    for (let at = 0; at < width; at += 1) if ((sums[at] ?? 0) > 0 && (sums[at] ?? 0) > (best < 0 ? 0 : (sums[best] ?? 0))) best = at;
    if (best < 0) return { language: '', reliable: false, scores: [] };
    const ordered: { index: number; score: number }[] = [];
    for (let at = 0; at < width; at += 1) {
      const raw = sums[at] ?? 0;
      if (raw <= 0) continue;
      const perNgram = raw / distinct;
      ordered.push({ index: languages[at] ?? 0, score: perNgram / (perNgram + SCALE) });
    }
    ordered.sort((a, b) => b.score - a.score);
    const language = tables.languages[String(languages[best])] ?? '';
    const top = ordered[0]?.score ?? 0;
    // As eld 2.1 reads it: the runner-up's "score" is its language index (results[1][0]).
    const next = ordered.length > 1 ? (ordered[1]?.index ?? 0) : 0;
    const reliable = distinct >= 3 && !((parts.avgScore[language] ?? Number.NaN) * RELIABLE_RATIO > top || 0.01 > Math.abs(top - next));
    return { language, reliable, scores: ordered.map(({ score }) => score) };
  }
  return { detect };
}
