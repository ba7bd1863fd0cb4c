// The labelled pairs of tests/fixtures/cluster/pairs.jsonl (see its README), read once for the
// tests that use them.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface PairItem {
  source: string;
  title: string;
  summary: string;
  link: string | null;
  links: string[];
  language: string | null;
  publishedAt: string;
}

export interface Pair {
  id: string;
  split: 'tuning' | 'held-out';
  kind: string;
  same: boolean;
  a: PairItem;
  b: PairItem;
  note: string;
}

export const LABELLED_PAIRS: readonly Pair[] = readFileSync(resolve(import.meta.dirname, '../fixtures/cluster/pairs.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Pair);
