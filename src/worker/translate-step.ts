// Wires the translate stage: the provider named in config (its key read from the environment),
// the cache in the store, and one run over the recent items before publishing or digesting.
import { localeOf, type Config } from '../config/load-config.js';
import { describeError } from '../domain/errors.js';
import type { Clock, Logger } from '../domain/ports.js';
import type { Store } from '../store/store.js';
import { createDeepL } from '../translate/deepl.js';
import { createLibreTranslate } from '../translate/libretranslate.js';
import { createOpenAiCompatible } from '../translate/openai.js';
import type { ProviderSettings, TranslationProvider } from '../translate/provider.js';
import { createTranslator, type TranslateSummary, type Translator } from '../translate/translator.js';

/** The configured translator, or null with provider none, or when its key is not in the environment (said in the log). */
export function configuredTranslator(config: Config, store: Store, env: NodeJS.ProcessEnv, clock: Clock, logger: Logger): Translator | null {
  const settings = config.translate;
  if (settings.provider === 'none') return null;
  let apiKey: string | null = null;
  if (settings.apiKeyEnv !== '') {
    apiKey = env[settings.apiKeyEnv] ?? '';
    if (apiKey === '') {
      logger.warn(
        { code: 'TRANSLATE_NO_KEY', provider: settings.provider },
        `translate: the environment variable ${settings.apiKeyEnv} (translate.apiKeyEnv) is not set; items go out untranslated`,
      );
      return null;
    }
  }
  const providerSettings: ProviderSettings = { url: settings.url, model: settings.model, apiKey, timeoutMs: settings.timeoutMs };
  const translations = store.translations();
  const provider: TranslationProvider =
    settings.provider === 'libretranslate'
      ? createLibreTranslate(providerSettings)
      : settings.provider === 'deepl'
        ? createDeepL(providerSettings, settings.glossary, {
            get: (endpoint, from, to, hash) => translations.glossaryId(endpoint, from, to, hash),
            set: (endpoint, from, to, hash, id) => translations.saveGlossaryId(endpoint, from, to, hash, id, clock.now().toISOString()),
          })
        : createOpenAiCompatible(providerSettings);
  return createTranslator({
    provider,
    store: translations,
    glossary: settings.glossary,
    targetLang: localeOf(config).primary,
    budget: settings.budget,
    retry: settings.retry,
    now: () => clock.now(),
    logger,
  });
}

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
