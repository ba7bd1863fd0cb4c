// Stemming adapter: the only module that imports @orama/stemmers (Snowball English and French).
// Callers pass a lowercase word and get its stem, or the word itself for a language without a stemmer.
// Two gaps of Snowball are filled here (issue 19): British spellings get the American stem, and French
// verbs in the third person plural ("entraînent", "restent"), which Snowball leaves whole, get their verb's.

import { stemmer as stemEnglish } from '@orama/stemmers/english';
import { stemmer as stemFrench } from '@orama/stemmers/french';

/**
 * British to American spelling, before stemming: "decentralised" and "decentralized", "licence" and
 * "license" get one stem. Anchored suffixes of a word at least four letters long: linear, no backtracking.
 */
const BRITISH: readonly (readonly [RegExp, string, string])[] = [
  [/(?<=[a-z]{4})is(e|es|ed|er|ers|ing|ation|ations)$/u, 'iz$1', 'is'],
  [/(?<=[a-z]{2})yse(s|d)?$/u, 'yze$1', 'yse'],
  [/^(licen|defen|offen|preten)ce(s|d)?$/u, '$1se$2', 'ce'],
  [/(?<=[a-z]{2})tre(s)?$/u, 'ter$1', 'tre'],
  [/(?<=[a-z]{3})our(s|ed|ing)?$/u, 'or$1', 'our'],
];

function stemBritishOrAmerican(word: string): string {
  let american = word;
  // Each pattern is tried only on a word that holds its literal, which it cannot match without: the
  // lookbehinds made these five replaces cost three times the stemmer itself, run on each new word of
  // a first import (issue 15: 65 of 90 ms for its 10,913 distinct words, tools' tag micro-bench).
  for (const [pattern, replacement, literal] of BRITISH) if (american.includes(literal)) american = american.replace(pattern, replacement);
  return stemEnglish(american);
}

/**
 * French, then the third person plural Snowball leaves whole ("contournent"): the infinitive's stem
 * ("contourner" → "contourn"). Not "-ment" (adverbs, nouns), nor short words ("agent", "client").
 */
function stemFrenchVerbs(word: string): string {
  const stem = stemFrench(word);
  if (word.length >= 7 && stem === word && word.endsWith('ent') && !word.endsWith('ment')) return stemFrench(`${word.slice(0, -3)}er`);
  return stem;
}

const STEMMERS: ReadonlyMap<string, (word: string) => string> = new Map(Object.entries({ en: stemBritishOrAmerican, fr: stemFrenchVerbs }));

/** Languages that have a stemmer; a vocabulary in another language is matched on lowercase words. */
export function hasStemmer(language: string): boolean {
  return STEMMERS.has(language);
}

/** The stem of a lowercase word in `language` (the word itself when that language has no stemmer). */
export function stemWord(word: string, language: string): string {
  const stem = STEMMERS.get(language);
  return stem === undefined ? word : stem(word);
}
