// Tagging throughput: tags every item of a JSONL file (AI-news items: title, summary, categories)
// with the default taxonomy and reports items per second on one core. Called by the bench runner.

import { readFileSync } from 'node:fs';
import { loadTaxonomy } from '../../src/tag/taxonomy.js';
import { createTagger, type TagInput } from '../../src/tag/tagger.js';
import { THEMES_FILE } from '../repo-paths.js';


/** Rounds over the whole file after a warm-up round, so that the figure is the JIT-compiled steady state. */
const ROUNDS = 5;

export async function benchTagging(
  itemsFile: string,
  taxonomyFile: string = THEMES_FILE,
): Promise<{ items: number; seconds: number; itemsPerSecond: number }> {
  const inputs: TagInput[] = readFileSync(itemsFile, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const raw = JSON.parse(line) as { title?: string; summary?: string; categories?: string[]; link?: string };
      return { title: raw.title ?? '', summary: raw.summary ?? '', categories: raw.categories ?? [], language: 'en', sourceUrl: raw.link ?? '' };
    });
  const tagger = createTagger(loadTaxonomy(taxonomyFile), { languages: ['en', 'fr'] });
  for (const input of inputs) tagger.tag(input);
  const started = process.hrtime.bigint();
  let sink = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const input of inputs) sink += tagger.tag(input).length;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const items = inputs.length * ROUNDS;
  if (sink < 0) throw new Error('unreachable');
  await Promise.resolve();
  return { items, seconds, itemsPerSecond: Math.round(items / seconds) };
}
