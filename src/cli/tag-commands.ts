// `veille tag --explain TEXT` and `veille eval --labels FILE`: the tagger seen from the command line.
import { resolve } from 'node:path';
import type { Config } from '../config/load-config.js';
import { evaluateTagger, formatEvalTable, readLabels } from '../tag/evaluate.js';
import { createTagger, explainText } from '../tag/tagger.js';
import { loadTaxonomy } from '../tag/taxonomy.js';
import type { Output } from './output.js';

export function runTagCommand(config: Config, text: string, output: Output): number {
  const taxonomy = loadTaxonomy(config.themesFile);
  output.out(`${explainText(createTagger(taxonomy), text).trimEnd()}\n`);
  return 0;
}

export function runEvalCommand(
  config: Config,
  labelsFile: string,
  json: boolean,
  ctx: { cwd: string; output: Output },
): number {
  const taxonomy = loadTaxonomy(config.themesFile);
  const items = readLabels(resolve(ctx.cwd, labelsFile));
  const report = evaluateTagger(createTagger(taxonomy), taxonomy, items);
  ctx.output.out(json ? `${JSON.stringify(report)}\n` : `${formatEvalTable(report)}\n`);
  return 0;
}
