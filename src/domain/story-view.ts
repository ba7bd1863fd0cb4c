// How a story reads for a reader, the same in the feeds, the page, the digest and the letter:
// which member's telling is shown, which sources are credited, and how a text in another
// language than the site's is named or replaced by its translation.
import type { SiteLocale } from './site-locale.js';
import type { EntrySource, FeedEntry, TranslatedTexts } from './types.js';

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

/** What a page says of the language of a story's texts: written in the site's, translated, or in another. */
export interface ReadingMark {
  readonly kind: 'site' | 'translated' | 'foreign';
  /** "En français", "Traduit de l’anglais", "En anglais". */
  readonly text: string;
}

/** The mark of an entry as the site shows it; null when its language is not known. */
export function readingMark(entry: Pick<FeedEntry, 'language' | 'reading' | 'resume'>, locale: SiteLocale): ReadingMark | null {
  const { reading } = entry;
  // A model's French résumé of sources in another language: neither written in French nor translated.
  if (entry.resume !== undefined) return { kind: 'translated', text: locale.words.resumeMark };
  if (reading?.mark === 'translated') return { kind: 'translated', text: capitalized(locale.translatedFrom(reading.from)) };
  if (reading?.mark === 'foreign') return { kind: 'foreign', text: locale.words.writtenIn(locale.languageName(reading.from)) };
  if (entry.language === null) return null;
  if (locale.isSiteLanguage(entry.language)) return { kind: 'site', text: locale.words.writtenInSiteLanguage };
  return { kind: 'foreign', text: locale.words.writtenIn(locale.languageName(entry.language)) };
}

/** Every source a story credits, first source first: a single-source entry credits its own. */
export function storySources(entry: Pick<FeedEntry, 'sources' | 'source' | 'link' | 'language'>): readonly EntrySource[] {
  if (entry.sources !== undefined && entry.sources.length > 0) return entry.sources;
  return [{ name: entry.source.name, link: entry.link, language: entry.language }];
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
