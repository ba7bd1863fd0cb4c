// The tagger reads each word once (issue 15): a word's keys, the phrases that start with it and its
// learned weights are found the first time it is seen and kept, so that tagging a known word is one
// map read, where it was one per stemmer, vocabulary and model language. Same themes, same numbers.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { featuresOf, learnedProbabilities } from '../../src/tag/learned.js';
import { createTagger, learnedProbabilitiesOfWords, unitsOf, type TagInput } from '../../src/tag/tagger.js';
import { loadTaxonomy } from '../../src/tag/taxonomy.js';
import { splitWords } from '../../src/tag/words.js';
import { ROOT, THEMES_FILE } from './helpers.js';
import { countMapsAndSets } from '../helpers/count-collections.js';

const lines = [`${ROOT}tests/fixtures/ai-news/items.jsonl`, `${ROOT}tests/fixtures/labels/tune-2026-12-08.jsonl`].flatMap((file) =>
  readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== ''),
);
const items = lines.map((line) => JSON.parse(line) as { title?: string; summary?: string });

describe('the word infos of the tagger', () => {
  const taxonomy = loadTaxonomy(THEMES_FILE);
  const tagger = createTagger(taxonomy);

  it('give the learned probabilities of the features the learner reads, number for number, on every real and written item', () => {
    const model = taxonomy.learned;
    if (model === null) throw new Error('config/themes.yaml names no learned weights');
    for (const { title = '', summary = '' } of items) {
      const [titleWords, summaryWords] = [splitWords(title), splitWords(summary)];
      expect(learnedProbabilitiesOfWords(tagger, titleWords, summaryWords), title).toEqual(learnedProbabilities(model, featuresOf(model, titleWords, summaryWords)));
    }
  });

  it('make tagging a known word one map read, not one per stemmer, vocabulary and model language', () => {
    const content = items.slice(0, 60).map((item) => `${item.title ?? ''}. ${item.summary ?? ''}`).join(' ');
    const input: TagInput = { title: 'A round-up of the week', summary: '', content, categories: [], language: 'en', languageSettled: true };
    const words = splitWords(content).length;
    expect(words).toBeGreaterThan(1_000);
    tagger.tag(input);
    const get = Map.prototype.get;
    let reads = 0;
    Map.prototype.get = function counted(this: Map<unknown, unknown>, key: unknown) {
      reads += 1;
      return get.call(this, key);
    };
    try {
      tagger.tag(input);
    } finally {
      Map.prototype.get = get;
    }
    // Four vocabularies (en, exact, fr, en:own) and a cache read per word were five reads a word.
    expect(reads / words).toBeLessThan(1.5);
  });

  it('make no string of a known word of a text (a slice and a lowercase of each word were a third of tagging\'s allocations)', () => {
    const content = items.slice(0, 60).map((item) => `${item.title ?? ''}. ${item.summary ?? ''}`).join(' ');
    const input: TagInput = { title: 'A round-up of the week', summary: 'Seen this week', content, categories: [], language: 'en', languageSettled: true };
    const words = splitWords(content).length;
    expect(words).toBeGreaterThan(1_000);
    tagger.tag(input);
    const { slice, toLowerCase } = String.prototype;
    let made = 0;
    String.prototype.slice = function counted(this: string, ...args: [number?, number?]) {
      made += 1;
      return slice.apply(this, args);
    };
    String.prototype.toLowerCase = function counted(this: string) {
      made += 1;
      return toLowerCase.call(this);
    };
    try {
      tagger.tag(input);
    } finally {
      String.prototype.slice = slice;
      String.prototype.toLowerCase = toLowerCase;
    }
    // Only words with an apostrophe or a letter beyond Latin-1 are made (their elision and lowercase are wordOf's).
    expect(made / words).toBeLessThan(0.1);
  });

  it('hold a new word once, in the infos, not again in keyOf\'s cache of each stemmer\'s keys', () => {
    // A first import's content words were each kept twice: their info, and a key per stemmer language.
    const words = Array.from({ length: 500 }, (_, i) => `zorvex${i.toString(36)}ique`);
    const input: TagInput = { title: '', summary: '', content: words.join(' '), categories: [], language: 'fr', languageSettled: true };
    const fresh = createTagger(taxonomy);
    const { set } = Map.prototype;
    let sets = 0;
    Map.prototype.set = function counted(this: Map<unknown, unknown>, key: unknown, value: unknown) {
      sets += 1;
      return set.call(this, key, value);
    };
    try {
      fresh.tag(input);
    } finally {
      Map.prototype.set = set;
    }
    expect(sets / words.length).toBeLessThan(0.1);
  });

  it('tags an item with no word of any theme without a map or set', () => {
    const input: TagInput = {
      title: 'The weather in Paris stayed sunny all week',
      summary: 'Museums were full of visitors and the cafés kept their terraces open until late in the evening.',
      categories: [],
      language: 'en',
      languageSettled: true,
      sourceUrl: 'https://example.org/feed.xml',
    };
    expect(tagger.tag(input)).toEqual([]);
    const { made } = countMapsAndSets(() => tagger.tag(input));
    // Each theme's occurrences, two indexes of placed words and a set of learned rows were nine or more;
    // the map of the vetoes is made only when an exclusion hid a word.
    expect(made.maps + made.sets).toBe(0);
  });

  it('tags an item with words of some themes without a list filtered for each theme', () => {
    const input: TagInput = {
      title: 'Open-source model audited for GDPR compliance',
      summary: 'The open source weights and the personal data they were trained on, reviewed by the regulator.',
      categories: [],
      language: 'en',
      languageSettled: true,
    };
    expect(tagger.tag(input).length).toBeGreaterThan(0);
    const { filter } = Array.prototype;
    let filtered = 0;
    Array.prototype.filter = function counted(this: unknown[], ...args: Parameters<typeof filter>) {
      filtered += 1;
      return filter.apply(this, args);
    } as typeof filter;
    try {
      tagger.tag(input);
    } finally {
      Array.prototype.filter = filter;
    }
    // One for the exclusions and at most two to settle the language; a filter per theme made six more.
    expect(filtered).toBeLessThan(taxonomy.themes.length);
  });

  // Issue 15: each Array.prototype.sort call made its own work lists (a term's weights, doubles, went one
  // by one to a comparator), and each place asked of the placed hits made a string key: together a sixth
  // of a first import's tagging allocations.
  const audited: TagInput = {
    title: 'Open-source model audited for GDPR compliance',
    summary: 'The open source weights and the personal data they were trained on, reviewed by the regulator under the GDPR.',
    content: 'Open source models and open weights: the GDPR applies to personal data, the regulator said, and the open source licence too.',
    categories: [],
    language: 'en',
    languageSettled: true,
  };

  it('scores and orders a few hits of a theme without a sort call', () => {
    // "gdpr" twice for privacy and for regulation: their hits and its weights were sorted. Its content left out,
    // the item holds fewer hits than are ordered in place (more are sorted by Array.prototype.sort).
    const few: TagInput = { ...audited, content: '' };
    expect(tagger.tag(few).length).toBeGreaterThan(0);
    const { sort } = Array.prototype;
    let sorted = 0;
    Array.prototype.sort = function counted(this: unknown[], ...args: Parameters<typeof sort>) {
      // A list of hits or of a term's weights (the learned part's words, shown for a theme no rule found, are sorted).
      const first = this[0];
      if (typeof first === 'number' || (typeof first === 'object' && first !== null && 'start' in first)) sorted += 1;
      return sort.apply(this, args);
    } as typeof sort;
    try {
      tagger.tag(few);
    } finally {
      Array.prototype.sort = sort;
    }
    expect(sorted).toBe(0);
  });

  it('finds the placed hits of an item by numbers, not by a string made for each place', () => {
    tagger.tag(audited);
    const { get } = Map.prototype;
    let byString = 0;
    Map.prototype.get = function counted(this: Map<unknown, unknown>, key: unknown) {
      if (typeof key === 'string') byString += 1;
      return get.call(this, key);
    };
    try {
      tagger.tag(audited);
    } finally {
      Map.prototype.get = get;
    }
    // Its words are known (the first call): the only string keys would be the places of its hits.
    expect(byString).toBe(0);
  });

  it('keeps the lists of an item\'s title and summary words from one item to the next, and its results apart', () => {
    const roundUp: TagInput = { ...audited, title: 'EU adopts the GDPR fine rules; a new open source model; a jailbreak of chatbots', content: '' };
    const first = [tagger.tag(audited), tagger.tag(roundUp), unitsOf(tagger, roundUp, taxonomy.learned ?? { languages: ['en'] })];
    const { slice } = Array.prototype;
    let sliced = 0;
    Array.prototype.slice = function counted(this: unknown[], ...args: Parameters<typeof slice>) {
      sliced += 1;
      return slice.apply(this, args);
    } as typeof slice;
    try {
      tagger.tag(audited);
    } finally {
      Array.prototype.slice = slice;
    }
    // A copy of each list of infos was made for each item: one for its title, one for its summary.
    expect(sliced).toBe(0);
    // Read before the next item replaces them: the same results, whatever was tagged in between.
    expect([tagger.tag(audited), tagger.tag(roundUp), unitsOf(tagger, roundUp, taxonomy.learned ?? { languages: ['en'] })]).toEqual(first);
    expect(tagger.tag(roundUp)).toEqual(createTagger(taxonomy).tag(roundUp));
  });

  it.each([
    ['a term named three times', 3],
    ['a term named forty times, more than are scored in place', 40],
  ])('scores %s as its three best places, the second halved, the third quartered', (_name, times) => {
    const content = Array.from({ length: times }, () => 'The GDPR applies here.').join(' ');
    const input: TagInput = { title: 'A note', summary: '', content, categories: [], language: 'en', languageSettled: true };
    const three: TagInput = { ...input, content: Array.from({ length: 3 }, () => 'The GDPR applies here.').join(' ') };
    const explain = (item: TagInput) => tagger.tag(item).map((m) => [m.id, m.score]);
    expect(explain(input)).toEqual(explain(three));
  });
});
