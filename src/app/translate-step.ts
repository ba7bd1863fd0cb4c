// The translate step: one run of the translator (built by the composition root, src/app/app.ts)
// over the recent items, before publishing or digesting.
import { localeOf, type Config } from '../config/load-config.js';
import { describeError } from '../domain/errors.js';
import type { Clock, Logger } from '../domain/ports.js';
import type { Store } from '../store/store.js';
import type { TranslateSummary, Translator } from '../translate/translator.js';

/**
 * Translates what the items published in the last `translate.maxAgeDays` (or in [from, to)) lack,
 * within the budget. Never throws: a failing provider is logged and the items go out untranslated.
 */
export async function translateRecent(
  translator: Translator,
  deps: { config: Config; store: Store; clock: Clock; logger: Logger },
  options: { from?: string; to?: string; signal?: AbortSignal } = {},
): Promise<TranslateSummary | null> {
  const { config, store, logger } = deps;
  const since = options.from ?? new Date(deps.clock.now().getTime() - config.translate.maxAgeDays * 86_400_000).toISOString();
  try {
    const candidates = store.translations().candidates(localeOf(config).primary, since, options.to);
    const summary = await translator.translatePending(candidates, options.signal);
    const fields = { provider: translator.provider, ...summary, stopped: summary.stopped?.code ?? null };
    if (summary.stopped !== null) logger.warn(fields, `${summary.stopped.message}; ${summary.deferred} item(s) go out untranslated for now`);
    else logger.info(fields, 'translated');
    return summary;
  } catch (error) {
    if (options.signal?.aborted) return null;
    logger.error({ provider: translator.provider, err: describeError(error) }, 'translate: failed; items go out untranslated');
    return null;
  }
}
