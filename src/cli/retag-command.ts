// `veille retag`: re-applies config/themes.yaml to the stored items and says what changed.
import type { App } from '../app/app.js';
import type { Config } from '../config/load-config.js';
import { displayPath } from '../config/load-config.js';
import { retagStoredItems } from '../app/retag.js';
import type { Output } from './output.js';

export interface RetagCommandContext {
  readonly output: Output;
  /** Opens the app (src/app/app.ts): the store under the data folder's lock. */
  readonly open: () => App;
}

export async function runRetagCommand(config: Config, ctx: RetagCommandContext): Promise<number> {
  const app = ctx.open();
  try {
    const summary = await app.exclusive('retag', () => retagStoredItems(app));
    const moves = Object.entries(summary.themes)
      .filter(([, counts]) => counts.added > 0 || counts.removed > 0)
      .map(([id, counts]) => `${id} +${counts.added} −${counts.removed}`);
    ctx.output.out(
      `Retagged ${summary.items} items in ${(summary.durationMs / 1000).toFixed(1)} s: ${summary.changed} changed` +
        `${moves.length > 0 ? ` (${moves.join(', ')})` : ''}; ${summary.published} entries published in ${displayPath(config.publishDir)}\n`,
    );
    if (summary.changed > 0) ctx.output.out('Published digest issues keep their content; rebuild one with "veille digest --week W --force".\n');
    return 0;
  } finally {
    app.close();
  }
}
