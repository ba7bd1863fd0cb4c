// The weekly issue as readers get it (page, feed, email) and as it is stored (JSON, checked when
// read back: store/digest-issue-json.ts), and the week's items it is built from.
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
  /** A model's résumé (issue 16): the story ends with "Lire l’article sur …", one link per source. */
  readonly writtenByModel?: boolean;
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
