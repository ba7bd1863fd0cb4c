// The configured translator: the provider named in config (its key read from the environment) and
// the cache in the store. Built by the composition root only (app.ts), once per process, so that a
// missing key is said once, not by every step that translates or publishes.
import { localeOf, type Config } from '../config/load-config.js';
import type { Clock, Logger } from '../domain/ports.js';
import type { Store } from '../store/store.js';
import { createDeepL } from '../translate/deepl.js';
import { createLibreTranslate } from '../translate/libretranslate.js';
import { createOpenAiCompatible } from '../translate/openai.js';
import type { ProviderSettings, TranslationProvider } from '../translate/provider.js';
import { createTranslator, type Translator } from '../translate/translator.js';

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
