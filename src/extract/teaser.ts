// Whether a feed gave an item's article or only a teaser of it: few words, or a known "read more"
// ending (WordPress's "[…]", "Continue reading", "Lire la suite"…). The patterns are data (config).

/** The default "read more" phrases, matched at the end of the text, case and accents folded. Sorted. */
export const DEFAULT_READ_MORE_PATTERNS: readonly string[] = Object.freeze([
  '[...]',
  '[…]',
  'continue reading',
  'continuer la lecture',
  'lire la suite',
  'read more',
  'read the full article',
  'read the full story',
]);

export interface TeaserRule {
  /** Fewer words than this: a teaser. */
  readonly minWords: number;
  /** Phrases that end a teaser (compared with case and accents folded). */
  readonly readMore: readonly string[];
}

/** True when `text` (an item's plain text, title excluded) looks like a teaser under `rule`. */
export function isTeaser(text: string, rule: TeaserRule): boolean {
  if (countWords(text, rule.minWords) < rule.minWords) return true;
  const tail = trimEnding(fold(text.slice(-200)));
  return rule.readMore.some((phrase) => {
    const folded = trimEnding(fold(phrase));
    return folded !== '' && tail.endsWith(folded);
  });
}

/** What may follow a "read more" phrase: spaces, dots, arrows, closing quotes. */
const ENDING = new Set([' ', '.', '…', '»', '›', '→', '>', '"', '”', "'", ')', ':']);

function trimEnding(text: string): string {
  let end = text.length;
  while (end > 0 && ENDING.has(text[end - 1] as string)) end -= 1;
  return text.slice(0, end);
}

/** Words in `text`, counted up to `limit` (a long text is not read to its end). */
function countWords(text: string, limit: number): number {
  let words = 0;
  for (const _match of text.matchAll(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu)) {
    words += 1;
    if (words >= limit) break;
  }
  return words;
}

function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}
