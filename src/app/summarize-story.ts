// Use case "summarize --story ID": one story's résumé written now, whatever the cache, the refresh
// interval and the budget say, with each check made; stored and published unless it is a dry run.
import { localeOf } from '../config/load-config.js';
import { VeilleError } from '../domain/errors.js';
import type { StoredStory } from '../domain/story.js';
import type { StoryOutcome } from '../summarize/summarizer.js';
import type { App } from './app.js';
import { publishFromStore } from './publish.js';
import { needsResume, resumeCandidate } from './summarizer.js';

/** Stories searched for the ID: every story a command may name. */
const MAX_STORIES = 100_000;

export interface SummarizeStoryResult {
  readonly guid: string;
  readonly outcome: StoryOutcome;
  /** Entries published after storing it; null for a dry run or when nothing was stored. */
  readonly published: number | null;
}

export async function summarizeStory(app: App, id: string, options: { dryRun: boolean }): Promise<SummarizeStoryResult> {
  const summarizer = app.summarizer;
  if (summarizer === null) {
    throw new VeilleError('USAGE', 'summarize: résumés are off (summarize.provider is none, or its key is not in the environment); set summarize: { provider: openai, url, model }');
  }
  const story = findStory(app.store.recentStories(MAX_STORIES, { since: '0000' }), id);
  if (story === null) throw new VeilleError('USAGE', `summarize: no story "${id}" (a GUID from "veille stories", or one of its items' ids)`);
  if (!needsResume(story, localeOf(app.config))) throw new VeilleError('USAGE', `summarize: every member of ${story.guid} is in the site's language; it needs no résumé`);
  const sourcesById = new Map(app.store.listSources({ activeOnly: true }).map((source) => [source.id, source]));
  const candidate = resumeCandidate(story, sourcesById);
  if (candidate === null) throw new VeilleError('USAGE', `summarize: ${story.guid} has no member from an active source`);
  const outcome = await summarizer.summarizeStory(candidate, { dryRun: options.dryRun });
  let published: number | null = null;
  if (!options.dryRun && outcome.resume !== null) {
    published = await publishFromStore({ config: app.config, store: app.store, taxonomy: app.taxonomy, builtAt: app.clock.now(), translator: app.translator, summarizer });
  }
  return { guid: story.guid, outcome, published };
}

function findStory(stories: readonly StoredStory[], id: string): StoredStory | null {
  return stories.find((story) => story.guid === id || story.members.some((member) => member.id === id)) ?? null;
}
