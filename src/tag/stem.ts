// Stemming adapter: the only module that imports @orama/stemmers (Snowball English and French).
// Callers pass a lowercase word and get its stem, or the word itself for a language without a stemmer.

import { stemmer as stemEnglish } from '@orama/stemmers/english';
import { stemmer as stemFrench } from '@orama/stemmers/french';

const STEMMERS: ReadonlyMap<string, (word: string) => string> = new Map(Object.entries({ en: stemEnglish, fr: stemFrench }));

/** Languages that have a stemmer; a vocabulary in another language is matched on lowercase words. */
export function hasStemmer(language: string): boolean {
  return STEMMERS.has(language);
}

/** The stem of a lowercase word in `language` (the word itself when that language has no stemmer). */
export function stemWord(word: string, language: string): string {
  const stem = STEMMERS.get(language);
  return stem === undefined ? word : stem(word);
}
