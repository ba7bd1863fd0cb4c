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
