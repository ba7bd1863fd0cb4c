// The summarize stage (issue 16): each story with a member not in the site's language gets a title
// and résumé from the texts of all its members, checked before it is stored. Cached by the
// members' texts, the model, the prompt and the glossary; a story that changed is written again
// at most once per refresh interval; a budget per run and per day; a failing provider is given up
// for the run, so publishing never waits on it.
import { VeilleError, describeError } from '../domain/errors.js';
import type { Logger } from '../domain/ports.js';
import type { ResumeCache, ResumeCandidate, StoredResume } from '../domain/resume.js';
import { glossaryHash, entriesIn, type GlossaryEntry } from '../translate/glossary.js';
import { isTranslateError } from '../translate/provider.js';
import { hashText, sleepFor } from '../translate/translator.js';
import type { ResumeProvider } from './chat.js';
import { checkResume, type CheckedResume } from './check.js';
import { buildMessages, requestCharacters, retryMessages, type ChatMessage } from './prompt.js';

export interface SummarizerOptions {
  readonly provider: ResumeProvider;
  readonly cache: ResumeCache;
  readonly glossary: readonly GlossaryEntry[];
  /** The site's language (primary subtag). */
  readonly language: string;
  readonly prompt: string;
  readonly minWords: number;
  readonly maxWords: number;
  readonly refreshMs: number;
  readonly budget: { readonly requests: number; readonly characters: number; readonly requestsPerDay: number; readonly charactersPerDay: number };
  readonly retry: { readonly attempts: number; readonly delayMs: number };
  readonly now: () => Date;
  readonly logger: Logger;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface SummarizeSummary {
  readonly written: number;
  readonly cached: number;
  readonly rejected: number;
  /** Changed stories within their refresh interval: their last résumé stays. */
  readonly waiting: number;
  /** Left for a later run: budget spent or provider failing. */
  readonly deferred: number;
  readonly requests: number;
  readonly characters: number;
  readonly stopped: { readonly code: string; readonly message: string } | null;
}

/** One story's outcome, with each check made (`summarize --story`). */
export interface StoryOutcome {
  readonly state: 'written' | 'cached' | 'rejected' | 'waiting' | 'deferred' | 'failed';
  readonly resume: StoredResume | null;
  readonly checks: readonly CheckedResume[];
  readonly requests: number;
  readonly error: string | null;
}

export interface Summarizer {
  readonly model: string;
  /** The stored résumé of a story (written or rejected), whatever its inputs now. */
  stored(storyGuid: string): StoredResume | null;
  /** True when the story's stored record was made from its members as they are now. */
  isCurrent(candidate: ResumeCandidate): boolean;
  summarizePending(candidates: readonly ResumeCandidate[], signal?: AbortSignal): Promise<SummarizeSummary>;
  /** One story on demand: written (and stored unless `dryRun`) whatever the cache and interval say. */
  summarizeStory(candidate: ResumeCandidate, options?: { dryRun?: boolean; signal?: AbortSignal }): Promise<StoryOutcome>;
}

/** Longest wait for a Retry-After within a run; a provider asking for more is left for the next run. */
const MAX_RETRY_WAIT_MS = 60_000;

export function createSummarizer(options: SummarizerOptions): Summarizer {
  const { provider, cache } = options;
  const sleep = options.sleep ?? sleepFor;
  const fixed = JSON.stringify([provider.name, provider.model, options.prompt, glossaryHash(options.glossary), options.language, options.minWords, options.maxWords]);
  const inputHash = (candidate: ResumeCandidate): string => {
    const members = candidate.sources
      .map((source) => [source.itemId, hashText(`${source.sourceName}\n${source.title}\n${source.text}`)])
      .sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1));
    return hashText(`${fixed}\n${JSON.stringify(members)}`);
  };
  const day = (): string => options.now().toISOString().slice(0, 10);

  /** Runs one story's exchange: a request, the check, one more request with what failed. */
  async function write(candidate: ResumeCandidate, spend: Spender, signal?: AbortSignal): Promise<Omit<StoryOutcome, 'state'> & { state: StoryOutcome['state'] }> {
    const glossary = entriesIn(candidate.sources.flatMap((source) => [source.title, source.text]), options.glossary);
    const settings = { prompt: options.prompt, language: options.language, minWords: options.minWords, maxWords: options.maxWords, glossary };
    const first = buildMessages(candidate.sources, settings);
    const checks: CheckedResume[] = [];
    let messages: ChatMessage[] = first;
    let requests = 0;
    for (let round = 1; round <= 2; round += 1) {
      const size = requestCharacters(messages);
      if (!spend.allows(size)) return { state: 'deferred', resume: null, checks, requests, error: null };
      const answer = await ask(messages, size, spend, signal);
      requests += answer.requests;
      if (answer.error !== null) return { state: 'failed', resume: null, checks, requests, error: answer.error };
      const check = checkResume(answer.text, { sources: candidate.sources, glossary: options.glossary, language: options.language, minWords: options.minWords, maxWords: options.maxWords });
      checks.push(check);
      if (check.reasons.length === 0) {
        return { state: 'written', resume: record(candidate, 'written', check.title, check.text, []), checks, requests, error: null };
      }
      messages = retryMessages(first, answer.text, check.reasons);
    }
    const reasons = checks[checks.length - 1]?.reasons ?? [];
    return { state: 'rejected', resume: record(candidate, 'rejected', '', '', reasons), checks, requests, error: null };
  }

  function record(candidate: ResumeCandidate, state: StoredResume['state'], title: string, text: string, reasons: readonly string[]): StoredResume {
    return {
      storyGuid: candidate.guid,
      inputHash: inputHash(candidate),
      state,
      title,
      text,
      reasons,
      model: provider.model,
      itemIds: candidate.sources.map((source) => source.itemId),
      createdAt: options.now().toISOString(),
      reusedAt: null,
    };
  }

  /** One request, tried again on 429, 5xx and network errors (Retry-After followed up to a minute). */
  async function ask(messages: readonly ChatMessage[], size: number, spend: Spender, signal?: AbortSignal): Promise<{ text: string; requests: number; error: string | null }> {
    let requests = 0;
    for (let attempt = 1; ; attempt += 1) {
      if (attempt > 1 && !spend.allows(size)) return { text: '', requests, error: 'summarize: the budget ran out while retrying' };
      spend.take(size);
      requests += 1;
      try {
        return { text: await provider.complete(messages, { now: options.now, ...(signal ? { signal } : {}) }), requests, error: null };
      } catch (error) {
        if (signal?.aborted) throw error;
        const retryable = isTranslateError(error) && error.retryable && error.code !== 'TRANSLATE_TIMEOUT';
        const wait = isTranslateError(error) ? (error.retryAfterMs ?? options.retry.delayMs * 2 ** (attempt - 1)) : 0;
        if (!retryable || attempt >= options.retry.attempts || wait > MAX_RETRY_WAIT_MS) {
          const code = error instanceof VeilleError ? error.code : 'INTERNAL';
          return { text: '', requests, error: `${code}: ${describeError(error)}` };
        }
        options.logger.info({ code: isTranslateError(error) ? error.code : 'INTERNAL', attempt, waitMs: wait }, 'summarize: retrying');
        await sleep(wait, signal);
      }
    }
  }

  function spender(limits: { requests: number; characters: number }): Spender {
    let requests = 0;
    let characters = 0;
    return {
      allows(size) {
        const today = cache.spent(day());
        return (
          requests + 1 <= limits.requests &&
          characters + size <= limits.characters &&
          today.requests + 1 <= options.budget.requestsPerDay &&
          today.characters + size <= options.budget.charactersPerDay
        );
      },
      take(size) {
        requests += 1;
        characters += size;
        cache.addSpent(day(), 1, size);
      },
      get requests() {
        return requests;
      },
      get characters() {
        return characters;
      },
    };
  }

  return {
    model: provider.model,
    stored: (guid) => cache.get(guid),
    isCurrent: (candidate) => cache.get(candidate.guid)?.inputHash === inputHash(candidate),

    async summarizePending(candidates, signal) {
      const spend = spender({ requests: options.budget.requests, characters: options.budget.characters });
      const counts = { written: 0, cached: 0, rejected: 0, waiting: 0, deferred: 0 };
      let stopped: SummarizeSummary['stopped'] = null;
      for (const candidate of candidates) {
        const stored = cache.get(candidate.guid);
        if (stored !== null && stored.inputHash === inputHash(candidate)) {
          if (stored.reusedAt === null) cache.markReused(candidate.guid, options.now().toISOString());
          counts.cached += 1;
          continue;
        }
        if (stored !== null && options.now().getTime() - Date.parse(stored.createdAt) < options.refreshMs) {
          counts.waiting += 1;
          continue;
        }
        if (stopped !== null || signal?.aborted) {
          counts.deferred += 1;
          continue;
        }
        const outcome = await write(candidate, spend, signal);
        if (outcome.state === 'failed') {
          stopped = { code: outcome.error?.split(':')[0] ?? 'INTERNAL', message: outcome.error ?? '' };
          counts.deferred += 1;
          continue;
        }
        if (outcome.state === 'deferred') {
          counts.deferred += 1;
          stopped = { code: 'SUMMARIZE_BUDGET', message: 'summarize: the budget for this run or day is spent; the rest waits' };
          continue;
        }
        if (outcome.resume !== null) cache.put(outcome.resume);
        if (outcome.state === 'rejected') {
          counts.rejected += 1;
          options.logger.warn({ story: candidate.guid, reasons: outcome.resume?.reasons ?? [] }, 'summarize: résumé rejected twice by the check; the story keeps its own text');
        } else counts.written += 1;
      }
      return { ...counts, requests: spend.requests, characters: spend.characters, stopped };
    },

    async summarizeStory(candidate, { dryRun = false, signal } = {}) {
      const spend = spender({ requests: Number.POSITIVE_INFINITY, characters: Number.POSITIVE_INFINITY });
      const outcome = await write(candidate, spend, signal);
      if (!dryRun && outcome.resume !== null) cache.put(outcome.resume);
      return outcome;
    },
  };
}

interface Spender {
  allows(size: number): boolean;
  take(size: number): void;
  readonly requests: number;
  readonly characters: number;
}

