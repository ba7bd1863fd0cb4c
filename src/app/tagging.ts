// Use cases "tag --explain" and "eval": the taxonomy of the config applied to a text, or scored
// against a file of labelled items (precision and recall per theme).
import type { Config } from '../config/load-config.js';
import { evaluateTagger, formatEvalTable, readLabels, type EvalReport } from '../tag/evaluate.js';
import { createTagger, explainText } from '../tag/tagger.js';
import { loadTaxonomy } from '../tag/taxonomy.js';

/** Which terms of which theme match in `text`, and the themes it gets. */
export function explainTagging(config: Config, text: string): string {
  return explainText(createTagger(loadTaxonomy(config.themesFile)), text);
}

/** `labelsFile`: an absolute path. `table`: the report as the command prints it. */
export function evaluateTagging(config: Config, labelsFile: string): { readonly report: EvalReport; readonly table: string } {
  const taxonomy = loadTaxonomy(config.themesFile);
  const items = readLabels(labelsFile);
  const report = evaluateTagger(createTagger(taxonomy), taxonomy, items);
  return { report, table: formatEvalTable(report) };
}
