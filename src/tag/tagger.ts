// The tag stage: finds each theme's terms in an item's title, summary, content and categories,
// and returns the themes that reach their threshold, with a score in [0, 1] and the evidence.

import { hostOf } from '../domain/web-url.js';
import type { Evidence, EvidenceField, ThemeMatch } from '../domain/types.js';
import { detectLanguage } from '../language/detect-language.js';
import { languageSample } from '../language/item-language.js';
import { primaryLanguage } from '../domain/language-tag.js';
import { featuresOf, featuresOnlyAt, featureWords, sigmoid, topWords, type FeatureSettings, type LearnedModel, type WordContribution } from './learned.js';
import { ownActivation, type CompiledLanguage, type CompiledPhrase, type CompiledRegex, type Taxonomy } from './taxonomy.js';
import { categoryKey, foldAccents, needsDictionary, splitWords, uncachedKeyOf, wordOf, WordTable } from './words.js';

export interface TagInput {
  title: string;
  summary: string;
  content?: string;
  categories: readonly string[];
  /** Declared by the feed or the source (BCP 47); detection overrides it only when confident. */
  language: string | null;
  /**
   * True when `language` comes from the language stage, detection already applied: the tagger then
   * takes it as it is (the pipeline). Otherwise the tagger detects when the answer can matter.
   */
  languageSettled?: boolean;
  sourceUrl?: string;
}

export interface Tagger {
  /** Themes at or above their threshold, in taxonomy order. */
  tag(input: TagInput): ThemeMatch[];
}

const TEXT_FIELDS = ['title', 'summary', 'content'] as const;
const FIELD_ORDER: Readonly<Record<EvidenceField, number>> = { title: 0, summary: 1, content: 2, category: 3 };

interface Hit {
  readonly theme: number;
  readonly term: number;
  readonly field: EvidenceField;
  readonly start: number;
  readonly end: number;
  /** Activation key of the vocabulary that matched (see CompiledLanguage). */
  readonly language: string;
  readonly exclusion: boolean;
  /** The text a regular expression matched (words of a phrase are the term itself). */
  readonly matched?: string;
}

/** Evidence quotes at most this much of what a regular expression matched. */
const MAX_MATCHED = 80;

const taxonomies = new WeakMap<Tagger, Taxonomy>();
/** Per tagger: every theme's account of an item, exclusions included (explanations only: slower than tag). */
const explainers = new WeakMap<Tagger, (input: TagInput) => ThemeAccount[]>();

/**
 * Compiles nothing more (the taxonomy is compiled when loaded); `languages` restricts language detection
 * (default: the taxonomy's vocabulary languages).
 */
export function createTagger(taxonomy: Taxonomy, options?: { languages?: readonly string[] }): Tagger {
  const allowed = (options?.languages ?? taxonomy.languages).map((l) => l.toLowerCase());
  const vocabularies = [...taxonomy.compiled.values()];
  const stemLanguages = [...new Set(vocabularies.map((v) => v.language))];
  const slotOf = vocabularies.map((v) => stemLanguages.indexOf(v.language));
  const shared = new Set(taxonomy.sharedLanguages);
  const model = taxonomy.learned;
  const { infosOf, infosOfText, learnedOf } = createWordInfos(vocabularies, stemLanguages, model);
  // The infos of the texts of the item being tagged, kept from one item to the next: a result of found is read
  // before found runs again (issue 15: a title's and a summary's lists made for each item were 6 of 110 MB).
  const scratch: WordInfo[] = [];
  const titleScratch: WordInfo[] = [];
  const summaryScratch: WordInfo[] = [];
  /** What the tagger finds in `input`; its lists are the tagger's own, valid until found runs again. */
  const found = (input: TagInput): Found => {
    const hits: Hit[] = [];
    let titleInfos: readonly WordInfo[] = NO_INFOS;
    let summaryInfos: readonly WordInfo[] = NO_INFOS;
    for (const field of TEXT_FIELDS) {
      const text = field === 'title' ? input.title : field === 'summary' ? input.summary : (input.content ?? '');
      if (text === '') continue;
      // Each text's infos in a list kept for the next item (issue 15: a list grown word by word for each
      // text of each item); the title's and summary's are read by the result, their words made only when
      // asked (issue 15: two lists of words per item, most never read).
      const infos = field === 'content' ? scratch : field === 'title' ? titleScratch : summaryScratch;
      const count = infosOfText(text, infos);
      if (field !== 'content') infos.length = count;
      findHits(vocabularies, slotOf, infos, count, text, field, hits);
      if (field === 'title') titleInfos = infos;
      else if (field === 'summary') summaryInfos = infos;
    }
    const active = activeLanguages(input, hits, allowed, shared);
    const kept = active === null ? hits : hits.filter((h) => active.has(h.language));
    const hidden = model === null ? null : hiddenFromLearned(model, taxonomy.themes.length, kept, titleInfos, summaryInfos);
    const learned = learnedOf(titleInfos, summaryInfos, hidden);
    return { hits: kept, learned, hidden, titleInfos, summaryInfos };
  };
  // A round-up's stories are tagged one by one too: a theme is kept when the item or one story earns it.
  const tagUnits = <T extends { readonly id: string; readonly score: number }>(input: TagInput, all: boolean, make: (account: ThemeAccount) => T): T[] => {
    const whole = accounts(taxonomy, input, found(input), all, make);
    const segments = segmentsOf(input);
    if (segments.length === 0) return whole;
    const best = new Map(whole.map((m) => [m.id, m] as const));
    for (const segment of segments) {
      for (const match of accounts(taxonomy, segment, found(segment), all, make)) {
        const earlier = best.get(match.id);
        if (earlier === undefined || match.score > earlier.score) best.set(match.id, match);
      }
    }
    return taxonomy.themes.flatMap((t) => best.get(t.id) ?? []);
  };
  const tagger: Tagger = {
    tag: (input) => tagUnits(input, false, (account) => ({ id: account.id, score: account.score, evidence: account.evidence })),
  };
  taxonomies.set(tagger, taxonomy);
  learnedOfWords.set(tagger, (title, summary) => learnedOf(infosOf(title), infosOf(summary)));
  explainers.set(tagger, (input) => tagUnits(input, true, (account) => account));
  units.set(tagger, (input, settings) =>
    [input, ...segmentsOf(input)].map((unit) => {
      const result = found(unit);
      const rules = taxonomy.themes.map(() => 0);
      for (const account of accounts(taxonomy, unit, { ...result, learned: null }, true, (a) => a)) rules[taxonomy.themes.findIndex((t) => t.id === account.id)] = account.rules;
      return { rules, features: featuresOf(settings, wordsOfInfos(result.titleInfos), wordsOfInfos(result.summaryInfos)) };
    }),
  );
  return tagger;
}

/** What the tagger found in one text: the hits of the active vocabularies, and the learned probabilities. */
interface Found {
  readonly hits: readonly Hit[];
  /** Per theme, in taxonomy order; null without a learned model. */
  readonly learned: readonly number[] | null;
  /** Per theme, the learned features its exclusions hid (hiddenFromLearned); null when none did. */
  readonly hidden: readonly (readonly string[])[] | null;
  /** The infos of the title's and the summary's words (splitWords'), in order: wordsOfInfos gives the words. */
  readonly titleInfos: readonly WordInfo[];
  readonly summaryInfos: readonly WordInfo[];
}

/**
 * The words of a title or a summary that have learned weights, in order (a summary cut at the model's
 * summaryWords first, as featuresOf cuts it): the only words whose features an explanation can show.
 * A long title of numbers and links made a feature of each of its words for a theme tagged by "2025" alone.
 */
function weightedWords(infos: readonly WordInfo[], limit: number | undefined): string[] {
  const end = Math.min(infos.length, limit ?? Infinity);
  const out: string[] = [];
  for (let i = 0; i < end; i++) {
    const info = infos[i] as WordInfo;
    if (info.rows != null) out.push(info.word);
  }
  return out;
}

/** The infos of a field without words, shared (never written). */
const NO_INFOS: readonly WordInfo[] = [];

/** The words whose infos these are, in order. */
function wordsOfInfos(infos: readonly WordInfo[]): string[] {
  const words = new Array<string>(infos.length);
  for (let i = 0; i < infos.length; i++) words[i] = (infos[i] as WordInfo).word;
  return words;
}

/** One unit of an item for learning: the rules' score of each theme and the learned part's features. */
export interface TagUnit {
  readonly rules: readonly number[];
  readonly features: readonly string[];
}

const units = new WeakMap<Tagger, (input: TagInput, settings: FeatureSettings) => TagUnit[]>();
const learnedOfWords = new WeakMap<Tagger, (titleWords: readonly string[], summaryWords: readonly string[]) => number[] | null>();

/**
 * The learned probabilities the tagger gives a title's and a summary's words (splitWords'), in the
 * taxonomy's order; null without a learned part. For the test that holds them to learnedProbabilities.
 */
export function learnedProbabilitiesOfWords(tagger: Tagger, titleWords: readonly string[], summaryWords: readonly string[]): number[] | null {
  return learnedOfWords.get(tagger)?.(titleWords, summaryWords) ?? null;
}

/**
 * The units an item is tagged as (the item, then each story of a round-up), with the rules' scores
 * (the learned part left out) and the features `settings` make: what src/tag/learn.ts learns from.
 */
export function unitsOf(tagger: Tagger, input: TagInput, settings: FeatureSettings): TagUnit[] {
  return units.get(tagger)?.(input, settings) ?? [];
}

/**
 * Separators of a round-up's stories: ";", "|", a dash or a slash between spaces. Checked one
 * character at a time by String.split (no backtracking).
 */
const STORY_SEPARATOR = /[;|]|\s[–—/-]\s/u;
/** A story of a round-up has at least this many words; shorter parts are a site's name or a date. */
const MIN_STORY_WORDS = 3;

/**
 * The stories of a round-up's title ("EU adopts …; a new open model; a jailbreak …"), each as a title
 * alone; none when the title is one story.
 */
export function segmentsOf(input: TagInput): TagInput[] {
  if (!STORY_SEPARATOR.test(input.title)) return [];
  const stories = input.title
    .split(STORY_SEPARATOR)
    .map((s) => s.trim())
    .filter((s) => splitWords(s).length >= MIN_STORY_WORDS);
  if (stories.length < 2) return [];
  return stories.map((title) => ({ ...input, title, summary: '', content: '', categories: [] }));
}

/** The taxonomy a tagger made by createTagger works with (for explanations). */
export function taxonomyOf(tagger: Tagger): Taxonomy | undefined {
  return taxonomies.get(tagger);
}

/**
 * Per theme, the learned features that only words covered by the theme's exclusions gave ("job security",
 * "secures funding"): in tagging, they add nothing to that theme's learned part, as the terms those words hold
 * add nothing to its rules. The learner still reads them: it learns what look-alikes say, so that a look-alike
 * no exclusion names still weighs against the theme (hiding them in learning too lowered the held-out French
 * regulation, whose exclusions then had to be complete). Null when no exclusion matched a title or a summary.
 */
function hiddenFromLearned(
  settings: FeatureSettings,
  themeCount: number,
  hits: readonly Hit[],
  titleInfos: readonly WordInfo[],
  summaryInfos: readonly WordInfo[],
): (readonly string[])[] | null {
  let places: { title: Set<number>; summary: Set<number> }[] | null = null;
  for (const hit of hits) {
    if (!hit.exclusion || hit.start < 0 || (hit.field !== 'title' && hit.field !== 'summary')) continue;
    places ??= Array.from({ length: themeCount }, () => ({ title: new Set<number>(), summary: new Set<number>() }));
    const at = (places[hit.theme] as { title: Set<number>; summary: Set<number> })[hit.field];
    for (let i = hit.start; i < hit.end; i++) at.add(i);
  }
  if (places === null) return null;
  const titleWords = wordsOfInfos(titleInfos);
  const summaryWords = wordsOfInfos(summaryInfos);
  return places.map((p) => (p.title.size === 0 && p.summary.size === 0 ? [] : featuresOnlyAt(settings, titleWords, summaryWords, p)));
}

/**
 * What a tagger reads of a lowercase word, found once per word and kept (issue 15): its key for each
 * stemmer (`keys[slot]`), the phrases of each vocabulary that start with it, and its rows of learned
 * weights. Tagging a word is then one map read, where it was one per stemmer, vocabulary and model
 * language (17,680 items: about a million words, most of them in the content).
 */
interface WordInfo {
  /** The word, as splitWords gives it. */
  readonly word: string;
  readonly keys: readonly string[];
  /** Per vocabulary, vocabulary.byFirstKey of the word's key; null when no phrase starts with the word. */
  readonly phrases: readonly (readonly CompiledPhrase[] | undefined)[] | null;
  /**
   * The number of its row of learned weights (LearnedRows) for its key in each model language, then for
   * its title feature (model.titleWeights of its key in the first language); -1 for none. Null when none.
   */
  readonly rows: readonly number[] | null;
}

/** Word infos kept per tagger at most; a long-running worker clears them when full, as words.ts does its keys. */
const MAX_WORD_INFOS = 200_000;

/**
 * The word infos of a tagger's vocabularies and learned model, and the learned probabilities of the words
 * whose infos they are: learnedProbabilities(model, featuresOf(model, title, summary)), the rows added
 * each language's title keys first, then the title features, then each language's summary keys, each row
 * once (told by a stamp per row, not a set per item). Tests check both agree.
 */
function createWordInfos(
  vocabularies: readonly CompiledLanguage[],
  stemLanguages: readonly string[],
  model: LearnedModel | null,
): {
  infosOf(words: readonly string[]): WordInfo[];
  /**
   * infosOf(splitWords(text)) written to `out` from its start (what it held after them is left): their
   * number. Without making a string for each word of the text whose info is kept.
   */
  infosOfText(text: string, out: WordInfo[]): number;
  learnedOf(title: readonly WordInfo[], summary: readonly WordInfo[], hidden?: readonly (readonly string[])[] | null): number[] | null;
} {
  const infos = new WordTable<WordInfo>();
  const modelLanguages = model?.languages ?? [];
  // Each row of weights numbered once (a title feature's row is its "t:" feature's, the same array).
  const rowNumbers = new Map<readonly number[], number>();
  const rows: (readonly number[])[] = [];
  for (const row of [...(model?.weights.values() ?? []), ...(model?.titleWeights.values() ?? [])]) {
    if (!rowNumbers.has(row)) rowNumbers.set(row, rows.push(row) - 1);
  }
  const numberOf = (row: readonly number[] | undefined): number => (row === undefined ? -1 : (rowNumbers.get(row) as number));
  const infoOf = (word: string): WordInfo => {
    // Not through keyOf's cache: the info keeps the keys, and the table the info.
    const keys = stemLanguages.map((language) => uncachedKeyOf(word, language));
    let phrases: (readonly CompiledPhrase[] | undefined)[] | null = null;
    for (let v = 0; v < vocabularies.length; v++) {
      const vocabulary = vocabularies[v] as CompiledLanguage;
      const found = vocabulary.byFirstKey.get(keys[stemLanguages.indexOf(vocabulary.language)] as string);
      if (found !== undefined) (phrases ??= new Array<readonly CompiledPhrase[] | undefined>(vocabularies.length))[v] = found;
    }
    let numbers: number[] | null = null;
    if (model !== null) {
      const modelKeys = modelLanguages.map((language) => {
        const slot = stemLanguages.indexOf(language);
        return slot >= 0 ? (keys[slot] as string) : uncachedKeyOf(word, language);
      });
      const found = [...modelKeys.map((key) => numberOf(model.weights.get(key))), numberOf(model.titleWeights.get(modelKeys[0] as string))];
      if (found.some((number) => number >= 0)) numbers = found;
    }
    return { word, keys, phrases, rows: numbers };
  };
  // The rows in one array of doubles, row `number` at number × themes (issue 15: the rows as parsed,
  // arrays of mixed element kinds, made the sum a third of learnedOf).
  const themeCount = model?.themes.length ?? 0;
  const weights = new Float64Array(rows.length * themeCount);
  rows.forEach((row, number) => {
    for (let t = 0; t < themeCount; t++) weights[number * themeCount + t] = row[t] as number;
  });
  const sums = new Float64Array(themeCount);
  // stamps[row] === stamp: the row was added to this item's sums.
  const stamps = new Uint32Array(rows.length);
  let stamp = 0;
  const wordInfo = (word: string): WordInfo => {
    let info = infos.get(word);
    if (info === undefined) {
      info = infoOf(word);
      if (infos.size >= MAX_WORD_INFOS) infos.clear();
      infos.set(word, info);
    }
    return info;
  };
  const infosOf = (words: readonly string[]): WordInfo[] => {
    const out = new Array<WordInfo>(words.length);
    for (let i = 0; i < words.length; i++) out[i] = wordInfo(words[i] as string);
    return out;
  };
  /** The info of a raw word a text's scan did not find kept; undefined when wordOf leaves nothing of it. */
  const infoOfRaw = (raw: string): WordInfo | undefined => {
    const word = wordOf(raw);
    return word.length === 0 ? undefined : wordInfo(word);
  };
  /** Adds to `sums` the rows of the first `limit` infos' `column` not added yet to this item's. */
  const addRows = (infos: readonly WordInfo[], column: number, limit: number): void => {
    const end = Math.min(infos.length, limit);
    for (let i = 0; i < end; i++) {
      const number = (infos[i] as WordInfo).rows?.[column] ?? -1;
      if (number < 0 || stamps[number] === stamp) continue;
      stamps[number] = stamp;
      const base = number * themeCount;
      for (let t = 0; t < themeCount; t++) sums[t] = (sums[t] as number) + (weights[base + t] as number);
    }
  };
  return {
    infosOf,
    infosOfText: (text, out) => {
      let count = 0;
      if (needsDictionary(text)) {
        for (const word of splitWords(text)) out[count++] = wordInfo(word);
        return count;
      }
      return infos.valuesOfText(text, out, infoOfRaw);
    },
    learnedOf: (title, summary, hidden) => {
      if (model === null) return null;
      if (stamp === 0xffffffff) {
        stamps.fill(0);
        stamp = 0;
      }
      stamp += 1;
      const z = sums;
      for (let t = 0; t < themeCount; t++) z[t] = (model.themes[t] as LearnedModel['themes'][number]).bias;
      const languages = modelLanguages.length;
      for (let l = 0; l < languages; l++) addRows(title, l, Infinity);
      addRows(title, languages, Infinity);
      for (let l = 0; l < languages; l++) addRows(summary, l, model.summaryWords ?? Infinity);
      // Features hidden from a theme (hiddenFromLearned: the words its exclusions cover) take back what they added
      // to its sum: an exclusion only removes evidence, as in the rules, and never raises a theme.
      hidden?.forEach((features, t) => {
        for (const feature of features) z[t] = (z[t] as number) - Math.max(0, model.weights.get(feature)?.[t] ?? 0);
      });
      const probabilities = new Array<number>(themeCount);
      for (let t = 0; t < themeCount; t++) probabilities[t] = sigmoid(z[t] as number);
      return probabilities;
    },
  };
}

function findHits(
  vocabularies: readonly CompiledLanguage[],
  slotOf: readonly number[],
  infos: readonly WordInfo[],
  count: number,
  text: string,
  field: EvidenceField,
  hits: Hit[],
): void {
  // Made by the first phrase found (issue 15: a list per text, and an empty one per vocabulary read, for
  // texts that most often hold no phrase at all).
  let byVocabulary: (Hit[] | undefined)[] | null = null;
  for (let i = 0; i < count; i++) {
    const starting = (infos[i] as WordInfo).phrases;
    if (starting === null) continue;
    for (let v = 0; v < vocabularies.length; v++) {
      const candidates = starting[v];
      if (candidates === undefined) continue;
      const slot = slotOf[v] as number;
      for (const phrase of candidates) {
        const n = phrase.keys.length;
        if (i + n > count) continue;
        let j = 1;
        while (j < n && (infos[i + j] as WordInfo).keys[slot] === phrase.keys[j]) j++;
        if (j === n) {
          const hit: Hit = { theme: phrase.theme, term: phrase.term, field, start: i, end: i + n, language: (vocabularies[v] as CompiledLanguage).activation, exclusion: phrase.exclusion };
          byVocabulary ??= new Array<Hit[] | undefined>(vocabularies.length);
          const list = byVocabulary[v];
          if (list === undefined) byVocabulary[v] = [hit];
          else list.push(hit);
        }
      }
    }
  }
  for (let v = 0; v < vocabularies.length; v++) {
    const vocabulary = vocabularies[v] as CompiledLanguage;
    const phrases = byVocabulary?.[v];
    if (phrases !== undefined) for (const hit of phrases) hits.push(hit);
    const { regexes } = vocabulary;
    for (let r = 0; r < regexes.length; r++) {
      const { theme, term, pattern, guard } = regexes[r] as CompiledRegex;
      if (guard !== null && !guard.test(text)) continue;
      pattern.lastIndex = 0;
      const found = pattern.exec(text);
      if (found !== null) {
        const matched = found[0].replace(/\s+/g, ' ').trim().slice(0, MAX_MATCHED);
        hits.push({ theme, term, field, start: -1, end: -1, language: vocabulary.activation, exclusion: false, matched });
      }
    }
  }
}

/**
 * Vocabularies that apply: the item's language and the shared ones, or all when the language is unknown.
 * Detection runs only when its answer can change the result, i.e. when a non-shared vocabulary matched:
 * the same outcome as detecting every item, at a fraction of the cost.
 */
function activeLanguages(
  input: TagInput,
  hits: readonly Hit[],
  allowed: readonly string[],
  shared: ReadonlySet<string>,
): Set<string> | null {
  const own = hits.filter((h) => !shared.has(h.language));
  if (own.length === 0) return null;
  const terms = new PlacedHits(hits.filter((h) => !h.exclusion));
  if (!own.some((h) => canMatter(h, terms, shared))) return null;
  let language = primaryLanguage(input.language);
  if (input.languageSettled !== true) {
    const detected = detectLanguage(languageSample(input.title, input.summary, input.content ?? ''), allowed);
    if (detected !== null && detected.confident) language = detected.language;
  }
  if (language === null) return null;
  return new Set([language, ownActivation(language), ...shared]);
}

/**
 * Whether dropping or keeping a hit of a non-shared vocabulary could change the result: not when a shared
 * vocabulary found the same words for the same theme (French and English both list "open source"), and an
 * exclusion only matters when it hides a term.
 */
function canMatter(hit: Hit, terms: PlacedHits, shared: ReadonlySet<string>): boolean {
  if (hit.exclusion) return terms.overlaps(hit);
  if (hit.start < 0) return true;
  return !terms.covers(hit, (o) => shared.has(o.language));
}

/**
 * Hits of words (not of regexes), found by theme, field and first word. A hit that covers or
 * overlaps a place starts at most the longest hit's length before it, so each question reads a
 * few positions, not every hit: an article naming a term 16,000 times took 9 s to score.
 */
class PlacedHits {
  /**
   * Per theme and field (placeOf), its hits by their first word; made by its first hit. Numbers, not a
   * string made per hit and per place asked (issue 15: those keys were a sixth of tagging's allocations).
   */
  private readonly places: (Map<number, Hit[]> | undefined)[] = [];
  private longest = 0;

  constructor(hits: readonly Hit[] = []) {
    for (const hit of hits) this.add(hit);
  }

  add(hit: Hit): void {
    if (hit.start < 0) return;
    const place = placeOf(hit);
    let byStart = this.places[place];
    if (byStart === undefined) {
      byStart = new Map();
      this.places[place] = byStart;
    }
    const list = byStart.get(hit.start);
    if (list === undefined) byStart.set(hit.start, [hit]);
    else list.push(hit);
    this.longest = Math.max(this.longest, hit.end - hit.start);
  }

  /** Whether a hit of the same theme and field holds all of `hit`'s words and passes `test` (any, when none). */
  covers(hit: Hit, test: ((other: Hit) => boolean) | null = null): boolean {
    if (hit.start < 0) return false;
    return this.some(hit, hit.end - this.longest, hit.start, true, test);
  }

  /** Whether a hit of the same theme and field shares a word with `hit` and passes `test` (any, when none). */
  overlaps(hit: Hit, test: ((other: Hit) => boolean) | null = null): boolean {
    if (hit.start < 0) return false;
    return this.some(hit, hit.start - this.longest + 1, hit.end - 1, false, test);
  }

  /** A hit starting from `from` to `to` that reaches `hit`'s end (`holds`) or goes past its start, and passes `test`. */
  private some(hit: Hit, from: number, to: number, holds: boolean, test: ((other: Hit) => boolean) | null): boolean {
    const byStart = this.places[placeOf(hit)];
    if (byStart === undefined) return false;
    for (let start = Math.max(0, from); start <= to; start++) {
      const list = byStart.get(start);
      if (list === undefined) continue;
      for (let i = 0; i < list.length; i++) {
        const other = list[i] as Hit;
        if ((holds ? hit.end <= other.end : hit.start < other.end) && (test === null || test(other))) return true;
      }
    }
    return false;
  }
}

/** A hit's theme and field as one number: the index of its hits in PlacedHits. */
function placeOf(hit: Hit): number {
  return hit.theme * 4 + FIELD_ORDER[hit.field];
}


/** How one theme fared on an item: what `veille tag --explain` shows. */
export interface ThemeAccount {
  readonly id: string;
  readonly score: number;
  readonly threshold: number;
  /** Whether the item gets the theme (score at or above the threshold). */
  readonly tagged: boolean;
  readonly evidence: readonly Evidence[];
  /** Exclusions that hid the theme's words: the exclusion as written, the term it hid and where. */
  readonly vetoes: readonly { readonly exclusion: string; readonly term: string; readonly field: EvidenceField }[];
  /** The rules' score: 1 − 2^−(weights of the words found); the score itself without a learned part. */
  readonly rules: number;
  /**
   * The learned part, when the taxonomy has one: tagged when combined = mix × rules + (1 − mix) × probability
   * reaches `threshold` (the score is combined on the rules' scale), or, when the theme keeps the rules'
   * verdict, when the rules reach the theme's threshold.
   */
  readonly learned?: {
    readonly probability: number;
    readonly mix: number;
    readonly combined: number;
    readonly threshold: number;
    readonly words: readonly WordContribution[];
    readonly keepsRules: boolean;
  };
}

/**
 * What a theme without words or vetoes is given, shared (issue 15: a list made per item and theme).
 * NO_HITS is never written: a theme's hits are sorted only when they are more than one.
 */
const NO_HITS: Hit[] = [];
const NO_VETOES: ThemeAccount['vetoes'] = [];

/** Words of the learned part an account or an evidence list shows at most. */
const LEARNED_WORDS = 4;

/**
 * Every theme with a word found (`all`), or only those that reach their threshold, each made by `make`
 * (tagging keeps a ThemeMatch, without an account's object to throw away: the 20,000 items/s budget).
 */
function accounts<T>(taxonomy: Taxonomy, input: TagInput, found: Found, all: boolean, make: (account: ThemeAccount) => T): T[] {
  const { themes, terms } = taxonomy;
  const { hits, learned } = found;
  const model = learned === null ? null : taxonomy.learned;
  // Exclusions hide the words they cover from the same theme ("private beta" is no privacy term).
  // Most items have no word of any theme: nothing below is made for them but the learned part's
  // accounts (issue 15: the maps and lists of each theme were a tenth of a first import's allocations),
  // and the lists below are the shared empty one.
  const exclusions = hits.length === 0 ? NO_HITS : hits.filter((h) => h.exclusion);
  const excluded = exclusions.length === 0 ? null : new PlacedHits(exclusions);
  let vetoes: Map<number, ThemeAccount['vetoes'][number][]> | null = null;
  const candidates: Hit[] = hits.length === 0 ? NO_HITS : [];
  for (const hit of hits) {
    if (hit.exclusion) continue;
    if (excluded === null || !excluded.overlaps(hit)) candidates.push(hit);
    else if (all) {
      const by = exclusions.find((e) => e.theme === hit.theme && e.field === hit.field && e.start < hit.end && hit.start < e.end);
      vetoes ??= new Map();
      const list = vetoes.get(hit.theme) ?? [];
      const exclusion = taxonomy.exclusionTerms[by?.term ?? -1]?.text ?? '';
      const term = terms[hit.term]?.text ?? '';
      if (!list.some((v) => v.exclusion === exclusion && v.term === term && v.field === hit.field)) list.push({ exclusion, term, field: hit.field });
      vetoes.set(hit.theme, list);
    }
  }
  if (candidates.length > 1) sortHits(candidates, longerFirst);
  // Words count once per theme: a phrase inside a longer one ("open source" within "open source model"),
  // or the same words in two vocabularies (English terms in a French item), add nothing.
  const kept: Hit[] = candidates.length === 0 && input.categories.length === 0 ? NO_HITS : [];
  const keptWords = candidates.length > 1 ? new PlacedHits() : null;
  for (const hit of candidates) {
    if (keptWords?.covers(hit) === true) continue;
    kept.push(hit);
    keptWords?.add(hit);
  }
  for (const category of input.categories) {
    for (const { theme, term } of taxonomy.categories.get(categoryKey(category)) ?? []) {
      kept.push({ theme, term, field: 'category', start: 0, end: 0, language: '', exclusion: false });
    }
  }
  if (kept.length === 0 && vetoes === null && model === null) return [];
  // Each theme's kept hits, in order (one pass, where a filter per theme made a list and a closure each).
  let byTheme: Hit[][] | null = null;
  for (const hit of kept) ((byTheme ??= [])[hit.theme] ??= []).push(hit);
  // The source's host, read when a theme with source hints has words (a URL parsed per item otherwise).
  let host: string | null | undefined;
  const result: T[] = [];
  for (let t = 0; t < themes.length; t++) {
    const theme = themes[t] as Taxonomy['themes'][number];
    const mine = byTheme?.[t] ?? NO_HITS;
    const vetoed = vetoes?.get(t) ?? NO_VETOES;
    const probability = learned?.[t];
    if (mine.length === 0 && vetoed.length === 0 && (probability === undefined || model === null)) continue;
    // Each term counts by its best place, and repeats add less and less (half, then a quarter): a story
    // about a subject names it more than once, a passing mention does not.
    let raw = 0;
    if (mine.length > 0) {
      raw = termsScore(mine, theme, taxonomy);
      const source = theme.hints.length > 0 ? (host ??= hostOf(input.sourceUrl)?.replace(/^www\./u, '') ?? null) : null;
      if (source !== null) {
        for (const hint of theme.hints) if (source === hint.source || source.endsWith(`.${hint.source}`)) raw += hint.boost;
      }
    }
    // 1 − 2^−raw: one body term of weight 1 gives 0.5, one title term (weight 2) 0.75, and more evidence approaches 1.
    const rules = mine.length === 0 ? 0 : round3(1 - 2 ** -raw);
    const mixed = model === null || probability === undefined ? null : (model.themes[t] ?? null);
    const ruled = mine.length > 0 && rules >= theme.threshold;
    const combined = mixed === null || probability === undefined ? rules : round3(mixed.mix * rules + (1 - mixed.mix) * probability);
    const tagged = mixed === null ? ruled : combined >= mixed.threshold || (mixed.keepRules && ruled);
    // Told before the score is made: most themes of most items stop here (issue 15).
    if (!tagged && (!all || (mine.length === 0 && vetoed.length === 0))) continue;
    // The score is told on the rules' scale, whose threshold is the theme's: a tagged theme scores what its
    // rules give it, or the combined score carried onto that scale when higher; an untagged one stays below
    // the threshold. Scores stay comparable between themes (the digest files a story under its best-scored theme).
    const scaled = mixed === null ? combined : onRulesScale(combined, mixed.threshold, theme.threshold);
    const value = mixed !== null && tagged ? Math.max(scaled, rules) : scaled;
    const threshold = theme.threshold;
    if (mine.length > 1) sortHits(mine, inTextOrder);
    const evidence: Evidence[] = [];
    const seen = mine.length > 1 ? new Set<string>() : null;
    for (const hit of mine) {
      const text = terms[hit.term]?.text ?? '';
      const key = `${hit.field}\u0000${text}`;
      if (seen?.has(key) === true) continue;
      seen?.add(key);
      // An explanation quotes the item's own words ("agrégées"), which the term ("agréger") only stands for.
      const matched = hit.matched ?? (all ? wordsOf(input, hit) : undefined);
      evidence.push(matched === undefined ? { term: text, field: hit.field } : { term: text, field: hit.field, matched });
    }
    let words: readonly WordContribution[] = [];
    // The words the learned part weighs most: in an explanation, and as the evidence of a theme no rule found.
    if (mixed !== null && taxonomy.learned !== null && (all || evidence.length === 0)) {
      const hidden = new Set(found.hidden?.[t] ?? []);
      const settings = taxonomy.learned;
      const title = weightedWords(found.titleInfos, undefined);
      const summary = weightedWords(found.summaryInfos, settings.summaryWords);
      const features = featureWords(settings, title, summary).filter((f) => !hidden.has(f.feature));
      words = topWords(taxonomy.learned, t, features, LEARNED_WORDS);
      if (tagged && evidence.length === 0) for (const w of words) evidence.push({ term: w.word, field: w.field });
    }
    const account: ThemeAccount = { id: theme.id, score: value, threshold, tagged, evidence, vetoes: vetoed, rules };
    result.push(
      make(
        mixed === null || probability === undefined
          ? account
          : {
              ...account,
              learned: { probability: round3(probability), mix: mixed.mix, combined, threshold: mixed.threshold, words, keepsRules: mixed.keepRules },
            },
      ),
    );
  }
  return result;
}

const longerFirst = (a: Hit, b: Hit): number => b.end - b.start - (a.end - a.start);
const inTextOrder = (a: Hit, b: Hit): number => FIELD_ORDER[a.field] - FIELD_ORDER[b.field] || a.start - b.start;

/**
 * `hits` sorted by `compare`, stably, as Array.prototype.sort does: few hits by insertion in place, more by
 * sort (issue 15: each sort call made its own work lists, 5.7 of tagging's 120 MB, tag micro-bench).
 */
function sortHits(hits: Hit[], compare: (a: Hit, b: Hit) => number): void {
  if (hits.length > FEW_HITS) {
    hits.sort(compare);
    return;
  }
  for (let i = 1; i < hits.length; i++) {
    const hit = hits[i] as Hit;
    let j = i - 1;
    // Moved before the hits that sort after it only: equal ones keep their order.
    while (j >= 0 && compare(hits[j] as Hit, hit) > 0) {
      hits[j + 1] = hits[j] as Hit;
      j -= 1;
    }
    hits[j + 1] = hit;
  }
}

/** The weight a hit in `field` adds to a theme: the theme's for its title and content, the taxonomy's for a category. */
function fieldWeight(field: EvidenceField, theme: Taxonomy['themes'][number], taxonomy: Taxonomy): number {
  return field === 'title' ? theme.titleWeight : field === 'content' ? theme.contentWeight : field === 'category' ? taxonomy.categoryWeight : 1;
}

/** A theme's hits at most this many are scored term by term in place; more go through a map (linear time). */
const FEW_HITS = 16;

/**
 * The sum, over the terms of a theme's hits in the order each was first found, of the term's weight times
 * its places' weights, best first, the second halved and the third quartered (a term counts by its best
 * place, and repeats add less and less). Few hits, the most items' case, are read in place, each term's
 * best three chosen by one pass: no map, no list and no sort per theme (issue 15: sorting each term's
 * weights, doubles given one by one to a comparator, made 7 of tagging's 146 MB, tag micro-bench).
 */
function termsScore(hits: readonly Hit[], theme: Taxonomy['themes'][number], taxonomy: Taxonomy): number {
  const { terms } = taxonomy;
  let raw = 0;
  if (hits.length <= FEW_HITS) {
    outer: for (let i = 0; i < hits.length; i++) {
      const term = (hits[i] as Hit).term;
      for (let j = 0; j < i; j++) if ((hits[j] as Hit).term === term) continue outer;
      // The three largest weights of the term's places, in decreasing order, as a sort would give them.
      let first = -Infinity;
      let second = -Infinity;
      let third = -Infinity;
      let count = 0;
      for (let j = i; j < hits.length; j++) {
        const hit = hits[j] as Hit;
        if (hit.term !== term) continue;
        count += 1;
        const weight = fieldWeight(hit.field, theme, taxonomy);
        if (weight > first) {
          third = second;
          second = first;
          first = weight;
        } else if (weight > second) {
          third = second;
          second = weight;
        } else if (weight > third) third = weight;
      }
      const repeated = first + (count > 1 ? second : 0) / 2 + (count > 2 ? third : 0) / 4;
      raw += (terms[term]?.weight ?? 1) * repeated;
    }
    return raw;
  }
  const occurrences = new Map<number, number[]>();
  for (const hit of hits) {
    const weight = fieldWeight(hit.field, theme, taxonomy);
    const list = occurrences.get(hit.term);
    if (list === undefined) occurrences.set(hit.term, [weight]);
    else list.push(weight);
  }
  for (const [term, weights] of occurrences) {
    if (weights.length > 1) weights.sort((a, b) => b - a);
    const repeated = (weights[0] ?? 0) + (weights[1] ?? 0) / 2 + (weights[2] ?? 0) / 4;
    raw += (terms[term]?.weight ?? 1) * repeated;
  }
  return raw;
}

/** A combined score on the rules' scale: [0, from] onto [0, to] and [from, 1] onto [to, 1]. */
function onRulesScale(value: number, from: number, to: number): number {
  if (value < from) return round3((value / from) * to);
  return from >= 1 ? 1 : round3(to + ((value - from) / (1 - from)) * (1 - to));
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** The words of the item a word hit covers, lowercased as matched; undefined for a category. */
function wordsOf(input: TagInput, hit: Hit): string | undefined {
  if (hit.start < 0 || hit.field === 'category') return undefined;
  const text = hit.field === 'title' ? input.title : hit.field === 'summary' ? input.summary : (input.content ?? '');
  return splitWords(text).slice(hit.start, hit.end).join(' ').slice(0, MAX_MATCHED);
}

/**
 * A human-readable account of the themes of `text` (read as an item's body), for `veille tag --explain`:
 * every theme a word was found for, its score against its threshold, the words that matched with their
 * weight, and the exclusions that hid words from it. Operator words are English; labels are the taxonomy's.
 */
export function explainText(tagger: Tagger, text: string): string {
  const themes = explainers.get(tagger)?.({ title: '', summary: text, categories: [], language: null }) ?? [];
  if (themes.length === 0) return 'No theme matched.';
  const taxonomy = taxonomyOf(tagger);
  const labels = new Map(taxonomy?.themes.map((t) => [t.id, t] as const) ?? []);
  const weights = new Map(taxonomy?.terms.map((t) => [`${t.theme}\u0000${t.text}`, t.weight] as const) ?? []);
  const lines: string[] = [];
  for (const account of themes) {
    const theme = labels.get(account.id);
    const name = theme === undefined ? account.id : `${theme.label} (${account.id})`;
    const verdict = account.tagged
      ? 'tagged'
      : account.evidence.length === 0 && account.vetoes.length > 0
        ? 'not tagged: every word found was excluded'
        : 'not tagged: below the threshold';
    lines.push(`${name} — score ${formatScore(account.score)}, threshold ${formatScore(account.threshold)}: ${verdict}`);
    const t = taxonomy?.themes.findIndex((d) => d.id === account.id) ?? -1;
    // A regular expression is shown by the words it matched, not by its source (issue 17, finding 8).
    for (const evidence of account.evidence) {
      const weight = weights.get(`${t}\u0000${evidence.term}`);
      const words = evidence.matched ?? evidence.term;
      // A word's own form, and the term it matched when they differ (issue 19): "agrégées" (term "agréger").
      const term = evidence.term.startsWith('/') || foldAccents(words) === foldAccents(evidence.term.toLowerCase()) ? '' : ` (term "${evidence.term}")`;
      lines.push(`  "${words}" in the ${evidence.field}${term}${weight === undefined ? '' : `, weight ${formatScore(weight)}`}`);
    }
    for (const veto of account.vetoes) lines.push(`  "${veto.term}" in the ${veto.field} does not count: excluded by "${veto.exclusion}"`);
    const learned = account.learned;
    if (learned !== undefined) {
      // The score's two parts (issue 19): the rules' words above, and the words the learned weights favour.
      const words = learned.words.map((w) => `"${w.word}" +${formatScore(w.weight)}`).join(', ');
      const kept = learned.keepsRules ? `, or the rules reach ${formatScore(account.threshold)}` : '';
      lines.push(
        `  ${formatScore(learned.mix)} × rules ${formatScore(account.rules)} + ${formatScore(1 - learned.mix)} × learned ${formatScore(learned.probability)} = ` +
          `${formatScore(learned.combined)}, tagged from ${formatScore(learned.threshold)}${kept}` +
          (words === '' ? '' : `; learned words: ${words}`),
      );
    }
  }
  return lines.join('\n');
}

function formatScore(value: number): string {
  return value.toFixed(2);
}
