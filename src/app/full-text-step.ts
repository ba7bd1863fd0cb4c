// The full-text step of a cycle (issue 16): recent items whose feed carries a teaser (or whose
// source says fullText: always) get their article page fetched once, politely and within a
// per-cycle budget, its main text extracted and cleaned, stored, and tagged again with it. A page
// that fails leaves the feed's content; the failure is counted, never the cycle's.
import type { Config } from '../config/load-config.js';
import { htmlToText } from '../clean/text.js';
import { describeError, isVeilleError, type ErrorCode } from '../domain/errors.js';
import type { Clock, Logger } from '../domain/ports.js';
import type { SourceRecord } from '../domain/source.js';
import { publicUrl } from '../domain/source-url.js';
import type { FullTextMode } from '../domain/types.js';
import type { ExtractedArticle } from '../extract/extract-article.js';
import { DEFAULT_READ_MORE_PATTERNS, isTeaser, type TeaserRule } from '../extract/teaser.js';
import { isFetchError } from '../fetch/fetch-error.js';
import type { FetchPolicy } from '../fetch/fetch-feed.js';
import { fetchArticlePage } from '../fetch/fetch-page.js';
import { readHostKey, type HostLimiter } from '../fetch/host-limiter.js';
import type { HttpClient } from '../fetch/http-client.js';
import type { RobotsCache } from '../fetch/robots.js';
import type { Store } from '../store/store.js';
import type { FullTextCandidate } from '../store/full-text-store.js';
import type { Tagger } from '../tag/tagger.js';
import { capRetryAfter } from './fetch-schedule.js';

/** What one cycle's full-text step did. */
export interface FullTextSummary {
  /** Article pages fetched and extracted. */
  readonly fetched: number;
  /** Pages that failed (fetch, robots.txt, not HTML, no article): the feed's content stays. */
  readonly failed: number;
  /** Pages left for a later cycle: over fullText.maxPerCycle, or their host asked to wait. */
  readonly waiting: number;
  /** Failures by error code. */
  readonly failures: Readonly<Record<string, number>>;
}

export const NO_FULL_TEXT: FullTextSummary = Object.freeze({ fetched: 0, failed: 0, waiting: 0, failures: Object.freeze({}) });

export interface FullTextDeps {
  readonly config: Pick<Config, 'fullText' | 'fetch'>;
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The active sources. */
  readonly sources: readonly Pick<SourceRecord, 'id' | 'key'>[];
  /** A source's mode by its key (the URL it was first added with); absent: auto. */
  readonly modeOf: (sourceKey: string) => FullTextMode;
  readonly tagger: Tagger;
  /** The untrusted fetch policy: article links come from feeds, not from the config. */
  readonly policy: FetchPolicy;
  readonly client: HttpClient;
  readonly limiter: HostLimiter;
  /** Host key → epoch ms before which it is not contacted (Retry-After), shared with the feeds' fetches. */
  readonly hostHolds: Map<string, number>;
  readonly signal?: AbortSignal;
}

/** An item edited upstream has its page fetched again at most this often. */
export const REFETCH_AFTER_MS = 24 * 60 * 60 * 1000;

/** Candidates read per cycle: a bound on the step's reading, far above what it fetches. */
const SCAN_LIMIT = 5_000;

/** RFC 9110 §10.2.3 and RFC 6585 §4: with these statuses, Retry-After speaks for the whole server. */
const HOST_DEFERRING_STATUSES: ReadonlySet<number> = new Set([429, 503]);

export async function fetchFullTexts(deps: FullTextDeps): Promise<FullTextSummary> {
  const { config, store, clock } = deps;
  const budget = config.fullText.maxPerCycle;
  const now = clock.now();
  const since = new Date(now.getTime() - config.fullText.maxAgeDays * 86_400_000).toISOString();
  const rule: TeaserRule = { minWords: config.fullText.teaserWords, readMore: config.fullText.readMore ?? DEFAULT_READ_MORE_PATTERNS };
  const fullTexts = store.fullTexts();
  const toFetch: { candidate: FullTextCandidate; mode: FullTextMode }[] = [];
  let waiting = 0;
  for (const candidate of fullTexts.listCandidates(since, SCAN_LIMIT)) {
    const mode = deps.modeOf(candidate.sourceKey);
    const decision = decide(candidate, mode, rule, now);
    if (decision === 'wait') continue;
    if (decision === 'not-needed') {
      fullTexts.record(candidate.itemId, mode, candidate.contentHash, { state: 'not-needed' });
    } else if (toFetch.length < budget) {
      toFetch.push({ candidate, mode });
    } else {
      waiting += 1;
    }
  }
  // fullText: always publishes the page; a source that no longer says so publishes its feed again.
  for (const source of deps.sources) fullTexts.setPublished(source.id, deps.modeOf(source.key) === 'always');

  let fetched = 0;
  let failed = 0;
  const failures: Record<string, number> = {};
  const robots: RobotsCache = { read: (origin) => fullTexts.readRobots(origin), write: (origin, body, at) => fullTexts.writeRobots(origin, body, at) };
  await Promise.all(toFetch.map(async ({ candidate, mode }) => {
    const outcome = await deps.limiter.run(candidate.link, () => fetchOne(candidate, robots, deps));
    if (outcome.kind === 'wait') {
      waiting += 1;
      return;
    }
    const at = clock.now().toISOString();
    if (outcome.kind === 'failed') {
      failed += 1;
      failures[outcome.code] = (failures[outcome.code] ?? 0) + 1;
      fullTexts.record(candidate.itemId, mode, candidate.contentHash, { state: 'failed', attemptedAt: at, errorCode: outcome.code });
      deps.logger.info({ item: candidate.itemId, code: outcome.code }, outcome.message);
      return;
    }
    fetched += 1;
    const { article } = outcome;
    fullTexts.record(candidate.itemId, mode, candidate.contentHash, {
      state: 'ok',
      attemptedAt: at,
      publish: mode === 'always',
      title: article.title,
      text: article.text,
      html: article.html,
      links: article.links,
    });
    // The full text feeds the tagger: the item's themes are read again from it.
    const themes = deps.tagger.tag({
      title: candidate.title,
      summary: candidate.summary,
      content: article.text,
      categories: candidate.categories,
      language: candidate.language,
      languageSettled: true,
      sourceUrl: candidate.sourceKey,
    });
    store.replaceThemes([{ itemId: candidate.itemId, themes }]);
  }));
  return { fetched, failed, waiting, failures };
}

/** Fetch the page, leave the item (not needed, or wait for the day to pass), by the rules of issue 16. */
function decide(candidate: FullTextCandidate, mode: FullTextMode, rule: TeaserRule, now: Date): 'fetch' | 'not-needed' | 'wait' {
  const previous = candidate.previous;
  if (previous !== null && previous.state === 'not-needed' && previous.mode === mode && previous.contentHash === candidate.contentHash) return 'wait';
  // A page fetched (or tried) is fetched again only for an item edited upstream, once a day at most.
  if (previous !== null && previous.state !== 'not-needed' && previous.attemptedAt !== null
    && now.getTime() - Date.parse(previous.attemptedAt) < REFETCH_AFTER_MS) return 'wait';
  if (mode === 'never') return 'not-needed';
  if (mode === 'always') return 'fetch';
  return isTeaser(htmlToText(candidate.contentHtml) || candidate.summary, rule) ? 'fetch' : 'not-needed';
}

type PageOutcome =
  | { readonly kind: 'ok'; readonly article: ExtractedArticle }
  | { readonly kind: 'failed'; readonly code: ErrorCode; readonly message: string }
  | { readonly kind: 'wait' };

async function fetchOne(candidate: FullTextCandidate, robots: RobotsCache, deps: FullTextDeps): Promise<PageOutcome> {
  if (deps.signal?.aborted) return { kind: 'wait' };
  const host = readHostKey(candidate.link);
  const heldUntil = deps.hostHolds.get(host);
  if (heldUntil !== undefined && heldUntil > deps.clock.now().getTime()) return { kind: 'wait' };
  try {
    const page = await fetchArticlePage(candidate.link, deps.policy, robots, {
      client: deps.client,
      now: () => deps.clock.now(),
      ...(deps.signal ? { signal: deps.signal } : {}),
    });
    // Readability and linkedom are loaded by the first page a run extracts, not by every run (issue 15).
    const { extractArticle } = await import('../extract/extract-article.js');
    const article = extractArticle(page.html, publicUrl(page.finalUrl));
    if (article === null) {
      return { kind: 'failed', code: 'EXTRACT_NO_ARTICLE', message: `extract: ${publicUrl(candidate.link)}: no article text found on the page` };
    }
    return { kind: 'ok', article };
  } catch (error) {
    if (deps.signal?.aborted && !isVeilleError(error)) return { kind: 'wait' };
    const retryAfterMs = isFetchError(error) ? capRetryAfter(error.retryAfterMs, deps.config.fetch) : null;
    if (isFetchError(error) && retryAfterMs !== null && HOST_DEFERRING_STATUSES.has(error.httpStatus ?? 0)) {
      const until = deps.clock.now().getTime() + retryAfterMs;
      if (until > (deps.hostHolds.get(host) ?? 0)) {
        deps.hostHolds.set(host, until);
        deps.store.deferHost({ host, notBefore: new Date(until).toISOString(), reason: `HTTP ${error.httpStatus} Retry-After (article page)` },
          deps.clock.now().toISOString());
      }
    }
    if (!isVeilleError(error)) deps.logger.error({ item: candidate.itemId, err: error }, 'full text: unexpected error');
    return { kind: 'failed', code: isVeilleError(error) ? error.code : 'INTERNAL', message: describeError(error) };
  }
}
