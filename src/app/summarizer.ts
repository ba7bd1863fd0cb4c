// The configured summarizer (issue 16): the chat provider named in `summarize` (its key read from
// the environment), the résumé cache in the store and the glossary of `translate.glossary`; and
// the stories that need a résumé, with the texts of all their members. Built by app.ts, once.
import { localeOf, type Config } from '../config/load-config.js';
import { silentLogger, type Clock, type Logger } from '../domain/ports.js';
import type { ResumeCandidate, ResumeSource } from '../domain/resume.js';
import { hostOf } from '../domain/web-url.js';
import type { SourceRecord } from '../domain/source.js';
import type { StoredItem, StoredStory } from '../domain/story.js';
import type { SiteLocale } from '../domain/site-locale.js';
import { htmlToText } from '../clean/text.js';
import type { Store } from '../store/store.js';
import { createChatProvider } from '../summarize/chat.js';
import { createSummarizer, type Summarizer } from '../summarize/summarizer.js';

/** The configured summarizer, or null with provider none or when its key is not in the environment (said in the log). */
export function configuredSummarizer(config: Config, store: Store, env: NodeJS.ProcessEnv, clock: Clock, logger: Logger): Summarizer | null {
  const settings = config.summarize;
  if (settings.provider === 'none') return null;
  let apiKey: string | null = null;
  if (settings.apiKeyEnv !== '') {
    apiKey = env[settings.apiKeyEnv] ?? '';
    if (apiKey === '') {
      logger.warn({ code: 'TRANSLATE_NO_KEY', provider: settings.provider }, `summarize: the environment variable ${settings.apiKeyEnv} (summarize.apiKeyEnv) is not set; no résumé is written`);
      return null;
    }
  }
  return createSummarizer({
    provider: createChatProvider({ url: settings.url, model: settings.model, apiKey, timeoutMs: settings.timeoutMs }),
    cache: store.resumes(),
    glossary: config.translate.glossary,
    language: localeOf(config).primary,
    prompt: settings.prompt,
    minWords: settings.minWords,
    maxWords: settings.maxWords,
    refreshMs: settings.refreshHours * 3_600_000,
    budget: settings.budget,
    retry: settings.retry,
    now: () => clock.now(),
    logger,
  });
}

/** A member's text for the résumé: its full text when the full-text stage fetched it, else its own text from the feed. */
function memberText(member: StoredItem & { readonly fullText?: string | null }): string {
  if (typeof member.fullText === 'string' && member.fullText.trim() !== '') return member.fullText;
  const content = htmlToText(member.contentHtml);
  return content.length >= member.summary.length ? content : member.summary;
}

/** True when a member is known to be in another language than the site's. */
export function needsResume(story: StoredStory, locale: SiteLocale): boolean {
  return story.members.some((member) => member.language !== null && !locale.isSiteLanguage(member.language));
}

/** The story as the summarizer reads it: every member of an active source, with its source's name. */
export function resumeCandidate(story: StoredStory, sourcesById: ReadonlyMap<number, SourceRecord>): ResumeCandidate | null {
  const sources: ResumeSource[] = story.members.flatMap((member) => {
    const source = sourcesById.get(member.sourceId);
    if (!source) return [];
    return [{ itemId: member.id, sourceName: sourceName(source), title: member.title, text: memberText(member), language: member.language, link: member.link }];
  });
  return sources.length === 0 ? null : { guid: story.guid, sources };
}

export function sourceName(source: SourceRecord): string {
  return source.name ?? source.feedTitle ?? hostOf(source.url) ?? source.url;
}

/** The stories with a member published since `since` that need a résumé, newest first. */
export function resumeCandidates(store: Store, locale: SiteLocale, since: string, limit: number): ResumeCandidate[] {
  const sourcesById = new Map(store.listSources({ activeOnly: true }).map((source) => [source.id, source]));
  return store
    .recentStories(limit, { since })
    .filter((story) => needsResume(story, locale))
    .flatMap((story) => resumeCandidate(story, sourcesById) ?? []);
}

/** A story's résumé as `veille stories --json` shows it (DESIGN: written|cached|rejected|off; pending before the first). */
export interface ResumeView {
  readonly state: 'written' | 'cached' | 'rejected' | 'pending' | 'off';
  readonly title?: string;
  readonly text?: string;
  readonly reasons?: readonly string[];
  /** Written from other members than the story has now: shown until it is written again. */
  readonly outdated?: boolean;
}

/** What `stories` and `summarize` read of the résumés: no call is made, no key needed. */
export function resumeInspector(config: Config, store: Store, clock: Clock): (story: StoredStory, sourcesById: ReadonlyMap<number, SourceRecord>) => ResumeView | null {
  const locale = localeOf(config);
  const summarizer = config.summarize.provider === 'none' ? null : configuredSummarizer({ ...config, summarize: { ...config.summarize, apiKeyEnv: '' } }, store, {}, clock, silentLogger);
  return (story, sourcesById) => {
    if (!needsResume(story, locale)) return null;
    if (summarizer === null) return { state: 'off' };
    const candidate = resumeCandidate(story, sourcesById);
    const stored = summarizer.stored(story.guid);
    if (candidate === null || stored === null) return { state: 'pending' };
    const outdated = !summarizer.isCurrent(candidate);
    if (stored.state === 'rejected') return { state: 'rejected', reasons: stored.reasons, ...(outdated ? { outdated } : {}) };
    return { state: stored.reusedAt === null ? 'written' : 'cached', title: stored.title, text: stored.text, ...(outdated ? { outdated } : {}) };
  };
}
