// `veille summarize --story ID [--dry-run] [--json]`: one story's résumé written now, and each
// check the answer went through (what failed, what was dropped).
import type { App } from '../app/app.js';
import { summarizeStory } from '../app/summarize-story.js';
import type { Config } from '../config/load-config.js';
import type { Output } from './output.js';

export interface SummarizeCommandContext {
  readonly output: Output;
  readonly open: () => App;
}

export async function runSummarizeCommand(config: Config, options: { story: string; dryRun: boolean; json: boolean }, ctx: SummarizeCommandContext): Promise<number> {
  const app = ctx.open();
  try {
    const { guid, outcome, published } = await summarizeStory(app, options.story, { dryRun: options.dryRun });
    if (options.json) {
      ctx.output.out(`${JSON.stringify({ story: guid, state: outcome.state, dryRun: options.dryRun, requests: outcome.requests, error: outcome.error, checks: outcome.checks, published }, null, 2)}\n`);
      return outcome.state === 'failed' ? 1 : 0;
    }
    const lines = [`${guid}: ${outcome.state}${options.dryRun ? ' (dry run: nothing stored)' : ''}, ${outcome.requests} request(s) to ${config.summarize.model}`];
    outcome.checks.forEach((check, index) => {
      lines.push('', `answer ${index + 1}: ${check.reasons.length === 0 ? 'passed the check' : 'refused'} (${check.words} words${check.dropped.length > 0 ? `; dropped: ${check.dropped.join(', ')}` : ''})`);
      for (const reason of check.reasons) lines.push(`  - ${reason}`);
      lines.push(`  title: ${check.title}`, ...check.text.split('\n').map((paragraph) => `  ${paragraph}`));
    });
    if (outcome.error !== null) lines.push('', outcome.error);
    if (published !== null) lines.push('', `${published} entries published`);
    ctx.output.out(`${lines.join('\n')}\n`);
    return outcome.state === 'failed' ? 1 : 0;
  } finally {
    app.close();
  }
}
