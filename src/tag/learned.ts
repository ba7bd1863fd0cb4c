// The learned part of tagging (issue 19): per theme, a logistic regression over the tagger's own word
// keys (stems in each model language, accents folded; title words also marked as such), learned from the
// labelled tuning sets by scripts/learn-weights.mjs (src/tag/learn.ts) and shipped as data beside the
// taxonomy. A theme's score mixes the rules' score and the learned probability; the mix and the threshold
// are chosen by cross-validation on the tuning sets.

import { readFileSync } from 'node:fs';
import type * as Zod from 'zod';
import { lazySchema } from '../system/lazy-package.js';
import { describeFileError, VeilleError } from '../domain/errors.js';
import { keysOfWordsIn } from './words.js';

/**
 * How one theme combines its two scores: tagged when mix × rules + (1 − mix) × learned ≥ threshold, or,
 * with `keepRules`, when the rules alone reach the taxonomy's threshold.
 */
export interface LearnedTheme {
  readonly bias: number;
  readonly mix: number;
  readonly threshold: number;
  readonly keepRules: boolean;
}

/** What the features of a text are made of. */
export interface FeatureSettings {
  /** Languages whose stems are features (a word gives one key per language). */
  readonly languages: readonly string[];
  /** Words of a summary read at most (a long article's later words are rarely its subject); absent: all. */
  readonly summaryWords?: number;
}

export interface LearnedModel extends FeatureSettings {
  readonly file: string;
  /** In the taxonomy's theme order. */
  readonly themes: readonly LearnedTheme[];
  /** Feature → its weight for each theme, in the taxonomy's theme order. */
  readonly weights: ReadonlyMap<string, readonly number[]>;
  /** The title features' weights by their key (without TITLE_PREFIX): scoring builds no string per word. */
  readonly titleWeights: ReadonlyMap<string, readonly number[]>;
}

/** Prefix of the features that say a key was found in the title. */
export const TITLE_PREFIX = 't:';

/** Keys shorter than this (one-letter words, digits) are no features. */
const MIN_KEY = 2;

/** The shipped file's schema, as scripts/learn-weights.mjs writes it (`f1`: the theme's cross-validated F1, for information); zod is loaded by the first read of such a file (lazySchema). */
export const learnedFileSchema = lazySchema(buildLearnedFileSchema);

function buildLearnedFileSchema(z: typeof Zod.z) {
  const NUMBER = z.number({ error: 'expected a number' });
  return z.strictObject({
    version: z.literal(1, { error: 'expected 1' }),
    about: z.string().optional(),
    languages: z.array(z.string().regex(/^[a-z]{2,3}$/u, { error: 'expected a language code such as "en"' })).min(1),
    summaryWords: z.number().int().positive().optional(),
    options: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).optional(),
    themes: z
      .array(z.strictObject({ id: z.string(), bias: NUMBER, mix: NUMBER.min(0).max(1), threshold: NUMBER.gt(0).max(1), keepRules: z.boolean().optional(), f1: NUMBER.optional() }))
      .min(1),
    weights: z.record(z.string(), z.array(NUMBER)),
  });
}

export type LearnedFile = Zod.infer<ReturnType<typeof learnedFileSchema>>;

/** Reads a learned-weights file and orders it by the taxonomy's themes; its themes must be exactly theirs. */
export function loadLearnedModel(file: string, themeIds: readonly string[]): LearnedModel {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new VeilleError('TAXONOMY_INVALID', `${file}: cannot read the learned weights (the taxonomy's "learned" key): ${describeFileError(cause)}`, { cause });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new VeilleError('TAXONOMY_INVALID', `${file}: the learned weights are not valid JSON`, { cause });
  }
  return compileLearned(value, file, themeIds);
}

export function compileLearned(value: unknown, file: string, themeIds: readonly string[]): LearnedModel {
  const parsed = learnedFileSchema().safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new VeilleError('TAXONOMY_INVALID', `${file}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'not valid'}`);
  }
  const data = parsed.data;
  const ids = data.themes.map((t) => t.id);
  if (ids.length !== themeIds.length || !themeIds.every((id) => ids.includes(id))) {
    throw new VeilleError(
      'TAXONOMY_INVALID',
      `${file}: learned for the themes ${ids.join(', ')}, the taxonomy has ${themeIds.join(', ')}: run scripts/learn-weights.mjs again`,
    );
  }
  const order = themeIds.map((id) => ids.indexOf(id));
  const weights = new Map<string, readonly number[]>();
  const titleWeights = new Map<string, readonly number[]>();
  for (const [feature, row] of Object.entries(data.weights)) {
    if (row.length !== ids.length) throw new VeilleError('TAXONOMY_INVALID', `${file}: weights.${feature}: expected ${ids.length} numbers, one per theme`);
    const ordered = order.map((i) => row[i] as number);
    weights.set(feature, ordered);
    if (feature.startsWith(TITLE_PREFIX)) titleWeights.set(feature.slice(TITLE_PREFIX.length), ordered);
  }
  const themes = order.map((i) => {
    const { bias, mix, threshold, keepRules } = data.themes[i] as LearnedFile['themes'][number];
    return { bias, mix, threshold, keepRules: keepRules ?? false };
  });
  const settings = data.summaryWords === undefined ? {} : { summaryWords: data.summaryWords };
  return Object.freeze({ file, languages: Object.freeze([...data.languages]), ...settings, themes: Object.freeze(themes), weights, titleWeights });
}

/** A feature and the word of the text that gave it first (for explanations). */
export interface Feature {
  readonly feature: string;
  readonly word: string;
  readonly field: 'title' | 'summary';
}

/**
 * The features of a title's and a summary's words (lowercase words, as splitWords gives them): each
 * word's key in every language, and its first language's key marked as a title word. Each once.
 */
export function featuresOf(settings: FeatureSettings, titleWords: readonly string[], summaryWords: readonly string[]): string[] {
  const seen = new Set<string>();
  addFeatures(seen, settings.languages, titleWords, true);
  addFeatures(seen, settings.languages, summaryOf(settings, summaryWords), false);
  return [...seen];
}

function summaryOf(settings: FeatureSettings, words: readonly string[]): readonly string[] {
  return settings.summaryWords === undefined || words.length <= settings.summaryWords ? words : words.slice(0, settings.summaryWords);
}

function addFeatures(seen: Set<string>, languages: readonly string[], words: readonly string[], title: boolean): void {
  if (words.length === 0) return;
  const keys = keysOfWordsIn(words, languages);
  for (const list of keys) {
    for (const key of list) if (key.length >= MIN_KEY) seen.add(key);
  }
  if (title) {
    for (const key of keys[0] ?? []) if (key.length >= MIN_KEY) seen.add(TITLE_PREFIX + key);
  }
}

/** Places of a title's and a summary's words (indexes into their words), e.g. the words a theme's exclusions cover. */
export interface WordPlaces {
  readonly title: ReadonlySet<number>;
  readonly summary: ReadonlySet<number>;
}

/**
 * The features that only the words at `places` give: featuresOf without those words, against with them. A theme's
 * exclusions hide their words from its learned part in tagging, as from its rules ("job security" is no clue of security).
 */
export function featuresOnlyAt(settings: FeatureSettings, titleWords: readonly string[], summaryWords: readonly string[], places: WordPlaces): string[] {
  // An empty word gives no feature (MIN_KEY), and keeps the other words at their places (summaryWords cuts by place).
  const without = (words: readonly string[], at: ReadonlySet<number>): string[] => words.map((w, i) => (at.has(i) ? '' : w));
  const kept = new Set(featuresOf(settings, without(titleWords, places.title), without(summaryWords, places.summary)));
  return featuresOf(settings, titleWords, summaryWords).filter((f) => !kept.has(f));
}

/** Each feature with the word that gave it first, in the order featuresOf finds them. */
export function featureWords(settings: FeatureSettings, titleWords: readonly string[], summaryWords: readonly string[]): Feature[] {
  const { languages } = settings;
  const out: Feature[] = [];
  const seen = new Set<string>();
  const add = (words: readonly string[], field: 'title' | 'summary'): void => {
    if (words.length === 0) return;
    const keys = keysOfWordsIn(words, languages);
    const push = (feature: string, word: string): void => {
      if (seen.has(feature)) return;
      seen.add(feature);
      out.push({ feature, word, field });
    };
    for (const list of keys) list.forEach((key, i) => key.length >= MIN_KEY && push(key, words[i] as string));
    if (field === 'title') (keys[0] ?? []).forEach((key, i) => key.length >= MIN_KEY && push(TITLE_PREFIX + key, words[i] as string));
  };
  add(titleWords, 'title');
  add(summaryOf(settings, summaryWords), 'summary');
  return out;
}

/** The learned probability of each theme, in the taxonomy's order. */
export function learnedProbabilities(model: LearnedModel, features: readonly string[]): number[] {
  const z = model.themes.map((t) => t.bias);
  for (const feature of features) {
    const row = model.weights.get(feature);
    if (row === undefined) continue;
    for (let t = 0; t < z.length; t++) z[t] = (z[t] as number) + (row[t] as number);
  }
  return z.map(sigmoid);
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** A word's weight for a theme in the learned part: the sum over the features it gave first. */
export interface WordContribution {
  readonly word: string;
  readonly field: 'title' | 'summary';
  readonly weight: number;
}

/** The words that weigh most for a theme, strongest first (positive weights, then none when `count` is reached). */
export function topWords(model: LearnedModel, theme: number, features: readonly Feature[], count: number): WordContribution[] {
  const byWord = new Map<string, { word: string; field: 'title' | 'summary'; weight: number }>();
  for (const { feature, word, field } of features) {
    const weight = model.weights.get(feature)?.[theme];
    if (weight === undefined || weight === 0) continue;
    const key = `${field}\u0000${word}`;
    const entry = byWord.get(key);
    if (entry === undefined) byWord.set(key, { word, field, weight });
    else entry.weight += weight;
  }
  return [...byWord.values()]
    .filter((w) => w.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.word.localeCompare(b.word))
    .slice(0, count);
}
