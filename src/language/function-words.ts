// A text that is plainly in the language its feed declares needs no n-gram detection: its most
// common function words say so. This check lets the language stage skip eld (about 50 µs an item,
// and 0.6 s and 60 MB to load in each thread) for the common case; anything less than plain goes
// to eld as before.

/**
 * Frequent words of each language that the other listed languages do not use as words (English
 * "on" and "a" are French words too, French "an" and "plus" English ones: left out). Sorted.
 */
const FUNCTION_WORDS: Readonly<Record<string, ReadonlySet<string>>> = {
  en: new Set([
    'about', 'and', 'are', 'been', 'but', 'by', 'can', 'for', 'from', 'has', 'have', 'how', 'into', 'is', 'it',
    'its', 'new', 'not', 'of', 'our', 'that', 'the', 'their', 'they', 'this', 'to', 'was', 'we', 'were', 'what',
    'when', 'which', 'will', 'with', 'you', 'your',
  ]),
  fr: new Set([
    'au', 'aux', 'avec', 'ce', 'ces', 'cette', 'dans', 'des', 'du', 'elle', 'est', 'et', 'les', 'leur', 'leurs',
    'mais', 'nous', 'ont', 'ou', 'par', 'pas', 'pour', 'qui', 'sont', 'sur', 'une', 'été', 'être',
  ]),
};

/** Function words of the declared language, at least, for the text to count as plainly in it. */
const MIN_HITS = 8;
/** ...and at least this many times more than those of any other expected language. */
const MIN_RATIO = 8;

const NOT_LETTERS = /[^\p{L}]+/u;

/**
 * True when `text` is plainly in `language`: it has many of that language's function words and
 * next to none of any other language in `allowed`. False means "not shown", not "another language":
 * the caller then asks eld. Only languages with a word list can be vouched for or ruled out, so an
 * `allowed` list with any other language always gives false.
 */
export function plainlyIn(text: string, language: string, allowed: readonly string[]): boolean {
  const own = FUNCTION_WORDS[language];
  if (own === undefined || !allowed.includes(language)) return false;
  const others: ReadonlySet<string>[] = [];
  for (const other of allowed) {
    if (other === language) continue;
    const words = FUNCTION_WORDS[other];
    if (words === undefined) return false;
    others.push(words);
  }
  let hits = 0;
  const otherHits = others.map(() => 0);
  for (const word of text.toLowerCase().split(NOT_LETTERS)) {
    if (own.has(word)) hits += 1;
    else for (let index = 0; index < others.length; index += 1) if (others[index]?.has(word)) otherHits[index] = (otherHits[index] ?? 0) + 1;
  }
  return hits >= MIN_HITS && otherHits.every((count) => count * MIN_RATIO <= hits);
}
