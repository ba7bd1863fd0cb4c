// Builds the weekly issue: pure functions from the week's stored items, the taxonomy and the
// time zone to one issue in the site’s language (stories grouped by their main theme, in the taxonomy's order).
import type { DigestIssue, DigestItemRow, DigestSection, DigestSource, DigestStory } from '../domain/digest.js';
import { digestGuid } from '../domain/guid.js';
import type { ThemeInfo, TranslatedTexts } from '../domain/types.js';
import type { SiteLocale } from '../domain/site-locale.js';
import { creditedMembers, inReadersLanguage, leadTelling } from '../domain/story-view.js';
import { webUrlOrNull } from '../domain/web-url.js';
import { shortSummary } from './short-summary.js';
import type { WeekRange } from './iso-week.js';

export interface BuildOptions {
  readonly siteTitle: string;
  /** The site's language and time zone: the issue's words and dates. */
  readonly locale: SiteLocale;
  readonly themes: readonly ThemeInfo[];
  /** Most stories shown per section; the rest are counted. */
  readonly maxStoriesPerSection: number;
  readonly includeUnthemed: boolean;
  /** The cached title and summary in the site’s language of a text in another language, when a translator is configured. */
  readonly translate?: (texts: { readonly title: string; readonly summary: string; readonly language: string | null }) => TranslatedTexts | null;
  /**
   * The title, link and summary of items, when the rows were read without them: only the stories
   * shown need them, so a big week is read without its texts (a lookup, no other effect).
   */
  readonly loadTexts?: (itemIds: readonly string[]) => ReadonlyMap<string, ItemTexts>;
  /** A story's written résumé (issue 16), found by any of its items' ids, when a summarizer is configured. */
  readonly resume?: (itemIds: readonly string[]) => { readonly title: string; readonly text: string } | null;
}

export interface ItemTexts {
  readonly title: string;
  readonly link: string | null;
  readonly summary: string;
  /** The article's full text, when the full-text stage fetched it (issue 16); read through wholeText. */
  readonly fullText?: string | null;
}

/**
 * Themes that head a section only when the story is about them as news in itself: "Événements et
 * conférences" for an event announced (a programme, a call for papers, dates, registration), not for
 * a recap of what was said at one, which is news about its subjects (issue 18, finding 5). The cues
 * are read in the story's whole text (title, summary, full text), lowercased, French and English.
 */
const ONLY_WHEN_ANNOUNCED: Readonly<Record<string, readonly string[]>> = {
  events: [
    // English
    'call for papers', 'call for proposals', 'call for submissions', 'call for participation', 'submission deadline',
    'deadline', 'registration', 'register now', 'register by', 'save the date', 'tickets', 'early bird',
    'will take place', 'will be held', 'to be held', 'takes place on', 'programme is out', 'program is out',
    // French
    'appel à communications', 'appel à contributions', 'appel à propositions', 'appel à soumissions', 'date limite',
    'inscription', 'inscrivez-vous', 's’inscrire', "s'inscrire", 'aura lieu', 'se tiendra', 'se déroulera', 'billetterie',
  ],
};

/** An item's whole text as the digest reads it: title, summary and full text when there is one. */
function wholeText(texts: { readonly title: string; readonly summary: string; readonly fullText?: string | null }): string {
  return `${texts.title}\n${texts.summary}\n${texts.fullText ?? ''}`.toLowerCase();
}

/** The items behind a story, for loadTexts: its lead (title, link, summary) and each source's own item. */
interface StoryItems {
  readonly leadId: string;
  readonly sourceItemIds: readonly string[];
}

/** The issue of `range` from its items (any order); the same items always give the same issue. */
export function buildIssue(range: WeekRange, items: readonly DigestItemRow[], options: BuildOptions): DigestIssue {
  const { locale } = options;
  const behind = new WeakMap<DigestStory, StoryItems>();
  const stories = groupStories(items, options, behind);
  // Texts, links, summaries and dates only for the stories shown: a big week costs little more.
  const finish = (shown: readonly DigestStory[]): DigestStory[] => {
    const texts = options.loadTexts?.(shown.flatMap((story) => {
      const ids = behind.get(story);
      return ids ? [ids.leadId, ...ids.sourceItemIds] : [];
    }));
    return shown.map((story) => {
      const ids = behind.get(story);
      const lead = texts && ids ? texts.get(ids.leadId) : undefined;
      const title = (lead?.title ?? story.title) || locale.words.untitled;
      const summary = lead?.summary ?? story.summary;
      const resume = ids ? (options.resume?.([ids.leadId, ...ids.sourceItemIds]) ?? null) : null;
      const translated = options.translate?.({ title, summary, language: story.summaryLanguage }) ?? null;
      const shown = inReadersLanguage({ title, summary, language: story.language }, translated, locale);
      const sources = story.sources.map((source, i) => {
        const own = texts && ids ? texts.get(ids.sourceItemIds[i] ?? '') : undefined;
        return { name: source.name, link: webUrlOrNull(own ? own.link : source.link) };
      });
      if (resume !== null) {
        return {
          ...story,
          title: resume.title,
          languageNote: locale.words.resumeNote,
          writtenByModel: true,
          language: locale.language,
          summaryLanguage: locale.language,
          link: webUrlOrNull(lead ? lead.link : story.link),
          sources,
          date: locale.fullDate(story.publishedAt),
          summary: shortSummary(resume.text.replace(/\n/g, ' '), locale.language),
        };
      }
      return {
        ...story,
        title: shown.title,
        languageNote: shown.note,
        language: shown.language,
        summaryLanguage: translated !== null ? locale.language : story.summaryLanguage,
        link: webUrlOrNull(lead ? lead.link : story.link),
        sources,
        date: locale.fullDate(story.publishedAt),
        summary: shortSummary(shown.summary, translated !== null ? locale.language : (story.summaryLanguage ?? locale.language)),
      };
    });
  };
  return assembleIssue(range.id, locale.weekSpan(range.firstDay, range.lastDay), range.start.toISOString(), range.end.toISOString(), stories, options.themes, options, finish);
}

/** The issue as one recipient gets it: only the stories of their themes, each under the first of them it has. */
export function selectThemes(issue: DigestIssue, themeIds: readonly string[] | undefined, options: Pick<BuildOptions, 'siteTitle' | 'locale' | 'maxStoriesPerSection' | 'includeUnthemed'>): DigestIssue {
  if (themeIds === undefined || themeIds.length === 0) return issue;
  const chosen = new Set(themeIds);
  const stories: DigestStory[] = [];
  for (const section of issue.sections) {
    for (const story of section.stories) {
      const mine = story.themeIds.filter((id) => chosen.has(id));
      if (mine.length > 0) stories.push({ ...story, themeIds: [...mine, ...story.themeIds.filter((id) => !chosen.has(id))] });
    }
  }
  const themes = issue.themes.filter((theme) => chosen.has(theme.id));
  return assembleIssue(issue.week, issue.span, issue.startsAt, issue.endsAt, stories, themes, { ...options, includeUnthemed: false, allThemes: issue.themes });
}

function assembleIssue(
  week: string,
  span: string,
  startsAt: string,
  endsAt: string,
  stories: readonly DigestStory[],
  themes: readonly ThemeInfo[],
  options: Pick<BuildOptions, 'siteTitle' | 'locale' | 'maxStoriesPerSection' | 'includeUnthemed'> & { allThemes?: readonly ThemeInfo[] },
  finish: (shown: readonly DigestStory[]) => DigestStory[] = (shown) => [...shown],
): DigestIssue {
  const { locale } = options;
  const { words } = locale;
  const byTheme = new Map<string | null, DigestStory[]>();
  const counts = new Map<string, number>();
  for (const story of stories) {
    const main = story.themeIds[0] ?? null;
    if (main === null && !options.includeUnthemed) continue;
    let list = byTheme.get(main);
    if (!list) byTheme.set(main, (list = []));
    list.push(story);
    for (const id of story.themeIds) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  const sections: DigestSection[] = [];
  for (const theme of [...themes, null]) {
    const list = byTheme.get(theme?.id ?? null);
    if (!list || list.length === 0) continue;
    list.sort(byWeight);
    const shown = finish(list.slice(0, options.maxStoriesPerSection));
    sections.push({ theme, heading: theme?.label ?? words.otherTopics, stories: shown, omitted: list.length - shown.length });
  }
  const storyCount = sections.reduce((sum, section) => sum + section.stories.length + section.omitted, 0);
  // The articles are counted once; each theme says how many of them it has (a story may have several themes).
  const perTheme = themes.flatMap((theme) => {
    const count = counts.get(theme.id) ?? 0;
    return count > 0 ? [words.themeCount(locale.themeName(theme), count, locale.number(count))] : [];
  });
  const intro = storyCount === 0 ? words.emptyWeek : words.intro(locale.count(storyCount, words.article), perTheme);
  return {
    week,
    guid: digestGuid(week),
    title: words.issueTitle(options.siteTitle, span),
    span,
    startsAt,
    endsAt,
    intro,
    storyCount,
    sections,
    themes: options.allThemes ?? themes,
  };
}

/** Stories told by more sources first, then the newest. */
function byWeight(a: DigestStory, b: DigestStory): number {
  return b.sources.length - a.sources.length || (a.publishedAt < b.publishedAt ? 1 : a.publishedAt > b.publishedAt ? -1 : 0) || (a.id < b.id ? -1 : 1);
}

/** One story per `storyId` (or per item): the telling in the site’s language when there is one, else the earliest. */
function groupStories(items: readonly DigestItemRow[], options: BuildOptions, behind: WeakMap<DigestStory, StoryItems>): DigestStory[] {
  const groups = new Map<string, DigestItemRow[]>();
  for (const item of items) {
    // Item ids are hashes; story ids get a prefix so that the two never meet.
    const key = item.storyId !== null ? `story:${item.storyId}` : item.id;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push(item);
  }
  const order = new Map(options.themes.map((theme, index) => [theme.id, index]));
  const stories: DigestStory[] = [];
  for (const [key, group] of groups) {
    if (group.length > 1) group.sort((a, b) => (a.publishedAt < b.publishedAt ? -1 : a.publishedAt > b.publishedAt ? 1 : a.id < b.id ? -1 : 1));
    const lead = leadTelling(group, options.locale);
    if (!lead) continue;
    const scores = new Map<string, number>();
    for (const item of group) {
      for (const theme of item.themes) {
        if (order.has(theme.id)) scores.set(theme.id, Math.max(scores.get(theme.id) ?? 0, theme.score));
      }
    }
    const credited = creditedMembers(group, (item) => item.sourceUrl);
    const sources: DigestSource[] = credited.map((item) => ({ name: item.sourceName, link: item.link }));
    const sourceItemIds = credited.map((item) => item.id);
    const themeIds = scores.size === 0 ? [] : [...scores.keys()];
    if (themeIds.length > 1) themeIds.sort((a, b) => (scores.get(b) ?? 0) - (scores.get(a) ?? 0) || (order.get(a) ?? 0) - (order.get(b) ?? 0));
    const story: DigestStory = {
      id: key,
      title: lead.title,
      languageNote: options.locale.languageNote(lead.language),
      language: lead.language,
      summaryLanguage: lead.language,
      link: lead.link,
      sources,
      publishedAt: group[0]?.publishedAt ?? lead.publishedAt,
      // Links checked, language named, date and summary written by buildIssue's finish(), for the stories shown.
      date: '',
      summary: lead.summary,
      themeIds: sectionFirst(themeIds, group, options),
    };
    behind.set(story, { leadId: lead.id, sourceItemIds });
    stories.push(story);
  }
  return stories;
}

/**
 * The story's themes with its section's first: by score, except that a theme of ONLY_WHEN_ANNOUNCED
 * leads only when the story's text announces (otherwise it goes last, still named under "Aussi").
 * Texts are read for those few stories only, through loadTexts when the rows were read without them.
 */
function sectionFirst(themeIds: readonly string[], group: readonly DigestItemRow[], options: BuildOptions): string[] {
  const first = themeIds[0];
  const cues = first === undefined ? undefined : ONLY_WHEN_ANNOUNCED[first];
  if (cues === undefined || themeIds.length < 2) return [...themeIds];
  const loaded = options.loadTexts?.(group.map((item) => item.id));
  const text = group.map((item) => wholeText(loaded?.get(item.id) ?? item)).join('\n');
  if (cues.some((cue) => text.includes(cue))) return [...themeIds];
  return [...themeIds.slice(1), first as string];
}
