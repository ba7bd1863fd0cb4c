// The learned part of tagging (issue 19): the shipped weights are what the script learns from the fixtures,
// the score mixes the rules and the learned probability, explanations name the learned words, and a
// round-up's stories are tagged one by one.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VeilleError } from '../../src/domain/errors.js';
import { learnWeights, type LearningItem } from '../../src/tag/learn.js';
import { featuresOf, learnedProbabilities } from '../../src/tag/learned.js';
import { createTagger, explainText, learnedProbabilitiesOfWords, segmentsOf, type TagInput } from '../../src/tag/tagger.js';
import { loadTaxonomy } from '../../src/tag/taxonomy.js';
import { splitWords } from '../../src/tag/words.js';
import { ROOT, THEMES_FILE } from './helpers.js';

const item = (fields: Partial<TagInput>): TagInput => ({ title: '', summary: '', categories: [], language: null, ...fields });

describe('the shipped weights', () => {
  it('are what scripts/learn-weights.mjs learns from the tuning halves of the fixtures', () => {
    // Deterministic: the same fixtures give the same file, byte for byte. After changing the taxonomy, the
    // tagger's words or a tuning set: npm run build && node scripts/learn-weights.mjs.
    const learned = execFileSync(process.execPath, [join(ROOT, 'scripts/learn-weights.mjs'), '--stdout'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(learned === readFileSync(join(ROOT, 'config/themes.learned.json'), 'utf8'), 'config/themes.learned.json is not what the script learns: run it again').toBe(true);
  }, 180_000);
});

describe('the learned part', () => {
  const full = createTagger(loadTaxonomy(THEMES_FILE));
  const rules = createTagger(loadTaxonomy(THEMES_FILE, { learned: false }));

  it('tags a theme the rules alone leave below their threshold, with the words that weighed', () => {
    const story = item({
      title: 'Twelve clinics train one model and no scan leaves the building',
      summary: 'Each clinic sends only its weight updates to a server that averages them.',
      language: 'en',
    });
    expect(rules.tag(story).map((m) => m.id)).toEqual([]);
    const match = full.tag(story).find((m) => m.id === 'federated-learning');
    expect(match?.evidence.length).toBeGreaterThan(0);
  });

  it('explains the mix: the rules’ score, the learned probability and its words, against the learned threshold', () => {
    const text = explainText(full, 'Twelve clinics train one model and no scan leaves the building; each sends only its weight updates to a server that averages them.');
    // The score is told on the rules' scale (threshold 0.50), the mix against its own threshold.
    expect(text).toMatch(/\(federated-learning\) — score 0\.\d\d, threshold 0\.50: tagged/u);
    expect(text).toMatch(/0\.\d\d × rules 0\.\d\d \+ 0\.\d\d × learned 0\.\d\d = 0\.\d\d, tagged from 0\.\d\d(, or the rules reach 0\.50)?; learned words: "[^"]+" \+\d\.\d\d/u);
    expect(text).not.toMatch(/\/[^ ]*\//u);
  });
});

describe('the tagger’s learned path (its word infos)', () => {
  it('gives the numbers of the features the learner reads, on every real and written item', () => {
    const model = loadTaxonomy(THEMES_FILE).learned;
    if (model === null) throw new Error('config/themes.yaml names no learned weights');
    const tagger = createTagger(loadTaxonomy(THEMES_FILE));
    const lines = [`${ROOT}tests/fixtures/ai-news/items.jsonl`, `${ROOT}tests/fixtures/labels/tune-2026-12-08.jsonl`].flatMap((file) =>
      readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== ''),
    );
    for (const line of lines) {
      const { title = '', summary = '' } = JSON.parse(line) as { title?: string; summary?: string };
      const [titleWords, summaryWords] = [splitWords(title), splitWords(summary)];
      const expected = learnedProbabilities(model, featuresOf(model, titleWords, summaryWords));
      const fast = learnedProbabilitiesOfWords(tagger, titleWords, summaryWords) ?? [];
      expect(fast.map((p) => p.toFixed(9)), title).toEqual(expected.map((p) => p.toFixed(9)));
    }
  });
});

describe('learnWeights: items that teach one theme', () => {
  // Small, deterministic sets: "leak" says privacy, "talk" says events; the look-alikes of privacy ("leak" in a
  // plumbing story) teach privacy only, so events must come out as learned without them.
  const unit = (features: string[], rules: number[] = [0, 0]): LearningItem['units'][number] => ({ rules, features });
  const base: LearningItem[] = Array.from({ length: 20 }, (_, i) => ({
    link: `base-${i}`,
    labels: i % 2 === 0 ? ['privacy'] : ['events'],
    units: [unit(i % 2 === 0 ? ['leak', 'data', `w${i % 5}`] : ['talk', 'stage', `w${i % 5}`])],
  }));
  const lookAlikes: LearningItem[] = Array.from({ length: 10 }, (_, i) => ({
    link: `plumbing-${i}`,
    labels: i < 3 ? ['events'] : [],
    units: [unit(['leak', 'pipe', 'talk', `w${i % 5}`])],
    teaches: ['privacy'],
  }));
  const options = { languages: ['en'], lambda: 0.003, iterations: 60, rate: 0.5, folds: 3, repeats: 2, minCount: 2, maxShare: 1 };
  const learnt = (items: LearningItem[]) => learnWeights(['privacy', 'events'], [0.5, 0.5], items, options);
  const column = (file: ReturnType<typeof learnt>, t: number) =>
    Object.fromEntries(Object.entries(file.weights).flatMap(([feature, row]) => (row[t] === 0 ? [] : [[feature, row[t]]])));

  it('learns the other themes exactly as without those items', () => {
    const without = learnt(base);
    const withThem = learnt([...base, ...lookAlikes]);
    expect(withThem.themes[1]).toEqual(without.themes[1]);
    expect(column(withThem, 1)).toEqual(column(without, 1));
  });

  it('learns its theme from them', () => {
    const without = learnt(base);
    const withThem = learnt([...base, ...lookAlikes]);
    expect(column(withThem, 0)['pipe']).toBeLessThan(0);
    expect(column(withThem, 0)['leak']).toBeLessThan(column(without, 0)['leak'] as number);
  });
});

describe('learned weights of another taxonomy', () => {
  const folder = mkdtempSync(join(tmpdir(), 'veille-learned-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const yaml = [
    'version: 1',
    'learned: weights.json',
    'themes:',
    '  - id: privacy',
    '    label: Vie privée',
    '    definition: Données personnelles.',
    '    vocabulary:',
    '      en: [personal data]',
    '  - id: events',
    '    label: Événements',
    '    definition: Conférences.',
    '    vocabulary:',
    '      en: [conference]',
    '',
  ].join('\n');
  const weights = (themes: string[]): string =>
    JSON.stringify({
      version: 1,
      languages: ['en'],
      themes: themes.map((id) => ({ id, bias: -3, mix: 0.5, threshold: 0.4 })),
      // "fine" and "broker" favour privacy; "gadget" weighs against it.
      weights: { fine: [2, 0], broker: [2.5, 0], gadget: [-6, 0] },
    });
  const write = (json: string): string => {
    writeFileSync(join(folder, 'themes.yaml'), yaml);
    writeFileSync(join(folder, 'weights.json'), json);
    return join(folder, 'themes.yaml');
  };

  it('tags a round-up when one of its stories earns the theme, though the whole title does not', () => {
    const tagger = createTagger(loadTaxonomy(write(weights(['privacy', 'events']))));
    // Whole title: −3 + 2 + 2.5 − 6 → probability 0.01; the second story alone: −3 + 2 + 2.5 → 0.82, × 0.5 = 0.41.
    const roundUp = item({ title: 'Gadget prices and new gadget launches; Regulator fines a data broker', language: 'en' });
    expect(tagger.tag(roundUp).map((m) => m.id)).toEqual(['privacy']);
    expect(tagger.tag(item({ title: 'Gadget prices and new gadget launches, regulator fines a data broker', language: 'en' }))).toEqual([]);
  });

  it('hides the words of a theme’s exclusions from its learned part, as from its rules', () => {
    // "data broker" favours privacy; the exclusion "data broker fair" (a trade show) hides its words from privacy only.
    const excluding = yaml.replace('      en: [personal data]', '      en: [personal data]\n    exclusions:\n      en: [data broker fair]');
    writeFileSync(join(folder, 'themes.yaml'), excluding);
    writeFileSync(join(folder, 'weights.json'), JSON.stringify({ version: 1, languages: ['en'], themes: [{ id: 'privacy', bias: -3, mix: 0.5, threshold: 0.4 }, { id: 'events', bias: -3, mix: 0.5, threshold: 0.4 }], weights: { broker: [4.5, 0], fair: [0, 1] } }));
    const tagger = createTagger(loadTaxonomy(join(folder, 'themes.yaml')));
    // −3 + 4.5 → 0.82, × 0.5 = 0.41: privacy, from the learned word alone.
    expect(tagger.tag(item({ summary: 'A data broker sold location histories.', language: 'en' })).map((m) => m.id)).toEqual(['privacy']);
    // Within the exclusion, "broker" no longer counts for privacy: −3 → 0.05.
    expect(tagger.tag(item({ summary: 'Visitors met at the data broker fair in Lyon.', language: 'en' })).map((m) => m.id)).toEqual([]);
    // A word of the exclusion that is also found outside it still counts.
    expect(tagger.tag(item({ title: 'A broker leaks files', summary: 'Visitors met at the data broker fair.', language: 'en' })).map((m) => m.id)).toEqual(['privacy']);
    // Hiding never raises a theme: "fair" weighs against privacy here, and the exclusion leaves that weight (taken
    // away too, −0.5 + 4 would give 0.5 × 0.5 = 0.25, above the threshold 0.2).
    writeFileSync(join(folder, 'weights.json'), JSON.stringify({ version: 1, languages: ['en'], themes: [{ id: 'privacy', bias: 0, mix: 0.5, threshold: 0.2 }, { id: 'events', bias: -3, mix: 0.5, threshold: 0.4 }], weights: { broker: [0.5, 0], fair: [-4, 0] } }));
    expect(createTagger(loadTaxonomy(join(folder, 'themes.yaml'))).tag(item({ summary: 'Visitors met at the data broker fair in Lyon.', language: 'en' })).map((m) => m.id)).toEqual([]);
  });

  it('refuses weights learned for other themes, and says how to fix it', () => {
    expect(() => loadTaxonomy(write(weights(['privacy', 'security'])))).toThrow(VeilleError);
    expect(() => loadTaxonomy(write(weights(['privacy', 'security'])))).toThrow(/learned for the themes privacy, security, the taxonomy has privacy, events: run scripts\/learn-weights\.mjs again/u);
  });

  it('names the file when it cannot be read', () => {
    writeFileSync(join(folder, 'themes.yaml'), yaml.replace('weights.json', 'missing.json'));
    expect(() => loadTaxonomy(join(folder, 'themes.yaml'))).toThrow(/missing\.json: cannot read the learned weights/u);
  });
});

describe('segmentsOf: the stories of a round-up', () => {
  it.each([
    ['semicolons', 'EU adopts AI liability rules; a lab releases open weights; a chatbot jailbreak', 3],
    ['pipes', 'Week notes | the open-source AI conference | GPU prices go up | a new chatbot', 3],
    ['spaced dashes', 'Newsletter #112 – a regulator fines a face-scanning firm – NeurIPS workshops open', 2],
    ['spaced slashes', 'Daily digest / federated training for clinics / a ransomware attack on a hospital', 2],
  ])('splits on %s (parts under three words are a name or a date, not a story)', (_name, title, count) => {
    expect(segmentsOf(item({ title }))).toHaveLength(count);
  });

  it.each([
    ['one story', 'A lab releases its open weights under Apache 2.0'],
    ['a site name after a dash', 'A lab releases its open weights – Wired'],
    ['a hyphenated word and a path', 'Open-source models on client/server setups gain ground'],
  ])('leaves %s whole', (_name, title) => {
    expect(segmentsOf(item({ title }))).toEqual([]);
  });
});
