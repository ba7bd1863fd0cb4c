// A stored issue's JSON read back and checked against the issue's shape (domain/digest.ts): a row
// written by another version, or edited by hand, stops here with the week and the first field that
// differs, not later as "undefined" on a published page.
import { z } from 'zod';
import type { DigestIssue } from '../domain/digest.js';
import { VeilleError } from '../domain/errors.js';

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
  writtenByModel: z.boolean().optional(),
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
