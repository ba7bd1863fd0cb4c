// What the grouping compares: word shingles and their MinHash signature, names (people,
// projects, conferences, versions), normalized titles and URLs. Pure functions; the signature's
// scratch tables are reused between calls and never outlive one.

/** Number of MinHash functions; BANDS × ROWS, a multiple of 4 (computeMinHash). */
export const SIGNATURE_SIZE = 64;
export const BANDS = 16;
export const ROWS = SIGNATURE_SIZE / BANDS;

const SEEDS: Uint32Array = (() => {
  const seeds = new Uint32Array(SIGNATURE_SIZE);
  let state = 0x9e3779b9;
  for (let i = 0; i < SIGNATURE_SIZE; i += 1) {
    // xorshift32: fixed seeds, so signatures are the same from run to run.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    seeds[i] = state >>> 0;
  }
  return seeds;
})();

/**
 * Lower-case words of letters and digits (accents kept: French text is compared as French): the
 * words shingleHashesOf hashes in place, for tests and benches.
 */
export function tokenizeWords(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+(?:[.'’][\p{L}\p{N}]+)*/gu) ?? [];
}

/** 32-bit FNV-1a. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Hashes of the word 3-shingles of a text (the words themselves when it has fewer than three). */
export function hashShingles(words: readonly string[]): Uint32Array {
  const size = 3;
  const wordHashes = words.map(hashString);
  if (words.length < size) return Uint32Array.from(wordHashes);
  const hashes = new Set<number>();
  for (let i = 0; i + size <= wordHashes.length; i += 1) {
    // Combined from the words' hashes, without building the shingle's string.
    let h = Math.imul((wordHashes[i] as number) ^ 0x9e3779b9, 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 15) ^ (wordHashes[i + 1] as number), 0xc2b2ae35);
    h = Math.imul(h ^ (h >>> 13) ^ (wordHashes[i + 2] as number), 0x27d4eb2f);
    hashes.add((h ^ (h >>> 16)) >>> 0);
  }
  return Uint32Array.from(hashes);
}

/** SEEDS read as signed 32-bit integers: the loop below stays in small integers (no heap numbers). */
const SIGNED_SEEDS = new Int32Array(SEEDS.buffer);

/**
 * For each seed, the least of murmur3's finalizer over the shingles xor the seed, compared as
 * unsigned. Four seeds at a time over all shingles, with the running minima held in locals and the
 * values flipped by 2^31 so that a signed comparison orders them as unsigned ones: each shingle is
 * read once per four seeds, and the four finalizers are independent work for the processor (issue
 * 15: a fifth less CPU than one seed at a time, which was a third less than the shingle-major loop
 * over a Uint32Array), the same values.
 */
export function computeMinHash(shingles: Uint32Array): Uint32Array {
  const signature = new Uint32Array(SIGNATURE_SIZE);
  const values = new Int32Array(shingles.buffer, shingles.byteOffset, shingles.length);
  const count = values.length;
  for (let i = 0; i < SIGNATURE_SIZE; i += 4) {
    const seed0 = SIGNED_SEEDS[i] as number;
    const seed1 = SIGNED_SEEDS[i + 1] as number;
    const seed2 = SIGNED_SEEDS[i + 2] as number;
    const seed3 = SIGNED_SEEDS[i + 3] as number;
    // 0xffffffff, flipped
    let least0 = 0x7fffffff;
    let least1 = 0x7fffffff;
    let least2 = 0x7fffffff;
    let least3 = 0x7fffffff;
    for (let k = 0; k < count; k += 1) {
      const value = values[k] as number;
      // murmur3's 32-bit finalizer of the value xor each seed, flipped by 2^31.
      let h0 = value ^ seed0;
      h0 ^= h0 >>> 16;
      h0 = Math.imul(h0, 0x85ebca6b);
      h0 ^= h0 >>> 13;
      h0 = Math.imul(h0, 0xc2b2ae35);
      h0 ^= h0 >>> 16;
      h0 ^= 0x80000000;
      if (h0 < least0) least0 = h0;
      let h1 = value ^ seed1;
      h1 ^= h1 >>> 16;
      h1 = Math.imul(h1, 0x85ebca6b);
      h1 ^= h1 >>> 13;
      h1 = Math.imul(h1, 0xc2b2ae35);
      h1 ^= h1 >>> 16;
      h1 ^= 0x80000000;
      if (h1 < least1) least1 = h1;
      let h2 = value ^ seed2;
      h2 ^= h2 >>> 16;
      h2 = Math.imul(h2, 0x85ebca6b);
      h2 ^= h2 >>> 13;
      h2 = Math.imul(h2, 0xc2b2ae35);
      h2 ^= h2 >>> 16;
      h2 ^= 0x80000000;
      if (h2 < least2) least2 = h2;
      let h3 = value ^ seed3;
      h3 ^= h3 >>> 16;
      h3 = Math.imul(h3, 0x85ebca6b);
      h3 ^= h3 >>> 13;
      h3 = Math.imul(h3, 0xc2b2ae35);
      h3 ^= h3 >>> 16;
      h3 ^= 0x80000000;
      if (h3 < least3) least3 = h3;
    }
    signature[i] = (least0 ^ 0x80000000) >>> 0;
    signature[i + 1] = (least1 ^ 0x80000000) >>> 0;
    signature[i + 2] = (least2 ^ 0x80000000) >>> 0;
    signature[i + 3] = (least3 ^ 0x80000000) >>> 0;
  }
  return signature;
}

/**
 * What near-duplicate matching needs of an item's title and summary: the number of their word
 * 3-shingles and their MinHash. Computed once per item (on the processing thread) and stored,
 * so that grouping does not recompute the whole window every cycle.
 */
export interface TextSignature {
  readonly shingles: number;
  readonly minHash: Uint32Array;
}

export function computeTextSignature(title: string, summary: string): TextSignature {
  const shingles = shingleHashesOf(`${title} ${summary}`.toLowerCase());
  return { shingles: shingles.length, minHash: computeMinHash(shingles) };
}

/** Letters and numbers (\p{L}, \p{N}) of the Basic Multilingual Plane, each told once: 0 not yet, 1 neither, 2 one. */
const BMP_WORD_CLASSES = new Uint8Array(0x10000);
const WORD_CHAR = /^[\p{L}\p{N}]$/u;

/** The UTF-16 units (1 or 2) of the code point at `index` when it is a letter or number, else 0. */
function wordUnitsAt(text: string, index: number): number {
  const code = text.charCodeAt(index);
  if (code < 0xd800 || code > 0xdfff) {
    let known = BMP_WORD_CLASSES[code] as number;
    if (known === 0) {
      known = WORD_CHAR.test(String.fromCharCode(code)) ? 2 : 1;
      BMP_WORD_CLASSES[code] = known;
    }
    return known === 2 ? 1 : 0;
  }
  const point = text.codePointAt(index) as number;
  // A lone surrogate is no letter.
  return point > 0xffff && WORD_CHAR.test(String.fromCodePoint(point)) ? 2 : 0;
}

/** Scratch space of shingleHashesOf, grown as needed: its values never outlive the call. */
let wordScratch = new Int32Array(1024);
let shingleScratch = new Int32Array(1024);
/** The table of distinct shingles: a slot holds its shingle's hash when its stamp is the call's. */
let slotHashes = new Int32Array(2048);
let slotStamps = new Uint32Array(2048);
let stamp = 0;
/**
 * Slots (and words) kept between calls at most, about 2 MiB of scratch in all: an outsized title
 * grows the scratch for its own call only, and does not hold it for the thread's life.
 */
const KEPT_SLOTS = 1 << 17;
/**
 * The table's slot of a hash is its product by this odd number, top bits (multiply-shift hashing):
 * drawn per process, so that no feed can choose words whose shingles all want one slot (the table
 * stays linear); which shingles are distinct, and their order, do not depend on it.
 */
const SLOT_MULTIPLIER = (Math.floor(Math.random() * 0x80000000) * 2 + 1) | 0;

/**
 * hashShingles(tokenizeWords(text)) for a lower-cased text, in one pass: each word (a match of
 * tokenizeWords' expression) is hashed where it lies, with no string made of it (issue 15: the words
 * of every item's title and summary were a list of strings on the processing thread), and the
 * 3-shingles are told apart in an open-addressing table, not a set of numbers. The shingles come in
 * the same order; the result is a view into scratch space, read before the next call.
 */
function shingleHashesOf(text: string): Uint32Array {
  const length = text.length;
  if (wordScratch.length < (length >> 1) + 1) wordScratch = new Int32Array((length >> 1) + 1);
  let words = 0;
  let index = 0;
  while (index < length) {
    let units = wordUnitsAt(text, index);
    if (units === 0) {
      index += 1;
      continue;
    }
    let hash = 0x811c9dc5;
    for (;;) {
      for (; units > 0; units -= 1, index += 1) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
      units = index < length ? wordUnitsAt(text, index) : 0;
      if (units > 0) continue;
      // A '.', an apostrophe or ’ between two words' characters joins them.
      const separator = index + 1 < length ? text.charCodeAt(index) : 0;
      if ((separator !== 0x2e && separator !== 0x27 && separator !== 0x2019) || wordUnitsAt(text, index + 1) === 0) break;
      hash = Math.imul(hash ^ separator, 0x01000193);
      index += 1;
      units = wordUnitsAt(text, index);
    }
    wordScratch[words] = hash;
    words += 1;
  }
  if (words < 3) {
    const few = new Uint32Array(wordScratch.buffer.slice(0, 4 * words));
    if (wordScratch.length > KEPT_SLOTS) releaseScratch();
    return few;
  }
  const count = words - 2;
  if (shingleScratch.length < count) shingleScratch = new Int32Array(count);
  // A power of two at least twice the shingles: linear probing finds a free slot in a few steps.
  let slots = slotHashes.length;
  while (slots < 2 * count) slots *= 2;
  const shift = 32 - Math.log2(slots);
  if (slots > slotHashes.length) {
    slotHashes = new Int32Array(slots);
    slotStamps = new Uint32Array(slots);
  }
  stamp = stamp === 0xffffffff ? 1 : stamp + 1;
  if (stamp === 1) slotStamps.fill(0);
  const mask = slots - 1;
  let unique = 0;
  for (let i = 0; i < count; i += 1) {
    // hashShingles' combination of three words' hashes.
    let h = Math.imul((wordScratch[i] as number) ^ 0x9e3779b9, 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 15) ^ (wordScratch[i + 1] as number), 0xc2b2ae35);
    h = Math.imul(h ^ (h >>> 13) ^ (wordScratch[i + 2] as number), 0x27d4eb2f);
    const shingle = h ^ (h >>> 16);
    let slot = Math.imul(shingle, SLOT_MULTIPLIER) >>> shift;
    while (slotStamps[slot] === stamp && slotHashes[slot] !== shingle) slot = (slot + 1) & mask;
    if (slotStamps[slot] === stamp) continue;
    slotStamps[slot] = stamp;
    slotHashes[slot] = shingle;
    shingleScratch[unique] = shingle;
    unique += 1;
  }
  const shingles = new Uint32Array(shingleScratch.buffer, 0, unique);
  if (slots > KEPT_SLOTS || wordScratch.length > KEPT_SLOTS) releaseScratch();
  return shingles;
}

/** Back to the starting scratch (a view already returned keeps its own buffer). */
function releaseScratch(): void {
  wordScratch = new Int32Array(1024);
  shingleScratch = new Int32Array(1024);
  slotHashes = new Int32Array(2048);
  slotStamps = new Uint32Array(2048);
}

/**
 * The version of the shingling and MinHash behind a stored signature (shingleHashesOf, which
 * tokenizeWords and hashShingles spell out step by step, SEEDS, mix, SIGNATURE_SIZE). Raise it with any change to them: a stored signature
 * of another version is never compared with a new one, its item's signature is computed again
 * from its text when grouping.
 */
export const TEXT_SIGNATURE_VERSION = 1;

/**
 * The version of signatures stored before the version byte existed (260 bytes, no leading byte).
 * They were computed by the shingling of version 1, unchanged since: read as version 1, so that
 * a store upgraded in place keeps its signatures instead of recomputing the window's every cycle.
 */
const UNVERSIONED_SIGNATURE_VERSION = 1;

const SIGNATURE_BODY_BYTES = 4 * (1 + SIGNATURE_SIZE);

/** Stored form: a version byte, then the shingle count and the MinHash values, 32-bit little-endian each. */
export function encodeTextSignature(signature: TextSignature): Uint8Array {
  const bytes = new Uint8Array(1 + SIGNATURE_BODY_BYTES);
  bytes[0] = TEXT_SIGNATURE_VERSION;
  const view = new DataView(bytes.buffer, 1);
  view.setUint32(0, signature.shingles, true);
  for (let i = 0; i < SIGNATURE_SIZE; i += 1) view.setUint32(4 * (i + 1), signature.minHash[i] as number, true);
  return bytes;
}

/** The version of stored signature bytes, or null when they are not a signature. */
export function readTextSignatureVersion(bytes: Uint8Array): number | null {
  if (bytes.byteLength === SIGNATURE_BODY_BYTES) return UNVERSIONED_SIGNATURE_VERSION;
  if (bytes.byteLength === 1 + SIGNATURE_BODY_BYTES) return bytes[0] as number;
  return null;
}

/**
 * The signature stored by encodeTextSignature, or null when the bytes are not one or were made by
 * another version of the shingling (TEXT_SIGNATURE_VERSION): the caller computes it again.
 */
export function decodeTextSignature(bytes: Uint8Array): TextSignature | null {
  const minHash = new Uint32Array(SIGNATURE_SIZE);
  const shingles = decodeTextSignatureInto(bytes, minHash, 0);
  return shingles === null ? null : { shingles, minHash };
}

/**
 * decodeTextSignature's MinHash values written into `target` from `at` (SIGNATURE_SIZE of them), and
 * its shingle count returned; null, and nothing written, when the bytes are not a signature of this
 * version. For a caller that keeps many signatures in one array (issue 15: grouping held an
 * ArrayBuffer for each of a first import's 17,680).
 */
export function decodeTextSignatureInto(bytes: Uint8Array, target: Uint32Array, at: number): number | null {
  if (readTextSignatureVersion(bytes) !== TEXT_SIGNATURE_VERSION) return null;
  const offset = bytes.byteLength - SIGNATURE_BODY_BYTES;
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, SIGNATURE_BODY_BYTES);
  for (let i = 0; i < SIGNATURE_SIZE; i += 1) target[at + i] = view.getUint32(4 * (i + 1), true);
  return view.getUint32(0, true);
}

/** The share of equal MinHash values: an estimate of the Jaccard similarity of the shingle sets. */
export function estimateJaccard(a: Uint32Array, b: Uint32Array): number {
  let equal = 0;
  for (let i = 0; i < SIGNATURE_SIZE; i += 1) if (a[i] === b[i]) equal += 1;
  return equal / SIGNATURE_SIZE;
}

/**
 * LSH band keys: two items whose signatures agree on one whole band become candidates. A key is
 * the band's number and a 32-bit hash of its rows (a collision only adds a candidate, which the
 * signature's estimate then rejects).
 */
export function toBandKeys(signature: Uint32Array): number[] {
  const keys: number[] = [];
  for (let band = 0; band < BANDS; band += 1) {
    let h = 0x811c9dc5;
    for (let row = 0; row < ROWS; row += 1) h = Math.imul(h ^ (signature[band * ROWS + row] as number), 0x01000193);
    keys.push(band * 0x100000000 + (h >>> 0));
  }
  return keys;
}

// Capitalized words that start sentences or titles in English and French, not names.
const NOT_NAMES: ReadonlySet<string> = new Set(
  (
    'a an and are as at be but by for from how in is it its new of on or our the this to we what when why with you your ' +
    'introducing announcing today how why what our more ' +
    'ai ia ' +
    'au aux ce ces cet cette dans de des du elle en est et il ils la le les leur lire mais nous on ou par pour que qui sa se ses son sur un une vous ' +
    'à é ça'
  ).split(' '),
);

const CAPITAL = /\p{Lu}/u;
const LETTER_OR_NUMBER = /^[\p{L}\p{N}]$/u;

/** Latin-1 characters: 1 a letter or number (\p{L}, \p{N}), 2 also an upper-case letter (\p{Lu}); the feeds' nearly every character. */
const LATIN1_CLASSES: Uint8Array = (() => {
  const classes = new Uint8Array(256);
  for (let code = 0; code < 256; code += 1) {
    const char = String.fromCharCode(code);
    classes[code] = LETTER_OR_NUMBER.test(char) ? (CAPITAL.test(char) ? 2 : 1) : 0;
  }
  return classes;
})();

/** The length (1 or 2) of the code point at `index` when it is a letter or number, else 0. */
function letterOrNumberAt(text: string, index: number): number {
  const code = text.charCodeAt(index);
  if (code < 256) return (LATIN1_CLASSES[code] as number) > 0 ? 1 : 0;
  const point = text.codePointAt(index) as number;
  return LETTER_OR_NUMBER.test(String.fromCodePoint(point)) ? (point > 0xffff ? 2 : 1) : 0;
}

/** Whether the UTF-16 unit at `index` is an upper-case letter (\p{Lu}): the test of a token's first character. */
function isCapitalAt(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return code < 256 ? LATIN1_CLASSES[code] === 2 : CAPITAL.test(text[index] as string);
}

/**
 * Names a text mentions: capitalized words, acronyms and numbers of two digits or more
 * (years, versions), lower-cased. They survive translation: "AAAI 2025", "FLUID", "Santhanam".
 * Its tokens are /[\p{L}\p{N}]+(?:[.\-][\p{L}\p{N}]+)*\/gu's matches, read in one pass: a token is made
 * a string only when it can be a name (issue 15: the list of every token of every title and summary
 * was 43 MB of a first import's allocations on the main thread).
 */
export function extractNames(text: string): Set<string> {
  const names = new Set<string>();
  const length = text.length;
  let index = 0;
  while (index < length) {
    let width = letterOrNumberAt(text, index);
    if (width === 0) {
      index += 1;
      continue;
    }
    const start = index;
    for (;;) {
      while (width > 0) {
        index += width;
        width = index < length ? letterOrNumberAt(text, index) : 0;
      }
      const separator = index + 1 < length ? text.charCodeAt(index) : 0;
      if ((separator !== 0x2e && separator !== 0x2d) || letterOrNumberAt(text, index + 1) === 0) break;
      index += 1;
      width = letterOrNumberAt(text, index);
    }
    addName(names, text, start, index);
  }
  return names;
}

/** The token text[start, end) when it is a name: most words are neither capitalized nor numbers, told before any string is made. */
function addName(names: Set<string>, text: string, start: number, end: number): void {
  const first = text.charCodeAt(start);
  const startsWithDigit = first >= 0x30 && first <= 0x39;
  if (!startsWithDigit && (end - start < 2 || !isCapitalAt(text, start))) return;
  const token = text.slice(start, end);
  const lower = token.toLowerCase();
  if (NOT_NAMES.has(lower)) return;
  const isCapitalized = isCapitalAt(text, start);
  const isNumber = startsWithDigit && /^\d[\d.]*$/.test(token);
  if (isNumber ? token.replace(/\./g, '').length >= 2 : isCapitalized && token.length >= 2) names.add(lower);
}

/** Numbers in a title ("1.9544.24", "4.6"): two titles that carry different ones are different releases. */
export function readTitleNumbers(title: string): string {
  return (title.match(/\d+(?:\.\d+)*/g) ?? []).sort().join(' ');
}

export function normalizeTitle(title: string): string {
  return tokenizeWords(title).join(' ');
}
