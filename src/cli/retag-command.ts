// `veille retag`: re-applies config/themes.yaml to the stored items and says what changed.
import type { Config } from '../config/load-config.js';
import { displayPath } from '../config/load-config.js';
import type { Clock, Logger } from '../domain/ports.js';
import { silentLogger } from '../domain/ports.js';
import type { Store } from '../store/store.js';
import type { Taxonomy } from '../tag/taxonomy.js';
import { createLogger } from '../worker/logger.js';
import { retagStoredItems } from '../worker/retag.js';
import { resolveSources } from '../worker/sources.js';
import type { Output } from './output.js';

export interface RetagCommandContext {
  readonly output: Output;
  readonly env: NodeJS.ProcessEnv;
  readonly clock: Clock;
  /** Opens the store and taxonomy under the data folder's lock (main.ts openApp). */
  readonly open: () => { store: Store; taxonomy: Taxonomy; close(): void };
}

export async function runRetagCommand(config: Config, ctx: RetagCommandContext): Promise<number> {
  const app = ctx.open();
  const logger: Logger = ctx.output.isTerminal ? silentLogger : createLogger(config.log.level, ctx.output.err);
  try {
    const summary = await retagStoredItems({ config, store: app.store, taxonomy: app.taxonomy, sources: resolveSources(config), clock: ctx.clock, logger, env: ctx.env });
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
