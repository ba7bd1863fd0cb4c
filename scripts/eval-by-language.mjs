// Per-theme F1 of every labelled part (as scripts/eval-halves.sh splits them), in French and in English
// separately: aggregate figures only, no item is printed. Run after `npm run build`:
//   node scripts/eval-by-language.mjs [config/themes.yaml]
//   node scripts/eval-by-language.mjs --tuning-only    leaves the unseen sets out (while choosing a change)
//   node scripts/eval-by-language.mjs --recall          adds each theme's precision and recall (P/R) after its F1 line
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { evaluateTagger, readLabels } from '../dist/tag/evaluate.js';
import { createTagger } from '../dist/tag/tagger.js';
import { loadTaxonomy } from '../dist/tag/taxonomy.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const tuningOnly = process.argv.includes('--tuning-only');
const withRecall = process.argv.includes('--recall');
const taxonomy = loadTaxonomy(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? `${root}config/themes.yaml`);
const tagger = createTagger(taxonomy);
const heldOut = (link) => Number.parseInt(createHash('sha1').update(link).digest('hex').slice(0, 8), 16) % 10 < 3;
const dev = readLabels(`${root}tests/fixtures/ai-news/labels-dev.jsonl`);
const own = readLabels(`${root}tests/fixtures/labels/fr-and-fl.jsonl`);
const splits = (file) => new Map(readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => [JSON.parse(l).link, JSON.parse(l).split]));
const split = new Map([...splits(`${root}tests/fixtures/labels/fr-and-fl.jsonl`), ...splits(`${root}tests/fixtures/labels/tune-2026-12-07.jsonl`), ...splits(`${root}tests/fixtures/labels/tune-2026-12-08.jsonl`), ...splits(`${root}tests/fixtures/labels/tune-2026-12-07b.jsonl`), ...splits(`${root}tests/fixtures/labels/tune-2026-12-09.jsonl`), ...splits(`${root}tests/fixtures/labels/tune-2026-12-10.jsonl`)]);
const written = readLabels(`${root}tests/fixtures/labels/tune-2026-12-07.jsonl`);
const written08 = readLabels(`${root}tests/fixtures/labels/tune-2026-12-08.jsonl`);
const written07b = readLabels(`${root}tests/fixtures/labels/tune-2026-12-07b.jsonl`);
const written09 = readLabels(`${root}tests/fixtures/labels/tune-2026-12-09.jsonl`);
const written10 = readLabels(`${root}tests/fixtures/labels/tune-2026-12-10.jsonl`);
// tune-2026-12-11 is held out as a whole (every item's split is "holdout").
const written11 = readLabels(`${root}tests/fixtures/labels/tune-2026-12-11.jsonl`);
const parts = [
  ['labels-dev-tuning', dev.filter((i) => !heldOut(i.link))],
  ['labels-dev-heldout', dev.filter((i) => heldOut(i.link))],
  ['fr-and-fl-tuning', own.filter((i) => split.get(i.link) !== 'holdout')],
  ['fr-and-fl-heldout', own.filter((i) => split.get(i.link) === 'holdout')],
  ['tune-1207-tuning', written.filter((i) => split.get(i.link) !== 'holdout')],
  ['tune-1207-heldout', written.filter((i) => split.get(i.link) === 'holdout')],
  ['tune-1208-tuning', written08.filter((i) => split.get(i.link) !== 'holdout')],
  ['tune-1208-heldout', written08.filter((i) => split.get(i.link) === 'holdout')],
  ['tune-1207b-tuning', written07b.filter((i) => split.get(i.link) !== 'holdout')],
  ['tune-1207b-heldout', written07b.filter((i) => split.get(i.link) === 'holdout')],
  ['unseen-2026-11-26', readLabels(`${root}tests/fixtures/labels/unseen-2026-11-26.jsonl`)],
  ['unseen-2026-12-06', readLabels(`${root}tests/fixtures/labels/unseen-2026-12-06.jsonl`)],
  ['tune-1209-tuning', written09.filter((i) => split.get(i.link) !== 'holdout')],
  ['tune-1209-heldout', written09.filter((i) => split.get(i.link) === 'holdout')],
  ['tune-1210-tuning', written10.filter((i) => split.get(i.link) !== 'holdout')],
  ['tune-1210-heldout', written10.filter((i) => split.get(i.link) === 'holdout')],
  ['tune-1211-heldout', written11],
];
const ids = taxonomy.themes.map((t) => t.id);
const cell = (report, id) => (report.themes[id].support === 0 ? '    -' : report.themes[id].f1.toFixed(3));
console.log(['part', 'lang', 'n', 'macro', ...ids.map((id) => id.slice(0, 8))].join('\t'));
for (const [name, items] of parts) {
  if (tuningOnly && name.startsWith('unseen-')) continue;
    // labels-dev gives no language (real feeds, mostly English): only its "all" line is printed.
  const groups = [['all', items], ['fr', items.filter((i) => i.language?.startsWith('fr') === true)], ['en', items.filter((i) => i.language?.startsWith('en') === true)]];
  for (const [language, group] of groups) {
    if (group.length === 0) continue;
    const report = evaluateTagger(tagger, taxonomy, group);
    console.log([name, language, report.items.length, report.macro_f1.toFixed(3), ...ids.map((id) => cell(report, id))].join('\t'));
    if (withRecall) console.log(['  P/R', language, '', '', ...ids.map((id) => (report.themes[id].support === 0 ? '    -' : `${report.themes[id].precision.toFixed(2)}/${report.themes[id].recall.toFixed(2)}`))].join('\t'));
  }
}
