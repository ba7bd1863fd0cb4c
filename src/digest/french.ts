// French wording of the digest, all numbers and dates through Intl in fr-FR: week titles, counts,
// languages, dates, and summaries cut to whole sentences.

/** How the introduction names a theme after "sur"; a theme not listed gets its label in quotes. */
const THEME_PHRASES: Readonly<Record<string, string>> = {
  events: 'les événements et conférences',
  'federated-learning': 'l’apprentissage fédéré',
  'open-source': 'l’open source',
  privacy: 'la confidentialité et les données personnelles',
  regulation: 'la régulation et la gouvernance',
  security: 'la sécurité',
};

export function themePhrase(theme: { readonly id: string; readonly label: string }): string {
  return THEME_PHRASES[theme.id] ?? `« ${theme.label} »`;
}

const numberFormat = new Intl.NumberFormat('fr-FR');
const plurals = new Intl.PluralRules('fr-FR');

export function formatNumber(count: number): string {
  return numberFormat.format(count);
}

/** "1 article", "12 articles", "1 234 articles" (French: 0 and 1 are singular). */
export function countOf(count: number, singular: string, plural: string): string {
  return `${numberFormat.format(count)} ${plurals.select(count) === 'one' ? singular : plural}`;
}

/** Calendar dates are UTC-midnight dates: formatted in UTC, they read as the local day. */
const dayParts = new Intl.DateTimeFormat('fr-FR', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });

function partsOfDay(day: Date): { day: string; month: string; year: string } {
  const parts = Object.fromEntries(dayParts.formatToParts(day).map((part) => [part.type, part.value]));
  const dayNumber = parts.day ?? '';
  return { day: dayNumber === '1' ? '1er' : dayNumber, month: parts.month ?? '', year: parts.year ?? '' };
}

/** "du 24 au 30 novembre 2026", "du 30 mars au 5 avril 2026", "du 28 décembre 2026 au 3 janvier 2027". */
export function weekSpan(firstDay: Date, lastDay: Date): string {
  const a = partsOfDay(firstDay);
  const b = partsOfDay(lastDay);
  if (a.year !== b.year) return `du ${a.day} ${a.month} ${a.year} au ${b.day} ${b.month} ${b.year}`;
  if (a.month !== b.month) return `du ${a.day} ${a.month} au ${b.day} ${b.month} ${b.year}`;
  return `du ${a.day} au ${b.day} ${b.month} ${b.year}`;
}

const languageNames = new Intl.DisplayNames(['fr-FR'], { type: 'language' });

/** "(en anglais)" for a text not in French, null for French or an unknown language. */
const notes = new Map<string, string | null>();

export function languageNote(language: string | null): string | null {
  if (language === null || /^fr(-|$)/i.test(language)) return null;
  let note = notes.get(language);
  if (note === undefined) notes.set(language, (note = nameLanguage(language)));
  return note;
}

/** "(traduit de l'anglais)": said on every translated text, so that readers know it is not the original. */
export function translatedNote(from: string): string {
  return `(${translatedFrom(from)})`;
}

/** "traduit de l'anglais", "traduit du japonais", "traduit d'une autre langue". */
export function translatedFrom(from: string): string {
  let name: string | undefined;
  try {
    name = languageNames.of(from);
  } catch {
    name = undefined;
  }
  if (!name || name.toLowerCase() === from.toLowerCase()) return "traduit d'une autre langue";
  return /^[aeiouyhâéèêîôœ]/iu.test(name) ? `traduit de l'${name}` : `traduit du ${name}`;
}

function nameLanguage(language: string): string | null {
  try {
    const name = languageNames.of(language);
    return name && name.toLowerCase() !== language.toLowerCase() ? `(en ${name})` : null;
  } catch {
    return null;
  }
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** "mardi 24 novembre 2026" in the configured time zone. */
export function frenchDate(instant: string, timeZone: string): string {
  let format = dateFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('fr-FR', { timeZone, dateStyle: 'full' });
    dateFormats.set(timeZone, format);
  }
  return format.format(new Date(instant));
}

const MAX_SUMMARY_CHARS = 480;
const segmenters = new Map<string, Intl.Segmenter>();

/** At most three whole sentences and about 480 characters; a single long sentence is cut with an ellipsis. */
export function shortSummary(text: string, language: string | null): string {
  const trimmed = text.trim().replace(/\s+/g, ' ');
  if (trimmed.length <= 160) return trimmed;
  const locale = language ?? 'fr';
  let segmenter = segmenters.get(locale);
  if (!segmenter) {
    segmenter = new Intl.Segmenter(locale, { granularity: 'sentence' });
    segmenters.set(locale, segmenter);
  }
  let out = '';
  let count = 0;
  // Only the head is segmented: a long text costs no more than a short one.
  for (const { segment } of segmenter.segment(trimmed.slice(0, MAX_SUMMARY_CHARS * 2))) {
    if (count === 3 || (count > 0 && out.length + segment.length > MAX_SUMMARY_CHARS)) break;
    out += segment;
    count += 1;
  }
  out = out.trim();
  if (out.length > MAX_SUMMARY_CHARS) {
    const cut = out.slice(0, MAX_SUMMARY_CHARS);
    out = `${cut.slice(0, Math.max(cut.lastIndexOf(' '), MAX_SUMMARY_CHARS / 2)).trimEnd()}…`;
  }
  return out;
}
