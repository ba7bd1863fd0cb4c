// Tagging quality against hand-labelled items: precision, recall and F1 per theme, and macro-F1,
// in the shape `veille eval --json` prints (DESIGN.md).

import { readFileSync } from 'node:fs';
import { VeilleError } from '../domain/errors.js';
import type { Tagger } from './tagger.js';
import type { Taxonomy } from './taxonomy.js';

export interface LabelledItem {
  title: string;
  summary: string;
  link: string;
  labels: string[];
  categories?: string[];
  /** A borderline call: left out of the scores unless asked for. */
  doubt?: boolean;
  /** Declared language of the item's feed, when the labelled file gives it. */
  language?: string | null;
}

export interface ThemeScores {
  precision: number;
  recall: number;
  f1: number;
  /** Items labelled with the theme. */
  support: number;
}

export interface EvalReport {
  /** Mean F1 over the themes with support > 0 (a theme nobody labelled cannot be judged); 0 when none has. */
  macro_f1: number;
  themes: Record<string, ThemeScores>;
  items: { link: string; predicted: string[] }[];
}

/** Reads labelled items, one JSON object a line; blank lines are skipped. */
export function readLabels(file: string): LabelledItem[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new VeilleError('USAGE', `eval: cannot read ${file}: ${(cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (cause as Error).message}`, { cause });
  }
  const items: LabelledItem[] = [];
  text.split(/\r?\n/u).forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `${file}:${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (cause) {
      throw new VeilleError('USAGE', `eval: ${where}: not valid JSON`, { cause });
    }
    items.push(toLabelledItem(value, where));
  });
  return items;
}

function toLabelledItem(value: unknown, where: string): LabelledItem {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new VeilleError('USAGE', `eval: ${where}: expected a JSON object`);
  const record = value as Record<string, unknown>;
  const text = (key: string, required: boolean): string => {
    const field = record[key];
    if (typeof field === 'string') return field;
    if (!required && (field === undefined || field === null)) return '';
    throw new VeilleError('USAGE', `eval: ${where}: "${key}" must be a string`);
  };
  const list = (key: string): string[] | undefined => {
    const field = record[key];
    if (field === undefined) return undefined;
    if (!Array.isArray(field) || !field.every((v) => typeof v === 'string')) throw new VeilleError('USAGE', `eval: ${where}: "${key}" must be an array of strings`);
    return field as string[];
  };
  const labels = list('labels');
  if (labels === undefined) throw new VeilleError('USAGE', `eval: ${where}: "labels" is missing`);
  const item: LabelledItem = { title: text('title', true), summary: text('summary', false), link: text('link', true), labels };
  const categories = list('categories');
  if (categories !== undefined) item.categories = categories;
  if (record['doubt'] !== undefined) {
    if (typeof record['doubt'] !== 'boolean') throw new VeilleError('USAGE', `eval: ${where}: "doubt" must be true or false`);
    item.doubt = record['doubt'];
  }
  const language = record['language'];
  if (typeof language === 'string' || language === null) item.language = language;
  return item;
}

/**
 * Tags every item and scores the predictions against the labels. Doubtful items (`doubt: true`) are left
 * out unless `includeDoubtful`; labels naming no theme of the taxonomy are an error (a typo would silently skew scores).
 */
export function evaluateTagger(
  tagger: Tagger,
  taxonomy: Taxonomy,
  items: LabelledItem[],
  options?: { includeDoubtful?: boolean },
): EvalReport {
  const ids = taxonomy.themes.map((t) => t.id);
  const known = new Set(ids);
  const counts = new Map(ids.map((id) => [id, { tp: 0, fp: 0, fn: 0 }]));
  const predictions: EvalReport['items'] = [];
  for (const item of items) {
    if (item.doubt === true && options?.includeDoubtful !== true) continue;
    for (const label of item.labels) {
      if (!known.has(label)) throw new VeilleError('USAGE', `eval: ${item.link}: unknown theme "${label}" (known: ${ids.join(', ')})`);
    }
    const predicted = tagger
      .tag({ title: item.title, summary: item.summary, categories: item.categories ?? [], language: item.language ?? null })
      .map((m) => m.id);
    predictions.push({ link: item.link, predicted });
    const truth = new Set(item.labels);
    for (const id of ids) {
      const c = counts.get(id) as { tp: number; fp: number; fn: number };
      const p = predicted.includes(id);
      const t = truth.has(id);
      if (p && t) c.tp++;
      else if (p) c.fp++;
      else if (t) c.fn++;
    }
  }
  const themes: Record<string, ThemeScores> = {};
  const judged: number[] = [];
  for (const id of ids) {
    const { tp, fp, fn } = counts.get(id) as { tp: number; fp: number; fn: number };
    const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
    const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    themes[id] = { precision: round(precision), recall: round(recall), f1: round(f1), support: tp + fn };
    if (tp + fn > 0) judged.push(f1);
  }
  const macro = judged.length === 0 ? 0 : judged.reduce((a, b) => a + b, 0) / judged.length;
  return { macro_f1: round(macro), themes, items: predictions };
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

/** An aligned table for the terminal; themes without support are listed but not in the macro. */
export function formatEvalTable(report: EvalReport): string {
  const rows = Object.entries(report.themes).map(([id, s]) => [
    id,
    s.support === 0 ? '-' : s.precision.toFixed(3),
    s.support === 0 ? '-' : s.recall.toFixed(3),
    s.support === 0 ? '-' : s.f1.toFixed(3),
    String(s.support),
  ]);
  const header = ['theme', 'precision', 'recall', 'f1', 'support'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number))).join('  ');
  const judged = Object.values(report.themes).filter((s) => s.support > 0).length;
  return [
    line(header),
    ...rows.map(line),
    `macro-F1 ${report.macro_f1.toFixed(3)} over ${judged} theme(s) with support > 0; ${report.items.length} item(s) judged`,
  ].join('\n');
}
