// LibreTranslate (POST /translate): several texts per request, no glossary (veille's post-pass
// puts the glossary's terms in), the key, when the server wants one, in the body.
import { badResponse, joinUrl, postJson, type ProviderSettings, type TranslationProvider } from './provider.js';

const NAME = 'libretranslate';

export function createLibreTranslate(settings: ProviderSettings): TranslationProvider {
  return {
    name: NAME,
    model: '',
    batchSize: 10,
    glossaryMode: 'post-pass',
    async translate(request) {
      const answer = await postJson(
        NAME,
        joinUrl(settings.url, 'translate'),
        { q: request.texts, source: request.from, target: request.to, format: 'text', ...(settings.apiKey !== null ? { api_key: settings.apiKey } : {}) },
        { timeoutMs: settings.timeoutMs, signal: request.signal, now: request.now },
      );
      const translated = (answer as { translatedText?: unknown }).translatedText;
      // Servers answer an array for an array, and older ones a string for a single text.
      const texts = typeof translated === 'string' && request.texts.length === 1 ? [translated] : translated;
      if (!Array.isArray(texts) || texts.length !== request.texts.length || !texts.every((t) => typeof t === 'string')) {
        throw badResponse(NAME, `expected translatedText with ${request.texts.length} text(s)`);
      }
      return texts as string[];
    },
  };
}
