// `veille tag --explain TEXT` and `veille eval --labels FILE`: the tagger seen from the command line.
import { resolve } from 'node:path';
import { evaluateTagging, explainTagging } from '../app/tagging.js';
import type { Config } from '../config/load-config.js';
import type { Output } from './output.js';

export function runTagCommand(config: Config, text: string, output: Output): number {
  output.out(`${explainTagging(config, text).trimEnd()}\n`);
  return 0;
}

export function runEvalCommand(
  config: Config,
  labelsFile: string,
  json: boolean,
  ctx: { cwd: string; output: Output },
): number {
  const { report, table } = evaluateTagging(config, resolve(ctx.cwd, labelsFile));
  ctx.output.out(json ? `${JSON.stringify(report)}\n` : `${table}\n`);
  return 0;
}
