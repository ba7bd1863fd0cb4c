// How a story reads for a reader, the same in the feeds, the page, the digest and the letter:
// which member's telling is shown, which sources are credited, and how a text in another
// language than the site's is named or replaced by its translation.
import type { SiteLocale } from './site-locale.js';
import type { TranslatedTexts } from './types.js';

/** The telling readers see: the first member in the site's language, else the first member. */
export function leadTelling<T extends { readonly language: string | null }>(members: readonly T[], locale: SiteLocale): T | undefined {
  return members.find((member) => locale.isSiteLanguage(member.language)) ?? members[0];
}

/** One member per source, the first of each, in the members' order: the sources a story credits. */
export function creditedMembers<T>(members: readonly T[], sourceOf: (member: T) => string | number): T[] {
  const seen = new Set<string | number>();
  const credited: T[] = [];
  for (const member of members) {
    const source = sourceOf(member);
    if (seen.has(source)) continue;
    seen.add(source);
    credited.push(member);
  }
  return credited;
}

/** A title and summary as readers get them, with the note that says which language they came from. */
export interface ReaderTexts {
  readonly title: string;
  readonly summary: string;
  /** BCP 47 of the texts as shown: the site's once translated. */
  readonly language: string | null;
  /** "(en anglais)" for a text shown in another language, "(traduit de l'anglais)" once translated, null in the site's language. */
  readonly note: string | null;
  /** The original's language when the texts are a translation. */
  readonly translatedFrom: string | null;
}

/** The texts in the site's language when a translation is at hand, else as they are, named by their language. */
export function inReadersLanguage(
  texts: { readonly title: string; readonly summary: string; readonly language: string | null },
  translated: TranslatedTexts | null,
  locale: SiteLocale,
): ReaderTexts {
  if (translated === null) return { ...texts, note: locale.languageNote(texts.language), translatedFrom: null };
  return {
    title: translated.title,
    summary: translated.summary,
    language: locale.language,
    note: locale.translatedNote(translated.from),
    translatedFrom: translated.from,
  };
}
