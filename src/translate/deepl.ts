// DeepL API v2 (POST /v2/translate, key in "Authorization: DeepL-Auth-Key"): up to 50 texts per
// request, and the glossary as a DeepL glossary, created once per glossary and language pair and
// remembered (DeepL glossaries need the source language said).
import { createHash } from 'node:crypto';
import type { ProviderSettings, TranslationProvider, TranslationRequest } from './provider.js';
import { badResponse, isTranslateError, joinUrl, postJson } from './provider.js';
import type { GlossaryEntry } from './glossary.js';

const NAME = 'deepl';

/** DeepL's own status for "quota exceeded" (its documentation, "HTTP 456"). */
const STATUS_CODES = { 456: 'TRANSLATE_QUOTA' } as const;

/** Where veille keeps the ids of the glossaries it created at DeepL. */
export interface GlossaryIds {
  get(endpoint: string, from: string, to: string, glossaryHash: string): string | null;
  set(endpoint: string, from: string, to: string, glossaryHash: string, id: string | null): void;
}

/** Free-plan keys end with ":fx" and use their own host (DeepL's documentation). */
export function deeplBaseUrl(configured: string, apiKey: string | null): string {
  if (configured !== '') return configured;
  return apiKey?.endsWith(':fx') ? 'https://api-free.deepl.com' : 'https://api.deepl.com';
}

export function createDeepL(settings: ProviderSettings, glossary: readonly GlossaryEntry[], ids: GlossaryIds): TranslationProvider {
  const base = deeplBaseUrl(settings.url, settings.apiKey);
  const headers = { authorization: `DeepL-Auth-Key ${settings.apiKey ?? ''}` };
  const endpoint = `${NAME} ${base}`;
  const entries = uniqueBySource(glossary);
  const glossaryHash = createHash('sha256').update(JSON.stringify(entries)).digest('hex').slice(0, 16);
  const call = (path: string, body: unknown, request: TranslationRequest) =>
    postJson(NAME, joinUrl(base, path), body, { headers, timeoutMs: settings.timeoutMs, signal: request.signal, statusCodes: STATUS_CODES, now: request.now });

  /** The glossary's id at DeepL, created when unknown; null when DeepL refuses it (the output is still checked). */
  async function glossaryId(request: TranslationRequest): Promise<string | null> {
    if (entries.length === 0 || request.glossary.length === 0) return null;
    const known = ids.get(endpoint, request.from, request.to, glossaryHash);
    if (known !== null) return known;
    try {
      const created = await call(
        'v2/glossaries',
        {
          name: `veille ${request.from}-${request.to} ${glossaryHash}`,
          source_lang: request.from,
          target_lang: request.to,
          entries: entries.map((entry) => `${tsvField(entry.source)}\t${tsvField(entry.target)}`).join('\n'),
          entries_format: 'tsv',
        },
        request,
      );
      const id = (created as { glossary_id?: unknown }).glossary_id;
      if (typeof id !== 'string' || id === '') throw badResponse(NAME, 'no glossary_id in the created glossary');
      ids.set(endpoint, request.from, request.to, glossaryHash, id);
      return id;
    } catch (error) {
      // A refused glossary (a language pair DeepL has no glossaries for, a plan without them) must not
      // stop translation; a quota, key or network problem must, as for any request.
      if (isTranslateError(error) && !error.retryable && error.code !== 'TRANSLATE_AUTH' && error.code !== 'TRANSLATE_QUOTA') return null;
      throw error;
    }
  }

  async function translateWith(request: TranslationRequest, id: string | null): Promise<unknown> {
    return call(
      'v2/translate',
      {
        text: request.texts,
        source_lang: request.from.toUpperCase(),
        target_lang: request.to.toUpperCase(),
        ...(id !== null ? { glossary_id: id } : {}),
      },
      request,
    );
  }

  return {
    name: NAME,
    model: '',
    batchSize: 50,
    glossaryMode: 'request',
    async translate(request) {
      const id = await glossaryId(request);
      let answer: unknown;
      try {
        answer = await translateWith(request, id);
      } catch (error) {
        // A glossary deleted at DeepL since: forget it, translate without it this time.
        if (id === null || !isTranslateError(error) || error.retryable || error.code === 'TRANSLATE_AUTH' || error.code === 'TRANSLATE_QUOTA') throw error;
        ids.set(endpoint, request.from, request.to, glossaryHash, null);
        answer = await translateWith(request, null);
      }
      const translations = (answer as { translations?: unknown }).translations;
      if (!Array.isArray(translations) || translations.length !== request.texts.length) {
        throw badResponse(NAME, `expected ${request.texts.length} translation(s)`);
      }
      return translations.map((translation) => {
        const text = (translation as { text?: unknown } | null)?.text;
        if (typeof text !== 'string') throw badResponse(NAME, 'a translation without text');
        return text;
      });
    },
  };
}

function uniqueBySource(glossary: readonly GlossaryEntry[]): GlossaryEntry[] {
  const seen = new Set<string>();
  return glossary.filter((entry) => {
    const key = entry.source.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** TSV entries may hold neither tabs nor line breaks. */
function tsvField(value: string): string {
  return value.replace(/[\t\r\n]+/g, ' ').trim();
}
