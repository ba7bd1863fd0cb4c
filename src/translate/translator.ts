// The translate stage: the titles and summaries of recent items not in the site's language,
// translated through the configured provider, cached in SQLite, within a budget per run. A
// provider that fails is given up for the run: publishing and the digest never wait on it.
import { createHash } from 'node:crypto';
import { VeilleError, describeError } from '../domain/errors.js';
import type { TranslatedTexts } from '../domain/types.js';
import { primaryLanguage } from '../domain/language-tag.js';
import type { Logger, TranslationCache } from '../domain/ports.js';
import { htmlToText, stripBidiControls } from '../clean/text.js';
import { collapseSpaces } from '../clean/html-dom.js';
import type { TranslationCandidate, TranslationKey } from '../domain/translation.js';
import { applyGlossary, entriesIn, glossaryHash, glossaryMisses, type GlossaryEntry } from './glossary.js';
import { isTranslateError, type TranslationProvider } from './provider.js';

export interface TranslatorOptions {
  readonly provider: TranslationProvider;
  /** The translation cache (the store's translations). */
  readonly store: TranslationCache;
  readonly glossary: readonly GlossaryEntry[];
  /** The site's language (primary subtag), e.g. fr. */
  readonly targetLang: string;
  readonly budget: { readonly characters: number; readonly requests: number };
  readonly retry: { readonly attempts: number; readonly delayMs: number };
  readonly now: () => Date;
  readonly logger: Logger;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export type { TranslatedTexts };

export interface TranslateSummary {
  /** Items translated by this run. */
  readonly translated: number;
  /** Items found already translated in the cache. */
  readonly cached: number;
  /** Items left for the next run: budget spent, provider failing, or a text it could not translate. */
  readonly deferred: number;
  readonly requests: number;
  readonly characters: number;
  /** Glossary terms missing from this run's output, after the post-pass. */
  readonly glossaryMisses: number;
  /** Why the run stopped early, when it did: the error code and message. */
  readonly stopped: { readonly code: string; readonly message: string } | null;
}

export interface Translator {
  readonly provider: string;
  /** The cached translation of an item, or null when it has none (yet) or needs none. */
  lookup(item: { readonly title: string; readonly summary: string; readonly language: string | null }): TranslatedTexts | null;
  /** Translates what the candidates lack, newest first, within the budget. Never throws for a provider's failure. */
  translatePending(candidates: readonly TranslationCandidate[], signal?: AbortSignal): Promise<TranslateSummary>;
}

/** Longest wait for a Retry-After within a run; a provider asking for more is left for the next run. */
const MAX_RETRY_WAIT_MS = 60_000;

/** A translation longer than this many times its source (plus a margin) is a chatty answer, not a translation. */
const MAX_GROWTH = 4;

export function createTranslator(options: TranslatorOptions): Translator {
  const { provider, store, glossary, targetLang } = options;
  const glossaryKey = glossaryHash(glossary);
  const sleep = options.sleep ?? sleepFor;
  const keyOf = (text: string, from: string): TranslationKey => ({
    sourceHash: hashText(text),
    provider: provider.name,
    model: provider.model,
    sourceLang: from,
    targetLang,
    glossaryHash: glossaryKey,
  });
  const cached = (text: string, from: string): string | null => (text === '' ? '' : (store.get(keyOf(text, from))?.text ?? null));

  function needsTranslation(language: string | null): string | null {
    const from = primaryLanguage(language);
    return from === null || from === targetLang ? null : from;
  }

  return {
    provider: provider.name,

    lookup(item) {
      const from = needsTranslation(item.language);
      if (from === null) return null;
      const title = cached(item.title, from);
      const summary = cached(item.summary, from);
      return title === null || summary === null ? null : { title, summary, from };
    },

    async translatePending(candidates, signal) {
      let translated = 0;
      let already = 0;
      let deferred = 0;
      let requests = 0;
      let characters = 0;
      let misses = 0;
      let stopped: TranslateSummary['stopped'] = null;

      /** One request with retries; null when the run must stop (the reason is in `stopped`). */
      const send = async (texts: readonly string[], from: string): Promise<string[] | null> => {
        for (let attempt = 1; ; attempt += 1) {
          const cost = Math.ceil(texts.length / provider.batchSize);
          if (requests + cost > options.budget.requests) return null;
          requests += cost;
          try {
            return await provider.translate({
              texts,
              from,
              to: targetLang,
              glossary: entriesIn(texts, glossary),
              now: options.now,
              ...(signal ? { signal } : {}),
            });
          } catch (error) {
            if (signal?.aborted) throw error;
            const retryable = isTranslateError(error) && error.retryable && error.code !== 'TRANSLATE_TIMEOUT';
            const wait = isTranslateError(error) ? (error.retryAfterMs ?? options.retry.delayMs * 2 ** (attempt - 1)) : 0;
            if (!retryable || attempt >= options.retry.attempts || wait > MAX_RETRY_WAIT_MS) {
              const code = error instanceof VeilleError ? error.code : 'INTERNAL';
              // Texts the provider refuses (400, 413, 422) cost that batch only; the rest goes on. Anything
              // else (a wrong URL or model: 404, an answer that is not the API's) would fail every batch.
              if (isTranslateError(error) && error.code === 'TRANSLATE_REFUSED_TEXT') {
                options.logger.warn({ code, provider: provider.name, texts: texts.length }, describeError(error));
                return [];
              }
              stopped = { code, message: describeError(error) };
              return null;
            }
            options.logger.info({ code: error instanceof VeilleError ? error.code : 'INTERNAL', attempt, waitMs: wait }, 'translate: retrying');
            await sleep(wait, signal);
          }
        }
      };

      /** The provider's own rendering of the glossary terms found in `texts` (post-pass providers), cached like any text. */
      const renderingsFor = async (texts: readonly string[], from: string): Promise<Map<string, string> | null> => {
        const renderings = new Map<string, string>();
        if (provider.glossaryMode !== 'post-pass') return renderings;
        const terms = entriesIn(texts, glossary).map((entry) => entry.source);
        const missing = terms.filter((term) => cached(term, from) === null);
        if (missing.length > 0) {
          const out = await send(missing, from);
          if (out === null) return null;
          out.forEach((text, i) => {
            const term = missing[i] as string;
            store.put(keyOf(term, from), { text: clean(text, term), glossaryMisses: [] }, options.now().toISOString());
          });
        }
        for (const term of terms) {
          const rendering = cached(term, from);
          if (rendering !== null) renderings.set(term, rendering);
        }
        return renderings;
      };

      // Batches of whole items in one source language; each item's texts are counted against the budget.
      let index = 0;
      while (index < candidates.length) {
        if (stopped !== null || signal?.aborted) break;
        const first = candidates[index] as TranslationCandidate;
        const from = needsTranslation(first.language);
        if (from === null) {
          index += 1;
          continue;
        }
        const batch: { item: TranslationCandidate; texts: string[] }[] = [];
        let batchTexts = 0;
        let outOfBudget = false;
        while (index < candidates.length) {
          const item = candidates[index] as TranslationCandidate;
          if (needsTranslation(item.language) !== from) break;
          const texts = [item.title, item.summary].filter((text, i, all) => text !== '' && cached(text, from) === null && all.indexOf(text) === i);
          if (texts.length === 0) {
            already += 1;
            index += 1;
            continue;
          }
          if (batch.length > 0 && batchTexts + texts.length > provider.batchSize) break;
          const size = texts.reduce((sum, text) => sum + text.length, 0);
          if (characters + size > options.budget.characters) {
            outOfBudget = true;
            break;
          }
          characters += size;
          batch.push({ item, texts });
          batchTexts += texts.length;
          index += 1;
        }
        if (batch.length > 0) {
          const texts = batch.flatMap((entry) => entry.texts);
          const renderings = await renderingsFor(texts, from);
          const out = renderings === null ? null : await send(texts, from);
          if (out === null) {
            deferred += batch.length;
            break;
          }
          if (out.length === 0) {
            deferred += batch.length;
            continue;
          }
          const at = options.now().toISOString();
          let position = 0;
          for (const entry of batch) {
            let complete = true;
            for (const text of entry.texts) {
              const output = finish(text, out[position] ?? '', renderings ?? new Map());
              position += 1;
              if (output === null) {
                complete = false;
                options.logger.warn({ provider: provider.name, item: entry.item.id }, 'translate: the answer does not look like a translation; kept untranslated');
                continue;
              }
              misses += output.misses.length;
              store.put(keyOf(text, from), { text: output.text, glossaryMisses: output.misses }, at);
            }
            if (complete) translated += 1;
            else deferred += 1;
          }
        }
        if (outOfBudget) break;
      }
      // Whatever was not reached waits for the next run.
      for (; index < candidates.length; index += 1) {
        const item = candidates[index] as TranslationCandidate;
        const from = needsTranslation(item.language);
        if (from === null) continue;
        if ([item.title, item.summary].every((text) => cached(text, from) !== null)) already += 1;
        else deferred += 1;
      }
      return { translated, cached: already, deferred, requests, characters, glossaryMisses: misses, stopped };

      function finish(source: string, output: string, renderings: ReadonlyMap<string, string>): { text: string; misses: string[] } | null {
        let text = clean(output, source);
        if (text === '' || text.length > source.length * MAX_GROWTH + 80) return null;
        if (provider.glossaryMode === 'post-pass') text = applyGlossary(source, text, glossary, renderings);
        return { text, misses: glossaryMisses(source, text, glossary) };
      }
    },
  };
}

/**
 * Provider output made plain, one-line text: markup and bidi controls removed (it is never trusted,
 * and titles and summaries are text, as in clean/normalize.ts), spaces collapsed, and the quotes a
 * chat model may wrap its answer in dropped.
 */
export function clean(output: string, source = ''): string {
  let text = collapseSpaces(stripBidiControls(htmlToText(output)).replace(/\s+/g, ' '));
  const open = text.charAt(0);
  const close = text.charAt(text.length - 1);
  const sourceQuoted = /^["«“„'‘]/u.test(source.trim());
  if (text.length >= 2 && /["«“„']/u.test(open) && /["»”']/u.test(close) && !sourceQuoted && pairs(open, close)) text = text.slice(1, -1).trim();
  return text;
}

function pairs(open: string, close: string): boolean {
  return (open === '"' && close === '"') || (open === '«' && close === '»') || (open === '“' && close === '”') || (open === '„' && close === '“') || (open === "'" && close === "'");
}

export function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Waits `ms`, or less when `signal` aborts (a stopping worker does not wait out a back-off). */
export function sleepFor(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
