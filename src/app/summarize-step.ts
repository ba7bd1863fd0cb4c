// The summarize step: one run of the summarizer (built by app.ts) over the recent stories with a
// member not in the site's language, after grouping and before publishing. Never throws.
import { localeOf, type Config } from '../config/load-config.js';
import { describeError } from '../domain/errors.js';
import type { Clock, Logger } from '../domain/ports.js';
import type { Store } from '../store/store.js';
import type { SummarizeSummary, Summarizer } from '../summarize/summarizer.js';
import { resumeCandidates } from './summarizer.js';

export async function summarizeRecent(
  summarizer: Summarizer,
  deps: { config: Config; store: Store; clock: Clock; logger: Logger },
  options: { signal?: AbortSignal } = {},
): Promise<SummarizeSummary | null> {
  const { config, store, logger } = deps;
  const since = new Date(deps.clock.now().getTime() - config.summarize.maxAgeDays * 86_400_000).toISOString();
  try {
    const candidates = resumeCandidates(store, localeOf(config), since, config.maxItems);
    const summary = await summarizer.summarizePending(candidates, options.signal);
    const fields = { model: summarizer.model, ...summary, stopped: summary.stopped?.code ?? null };
    if (summary.stopped !== null) logger.warn(fields, `${summary.stopped.message}; ${summary.deferred} story(ies) wait for their résumé`);
    else logger.info(fields, 'summarized');
    return summary;
  } catch (error) {
    if (options.signal?.aborted) return null;
    logger.error({ model: summarizer.model, err: describeError(error) }, 'summarize: failed; stories keep their own text');
    return null;
  }
}
