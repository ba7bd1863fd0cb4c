// Learns the weights of the learned part of tagging (src/tag/learned.ts) from labelled items: one
// logistic regression per theme over the items' features, then, per theme, the mix of the rules' score
// and the learned probability and the threshold that give the best mean F1 over repeated cross-validations
// (each fold's items scored by a model learned without them; each repeat splits the items differently).
// Deterministic: items in the given order, folds by the link's SHA-1, full-batch steps.
// scripts/learn-weights.mjs runs it on the tuning halves.

import { createHash } from 'node:crypto';
import type { FeatureSettings, LearnedFile } from './learned.js';
import { sigmoid } from './learned.js';
import type { TagUnit } from './tagger.js';

export interface LearnOptions extends FeatureSettings {
  /** L2 penalty. */
  readonly lambda: number;
  /** Full-batch AdaGrad steps, and their rate. */
  readonly iterations: number;
  readonly rate: number;
  /** Cross-validation folds for the mix and the threshold. */
  readonly folds: number;
  /**
   * Cross-validations, each with its own split into folds: the mix and the threshold are chosen by their mean
   * F1, so that one item moving across a fold boundary does not move a theme's choice (issue 19).
   */
  readonly repeats: number;
  /** A feature seen in fewer training items is left out. */
  readonly minCount: number;
  /** A feature seen in more than this share of the training items is left out (the, de, new: no theme's clue). */
  readonly maxShare: number;
}

/**
 * Chosen by cross-validation on the tuning halves (issue 19; nested 4 × 5 folds, macro-F1 0.921 against 0.913
 * at lambda 0.001 and 0.918 at 0.01): unigrams of both stemmers and title words. Repeats: nested 5-fold
 * cross-validation over all the tuning halves, macro-F1 0.903 with one split, 0.908 with 3, 0.910 with 5
 * (0.895 → 0.907 with another outer split).
 */
export const LEARN_OPTIONS: LearnOptions = { languages: ['en', 'fr'], lambda: 0.003, iterations: 300, rate: 0.5, folds: 5, repeats: 5, minCount: 2, maxShare: 1 };

/** A labelled item as the tagger sees it: its units (the item, then a round-up's stories). */
export interface LearningItem {
  readonly link: string;
  readonly labels: readonly string[];
  readonly units: readonly TagUnit[];
  /** How much the item counts, in learning and in choosing the mix (default 1). */
  readonly weight?: number;
  /**
   * The themes the item teaches (default: every theme): a set written for one theme teaches that theme's
   * regression, mix and threshold only, and leaves the others as they were learned without it.
   */
  readonly teaches?: readonly string[];
}

interface Model {
  readonly bias: number[];
  readonly weights: Map<string, number[]>;
}

/** Mixes tried (tenths) and thresholds tried (fortieths, from 0.05 to 0.9). */
const MIXES = Array.from({ length: 11 }, (_, i) => i / 10);
const THRESHOLDS = Array.from({ length: 35 }, (_, j) => (j + 2) / 40);

/**
 * `ruleThresholds`: each theme's threshold in the taxonomy, at which the rules alone tag it (a theme may keep
 * that verdict, `keepRules`, when cross-validation says so).
 */
export function learnWeights(
  themeIds: readonly string[],
  ruleThresholds: readonly number[],
  items: readonly LearningItem[],
  options: LearnOptions = LEARN_OPTIONS,
): LearnedFile {
  // Themes taught by the same items are learned together, each group on its own items (in the given order).
  const groups = new Map<string, { themes: number[]; items: LearningItem[] }>();
  themeIds.forEach((id, t) => {
    const taught = items.filter((item) => item.teaches === undefined || item.teaches.includes(id));
    const key = taught.map((item) => item.link).join('\u0000');
    const group = groups.get(key) ?? { themes: [], items: taught };
    group.themes.push(t);
    groups.set(key, group);
  });
  const themes: LearnedFile['themes'] = [];
  const bias: number[] = [];
  const rows = new Map<string, number[]>();
  for (const group of groups.values()) {
    const ids = group.themes.map((t) => themeIds[t] as string);
    const learned = learnGroup(ids, group.themes, group.themes.map((t) => ruleThresholds[t] ?? 1), group.items, options);
    group.themes.forEach((t, g) => {
      themes[t] = learned.themes[g] as LearnedFile['themes'][number];
      bias[t] = learned.bias[g] as number;
    });
    for (const [feature, row] of learned.weights) {
      const merged = rows.get(feature) ?? themeIds.map(() => 0);
      group.themes.forEach((t, g) => (merged[t] = round3(row[g] as number)));
      rows.set(feature, merged);
    }
  }
  const weights: Record<string, number[]> = {};
  for (const feature of [...rows.keys()].sort()) {
    const row = rows.get(feature) as number[];
    if (row.some((w) => w !== 0)) weights[feature] = row;
  }
  return {
    version: 1,
    about: 'Learned by scripts/learn-weights.mjs from the tuning halves of the labelled sets (issue 19); do not edit, run the script again.',
    languages: [...options.languages],
    ...(options.summaryWords === undefined ? {} : { summaryWords: options.summaryWords }),
    options: { lambda: options.lambda, iterations: options.iterations, rate: options.rate, folds: options.folds, repeats: options.repeats, minCount: options.minCount, maxShare: options.maxShare, items: items.length },
    themes: themes.map(({ id, mix, threshold, keepRules, f1 }, t) => ({ id, bias: round3(bias[t] as number), mix, threshold, keepRules, f1 })),
    weights,
  };
}

/** One group's themes learned on its items: each theme's mix, threshold and cross-validated F1, and the model. */
function learnGroup(
  themeIds: readonly string[],
  /** Each theme's place in the units' rules (the taxonomy's order). */
  columns: readonly number[],
  ruleThresholds: readonly number[],
  items: readonly LearningItem[],
  options: LearnOptions,
): { themes: LearnedFile['themes']; bias: readonly number[]; weights: ReadonlyMap<string, readonly number[]> } {
  // Learned probabilities of each unit of each item, by a model that did not see the item: one set per repeat.
  const probabilities = Array.from({ length: options.repeats }, (_, r) => outOfFold(themeIds, items, options, r));
  const themes = themeIds.map((id, t) => {
    const column = columns[t] as number;
    // The rules' own verdict (their score at the taxonomy's threshold), which a theme may keep whatever the mix says.
    const ruled = items.map((item) => (item.units[0]?.rules[column] ?? 0) >= (ruleThresholds[t] ?? 1));
    const truth = items.map((item) => item.labels.includes(id));
    let best = { mix: 1, threshold: 0.5, keepRules: false, f1: -1 };
    for (const keepRules of [false, true]) {
      for (const mix of MIXES) {
        const scores = probabilities.map((repeat) =>
          items.map((item, i) => Math.max(...item.units.map((unit, u) => round3(mix * (unit.rules[column] ?? 0) + (1 - mix) * (repeat[i]?.[u]?.[t] ?? 0))))),
        );
        for (const threshold of THRESHOLDS) {
          let sum = 0;
          for (const repeat of scores) {
            let tp = 0;
            let fp = 0;
            let fn = 0;
            items.forEach((item, i) => {
              const predicted = (keepRules && ruled[i] === true) || (repeat[i] as number) >= threshold;
              const weight = item.weight ?? 1;
              if (predicted && truth[i] === true) tp += weight;
              else if (predicted) fp += weight;
              else if (truth[i] === true) fn += weight;
            });
            sum += tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
          }
          const f1 = sum / scores.length;
          if (f1 > best.f1) best = { mix, threshold, keepRules, f1 };
        }
      }
    }
    return { id, bias: 0, mix: best.mix, threshold: best.threshold, keepRules: best.keepRules, f1: round3(best.f1) };
  });
  const model = train(themeIds, items, options);
  return { themes, bias: model.bias, weights: model.weights };
}

/** Each item's units' probabilities by the model learned on the other folds of repeat `repeat`'s split. */
function outOfFold(themeIds: readonly string[], items: readonly LearningItem[], options: LearnOptions, repeat: number): number[][][] {
  // The first repeat keeps the single split's salt (the file learned before repeats came).
  const salt = repeat === 0 ? 'fold' : `fold${repeat}`;
  const fold = (link: string): number => Number.parseInt(createHash('sha1').update(`${salt}\u0000${link}`).digest('hex').slice(0, 8), 16) % options.folds;
  const folds = items.map((item) => fold(item.link));
  const probabilities: number[][][] = items.map(() => []);
  for (let k = 0; k < options.folds; k++) {
    const model = train(themeIds, items.filter((_, i) => folds[i] !== k), options);
    items.forEach((item, i) => {
      if (folds[i] === k) probabilities[i] = item.units.map((unit) => predict(model, unit.features));
    });
  }
  return probabilities;
}

/** One logistic regression per theme on the items' first unit (the whole item), by full-batch AdaGrad. */
function train(themeIds: readonly string[], items: readonly LearningItem[], options: LearnOptions): Model {
  const counts = new Map<string, number>();
  for (const item of items) for (const feature of item.units[0]?.features ?? []) counts.set(feature, (counts.get(feature) ?? 0) + 1);
  const most = options.maxShare * items.length;
  const vocabulary = [...counts.keys()].filter((f) => (counts.get(f) as number) >= options.minCount && (counts.get(f) as number) <= most).sort();
  const index = new Map(vocabulary.map((f, j) => [f, j] as const));
  const rows = items.map((item) => (item.units[0]?.features ?? []).flatMap((f) => index.get(f) ?? []));
  const itemWeights = items.map((item) => item.weight ?? 1);
  const n = Math.max(1, itemWeights.reduce((a, b) => a + b, 0));
  const weights = themeIds.map(() => new Float64Array(vocabulary.length));
  const bias = themeIds.map((id, t) => {
    const y = items.map((item) => (item.labels.includes(id) ? 1 : 0));
    const w = weights[t] as Float64Array;
    const squares = new Float64Array(vocabulary.length).fill(1e-8);
    let b = 0;
    let biasSquares = 1e-8;
    for (let step = 0; step < options.iterations; step++) {
      const gradient = new Float64Array(vocabulary.length);
      let biasGradient = 0;
      rows.forEach((row, r) => {
        let z = b;
        for (const j of row) z += w[j] as number;
        const error = (sigmoid(z) - (y[r] as number)) * (itemWeights[r] as number);
        biasGradient += error;
        for (const j of row) gradient[j] = (gradient[j] as number) + error;
      });
      for (let j = 0; j < w.length; j++) {
        const g = (gradient[j] as number) / n + options.lambda * (w[j] as number);
        squares[j] = (squares[j] as number) + g * g;
        w[j] = (w[j] as number) - (options.rate * g) / Math.sqrt(squares[j] as number);
      }
      biasGradient /= n;
      biasSquares += biasGradient * biasGradient;
      b -= (options.rate * biasGradient) / Math.sqrt(biasSquares);
    }
    return b;
  });
  return { bias, weights: new Map(vocabulary.map((f, j) => [f, weights.map((w) => w[j] as number)] as const)) };
}

function predict(model: Model, features: readonly string[]): number[] {
  const z = [...model.bias];
  for (const feature of features) {
    const row = model.weights.get(feature);
    if (row !== undefined) for (let t = 0; t < z.length; t++) z[t] = (z[t] as number) + (row[t] as number);
  }
  return z.map(sigmoid);
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
