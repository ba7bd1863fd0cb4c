// Plain text from feed HTML, and short summaries cut where a reader expects: after a sentence,
// else between words, marked with "…".

import { collapseSpaces, extractText } from './html-dom.js';

const ELLIPSIS = '…';

/** Text of an HTML fragment: tags removed, entities decoded, blocks on their own lines, spaces collapsed. */
export function htmlToText(html: string): string {
  if (html.trim() === '') return '';
  // Plain text without markup or references needs no parser (most titles).
  if (!/[<&]/.test(html)) return plainText(html);
  return extractText(html);
}

/** Text without markup or references, lines kept (htmlToText's way with plain text). */
export function plainText(text: string): string {
  return text.split('\n').map(collapseSpaces).filter((l) => l !== '').join('\n');
}

/**
 * Unicode bidi embeddings, overrides and isolates (LRE, RLE, PDF, LRO, RLO: U+202A–U+202E; LRI,
 * RLI, FSI, PDI: U+2066–U+2069). They reorder the text after them, so that a title can read
 * "…‮gpj.exe" as "…exe.jpg" or turn the page around it (CVE-2021-42574, "Trojan Source"), and
 * one left open runs on into what a reader shows next. The marks LRM, RLM and ALM (U+200E, U+200F,
 * U+061C) stay: each acts as one strong character, reorders nothing else, and right-to-left titles
 * need them to show punctuation where it belongs.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

export function stripBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, '');
}

/** Made by the first text to cut: 15 to 25 ms that a run which cuts none (every feed answered 304) never pays (issue 15). */
let graphemes: Intl.Segmenter | null = null;
const graphemeSegmenter = (): Intl.Segmenter => (graphemes ??= new Intl.Segmenter('und', { granularity: 'grapheme' }));

/**
 * `text` when it has at most `maxChars` characters, else its start cut between words (or, in a
 * word longer than half the budget, between two graphemes: never inside an emoji sequence or
 * before a combining accent), ending with "…", `maxChars` characters at most. Published names
 * and titles are capped so (issue 13, finding 12: a 2 MB feed title became a source's name).
 */
export function capText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const budget = Math.max(0, Math.floor(maxChars) - ELLIPSIS.length);
  const window = text.slice(0, budget + 1); // +1: a space right after the budget still counts
  const space = window.lastIndexOf(' ');
  let cut = space > 0 && space >= budget / 2 ? space : 0;
  if (cut === 0) {
    // One more unit, so that a surrogate pair at the budget is read whole.
    for (const { index } of graphemeSegmenter().segment(text.slice(0, budget + 2))) {
      if (index > budget) break;
      cut = index;
    }
  }
  const head = trimEndOf(text.slice(0, cut), TRAILING_PUNCTUATION);
  return head + ELLIPSIS;
}

/**
 * At most `maxChars` characters of `text` on one line. When it has to cut, it prefers the end of a
 * sentence in the second half of the budget, else the last word boundary, and ends with "…".
 */
export function summarize(text: string, maxChars = 400): string {
  const flat = collapseSpaces(text);
  const limit = Math.max(1, Math.floor(maxChars));
  if (flat.length <= limit) return flat;
  const budget = limit - ELLIPSIS.length;
  if (budget <= 0) return ELLIPSIS;
  const window = flat.slice(0, budget + 1); // +1: a boundary right after the budget still counts

  let cut = -1;
  const sentenceEnd = /[.!?…]["»”’)\]]?(?=\s)/g;
  for (let m = sentenceEnd.exec(window); m !== null; m = sentenceEnd.exec(window)) {
    const end = m.index + m[0].length;
    if (end <= budget && end >= budget / 2) cut = end;
  }
  if (cut < 0) {
    const space = window.lastIndexOf(' ');
    cut = space > 0 ? space : budget;
  }
  let head = flat.slice(0, cut);
  // Never split a surrogate pair (emoji, rare CJK) in two.
  if (/[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1);
  head = trimEndOf(head, TRAILING_PUNCTUATION);
  return head === '' ? ELLIPSIS : head + ELLIPSIS;
}

/** What a cut summary does not end with before its "…". */
const TRAILING_PUNCTUATION = /[\s.,;:…\-–—]/u;

/**
 * `text` without the characters matching `char` (one character) at its end. A loop, not `/[…]+$/`,
 * which is retried at every character of each run that does not reach the end.
 */
function trimEndOf(text: string, char: RegExp): string {
  let end = text.length;
  while (end > 0 && char.test(text.charAt(end - 1))) end -= 1;
  return end === text.length ? text : text.slice(0, end);
}
