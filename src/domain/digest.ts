// The weekly issue as readers get it (page, feed, email) and as it is stored (JSON), with the
// schema that checks a stored issue when it is read back, and the week's items it is built from.
import { z } from 'zod';
import { VeilleError } from './errors.js';
import type { ThemeInfo } from './types.js';

/** One stored item as the digest needs it: what readers see, its source and its themes. */
export interface DigestItemRow {
  readonly id: string;
  /** The story the item belongs to, or null when it is not grouped yet. */
  readonly storyId: number | null;
  readonly title: string;
  readonly link: string | null;
  readonly summary: string;
  readonly language: string | null;
  readonly publishedAt: string;
  readonly sourceName: string;
  readonly sourceUrl: string;
  /** Theme ids with their scores. */
  readonly themes: readonly { readonly id: string; readonly score: number }[];
}

export interface DigestSource {
  readonly name: string;
  /** The item's own link at that source, when it has a web link. */
  readonly link: string | null;
}

export interface DigestStory {
  readonly id: string;
  readonly title: string;
  /** "(en anglais)" when the title is shown untranslated in another language than the site’s, "(traduit de l'anglais)" once translated. */
  readonly languageNote: string | null;
  /** BCP 47 of the title as shown (the site’s once translated), for `lang` attributes. */
  readonly language: string | null;
  /** BCP 47 of the summary as shown (the site’s once translated). */
  readonly summaryLanguage: string | null;
  readonly link: string | null;
  readonly sources: readonly DigestSource[];
  readonly publishedAt: string;
  /** "mardi 24 novembre 2026". */
  readonly date: string;
  readonly summary: string;
  /** Theme ids, the main one first, then by score. */
  readonly themeIds: readonly string[];
}

export interface DigestSection {
  /** null: the stories with no theme ("Autres sujets"). */
  readonly theme: ThemeInfo | null;
  readonly heading: string;
  readonly stories: readonly DigestStory[];
  /** Stories of the section left out by the per-section cap. */
  readonly omitted: number;
}

export interface DigestIssue {
  readonly week: string;
  readonly guid: string;
  readonly title: string;
  /** "semaine du 24 au 30 novembre 2026". */
  readonly span: string;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly intro: string;
  readonly storyCount: number;
  readonly sections: readonly DigestSection[];
  readonly themes: readonly ThemeInfo[];
}

const themeInfoSchema = z.object({ id: z.string(), label: z.string(), definition: z.string().nullable() });

const digestStorySchema = z.object({
  id: z.string(),
  title: z.string(),
  languageNote: z.string().nullable(),
  language: z.string().nullable(),
  summaryLanguage: z.string().nullable(),
  link: z.string().nullable(),
  sources: z.array(z.object({ name: z.string(), link: z.string().nullable() })),
  publishedAt: z.string(),
  date: z.string(),
  summary: z.string(),
  themeIds: z.array(z.string()),
});

/** A stored issue's shape; the annotation keeps it in step with DigestIssue. */
export const digestIssueSchema: z.ZodType<DigestIssue> = z.object({
  week: z.string(),
  guid: z.string(),
  title: z.string(),
  span: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  intro: z.string(),
  storyCount: z.number(),
  sections: z.array(
    z.object({
      theme: themeInfoSchema.nullable(),
      heading: z.string(),
      stories: z.array(digestStorySchema),
      omitted: z.number(),
    }),
  ),
  themes: z.array(themeInfoSchema),
});

/**
 * The issue of `week` from its stored JSON, checked against the issue's shape: a row written by
 * another version, or edited by hand, stops here with the week and the first field that differs,
 * not later as "undefined" on a published page.
 */
export function readDigestIssue(week: string, json: string): DigestIssue {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new VeilleError('STORE_FAILED', `store: the stored issue of ${week} is not JSON (${(error as Error).message}); ${rebuildHint(week)}`, { cause: error });
  }
  const checked = digestIssueSchema.safeParse(value);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'the issue';
    throw new VeilleError('STORE_FAILED', `store: the stored issue of ${week} does not match the issue format (${where}: ${issue?.message ?? 'invalid'}); ${rebuildHint(week)}`);
  }
  // The value as parsed, not zod's copy: the same keys in the same order as stored.
  return value as DigestIssue;
}

function rebuildHint(week: string): string {
  return `"veille digest --week ${week} --force" builds it again`;
}
