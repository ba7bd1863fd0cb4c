// Use case "stories": the stories with a member published since a date, each with its members
// and their sources' names, to check how veille grouped the same news. Reads only, no lock.
import { publicUrl } from '../domain/source-url.js';
import type { Config } from '../config/load-config.js';
import type { StoredStory } from '../domain/story.js';
import type { Clock } from '../domain/ports.js';
import { Store } from '../store/store.js';
import { resumeInspector, type ResumeView } from './summarizer.js';

/** Enough for any check by hand; the newest stories first. */
const MAX_STORIES = 10_000;

export interface StoryView {
  readonly guid: string;
  /** True for a story told by several items; false for an item alone (grouped with no other). */
  readonly grouped: boolean;
  readonly members: readonly {
    readonly id: string;
    readonly source: string;
    readonly language: string | null;
    readonly publishedAt: string | null;
    readonly title: string;
    readonly link: string | null;
  }[];
  /** The story's résumé (issue 16); absent when every member is in the site's language. */
  readonly resume?: ResumeView;
}

export function listStories(config: Config, since: Date, clock: Clock = { now: () => new Date() }): StoryView[] {
  const store = Store.openIfExists(config.storage); // none before the first run
  let stories: StoredStory[] = [];
  let sourceNames = new Map<number, string>();
  const resumes = new Map<string, ResumeView>();
  try {
    if (store) {
      stories = store.recentStories(MAX_STORIES, { since: since.toISOString() });
      const sources = store.listSources({ activeOnly: false });
      sourceNames = new Map(sources.map((source) => [source.id, source.name ?? source.feedTitle ?? publicUrl(source.url)]));
      const sourcesById = new Map(sources.map((source) => [source.id, source]));
      const inspect = resumeInspector(config, store, clock);
      for (const story of stories) {
        const view = inspect(story, sourcesById);
        if (view !== null) resumes.set(story.guid, view);
      }
    }
  } finally {
    store?.close();
  }
  return stories.map((story) => ({
    guid: story.guid,
    grouped: story.members.length > 1,
    members: story.members.map((member) => ({
      id: member.id,
      source: sourceNames.get(member.sourceId) ?? String(member.sourceId),
      language: member.language,
      publishedAt: member.publishedAt,
      title: member.title,
      link: member.link,
    })),
    ...(resumes.has(story.guid) ? { resume: resumes.get(story.guid) as ResumeView } : {}),
  }));
}
