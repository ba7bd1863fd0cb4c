// The words and formats a reader sees, in the site's language (`site.language`) and time zone
// (`site.timezone`): one table per language, numbers and dates through Intl. Every page, feed,
// digest and email takes its words from here; French is the default site language.
import { primaryLanguage } from './language-tag.js';

/** What a theme is called in running text ("l’apprentissage fédéré"), when the label alone reads badly. */
type ThemePhrases = Readonly<Record<string, string>>;

interface Words {
  /** Intl locale for numbers, dates and plural rules. */
  readonly intl: string;
  /** ": " in English, " : " in French (a space before the colon). */
  readonly colon: string;
  /** Opening and closing quotation marks with their inner spacing. */
  readonly quotes: readonly [string, string];
  readonly and: string;
  readonly sources: string;
  readonly also: string;
  readonly originalTitle: string;
  /** "(en anglais)" from the language's name in the site's language. */
  readonly inLanguage: (name: string) => string;
  /** "traduit de l'anglais"; null name: the language has no name in Intl. */
  readonly translatedFrom: (name: string | null) => string;
  /** "1er" for the first day of a month in French. */
  readonly dayOfMonth: (day: string) => string;
  /** "du 24 au 30 novembre 2026". */
  readonly weekSpan: (a: DayParts, b: DayParts) => string;
  readonly issueTitle: (siteTitle: string, span: string) => string;
  readonly otherTopics: string;
  readonly emptyWeek: string;
  /** "Au programme : 4 articles, dont 2 sur la confidentialité et 1 sur la sécurité." */
  readonly intro: (articles: string, perTheme: readonly string[], join: (parts: readonly string[]) => string) => string;
  readonly perTheme: (count: string, phrase: string) => string;
  readonly themePhrases: ThemePhrases;
  readonly quotedTheme: (label: string) => string;
  readonly article: readonly [string, string];
  readonly otherArticle: readonly [string, string];
  /** "Et 3 autres articles sur ce thème" (no final stop). */
  readonly moreInSection: (others: string) => string;
  readonly readOnlineShort: string;
  readonly readIssueOnline: string;
  readonly readOnline: string;
  /** The title shown for an item that has none (nor any text to make one from). */
  readonly untitled: string;
  readonly whyYouGetThis: string;
  readonly unsubscribe: string;
  readonly unsubscribeSubject: string;
  readonly weeklyDigest: string;
  readonly weeklyDigests: string;
  readonly weeklyDigestsHeading: string;
  readonly allDigests: string;
  readonly allDigestsCapitalized: string;
  readonly previousDigests: string;
  readonly noDigest: string;
  readonly oneDigestAWeek: string;
  readonly skipToContent: string;
  readonly skipToArticles: string;
  readonly themes: string;
  readonly noArticles: string;
  readonly subscriptionFeeds: string;
  readonly subscribeToAll: string;
  readonly sourcesOpml: string;
  readonly byTheme: string;
  readonly recentArticles: string;
  readonly updatedOn: string;
  readonly generatedBy: string;
  /** The home page's line when some sources fail (the numbers formatted; `one`: a single one fails). */
  readonly sourcesFailing: (failing: string, total: string, one: boolean) => string;
  /** The home page's line when no source could be read for several cycles. */
  readonly noSourceReadable: string;
}

export interface DayParts {
  readonly day: string;
  readonly month: string;
  readonly year: string;
}

const FRENCH: Words = {
  intl: 'fr-FR',
  colon: ' : ',
  quotes: ['« ', ' »'],
  and: ' et ',
  sources: 'Sources',
  also: 'Aussi',
  originalTitle: 'Titre original',
  inLanguage: (name) => `(en ${name})`,
  translatedFrom: (name) =>
    name === null ? "traduit d'une autre langue" : /^[aeiouyhâéèêîôœ]/iu.test(name) ? `traduit de l'${name}` : `traduit du ${name}`,
  dayOfMonth: (day) => (day === '1' ? '1er' : day),
  weekSpan: (a, b) =>
    a.year !== b.year
      ? `du ${a.day} ${a.month} ${a.year} au ${b.day} ${b.month} ${b.year}`
      : a.month !== b.month
        ? `du ${a.day} ${a.month} au ${b.day} ${b.month} ${b.year}`
        : `du ${a.day} au ${b.day} ${b.month} ${b.year}`,
  issueTitle: (siteTitle, span) => `${siteTitle} — semaine ${span}`,
  otherTopics: 'Autres sujets',
  emptyWeek: 'Aucun article cette semaine : rien de nouveau dans les sources suivies.',
  intro: (articles, perTheme, join) => `Au programme : ${articles}${perTheme.length > 0 ? `, dont ${join(perTheme)}` : ''}.`,
  perTheme: (count, phrase) => `${count} sur ${phrase}`,
  themePhrases: {
    events: 'les événements et conférences',
    'federated-learning': 'l’apprentissage fédéré',
    'open-source': 'l’open source',
    privacy: 'la confidentialité et les données personnelles',
    regulation: 'la régulation et la gouvernance',
    security: 'la sécurité',
  },
  quotedTheme: (label) => `« ${label} »`,
  article: ['article', 'articles'],
  otherArticle: ['autre article', 'autres articles'],
  moreInSection: (others) => `Et ${others} sur ce thème`,
  readOnlineShort: 'à lire en ligne',
  readIssueOnline: 'Lire cette lettre en ligne',
  readOnline: 'Lire en ligne',
  untitled: '(sans titre)',
  whyYouGetThis: 'Vous recevez cette lettre parce que vous y êtes abonné(e).',
  unsubscribe: 'Se désabonner',
  unsubscribeSubject: 'désabonnement',
  weeklyDigest: 'lettre hebdomadaire',
  weeklyDigests: 'lettres hebdomadaires',
  weeklyDigestsHeading: 'Lettres hebdomadaires',
  allDigests: 'toutes les lettres',
  allDigestsCapitalized: 'Toutes les lettres',
  previousDigests: 'Lettres précédentes',
  noDigest: 'Aucune lettre pour le moment.',
  oneDigestAWeek: 'Une lettre par semaine.',
  skipToContent: 'Aller au contenu',
  skipToArticles: 'Aller aux articles',
  themes: 'Thèmes',
  noArticles: 'Aucun article pour le moment.',
  subscriptionFeeds: 'Flux d’abonnement',
  subscribeToAll: 'S’abonner à tous les articles',
  sourcesOpml: 'liste des sources (OPML)',
  byTheme: 'Par thème',
  recentArticles: 'Articles récents',
  updatedOn: 'Mis à jour le',
  generatedBy: 'Généré par',
  sourcesFailing: (failing, total, one) =>
    `${failing} ${one ? 'source' : 'sources'} sur ${total} ${one ? 'ne répond' : 'ne répondent'} pas en ce moment : ` +
    'les articles ci-dessous peuvent ne pas être à jour.',
  noSourceReadable: 'Aucune source n’a pu être lue ces derniers temps : cette page n’est plus mise à jour.',
};

const ENGLISH: Words = {
  intl: 'en-GB',
  colon: ': ',
  quotes: ['“', '”'],
  and: ' and ',
  sources: 'Sources',
  also: 'Also',
  originalTitle: 'Original title',
  inLanguage: (name) => `(in ${name})`,
  translatedFrom: (name) => (name === null ? 'translated from another language' : `translated from ${name}`),
  dayOfMonth: (day) => day,
  weekSpan: (a, b) =>
    a.year !== b.year
      ? `${a.day} ${a.month} ${a.year} to ${b.day} ${b.month} ${b.year}`
      : a.month !== b.month
        ? `${a.day} ${a.month} to ${b.day} ${b.month} ${b.year}`
        : `${a.day} to ${b.day} ${b.month} ${b.year}`,
  issueTitle: (siteTitle, span) => `${siteTitle} — week of ${span}`,
  otherTopics: 'Other topics',
  emptyWeek: 'No articles this week: nothing new in the sources followed.',
  intro: (articles, perTheme, join) => `In this issue: ${articles}${perTheme.length > 0 ? `, including ${join(perTheme)}` : ''}.`,
  perTheme: (count, phrase) => `${count} on ${phrase}`,
  themePhrases: {},
  quotedTheme: (label) => label,
  article: ['article', 'articles'],
  otherArticle: ['more article', 'more articles'],
  moreInSection: (others) => `And ${others} on this theme`,
  readOnlineShort: 'to read online',
  readIssueOnline: 'Read this issue online',
  readOnline: 'Read online',
  untitled: '(untitled)',
  whyYouGetThis: 'You receive this letter because you subscribed to it.',
  unsubscribe: 'Unsubscribe',
  unsubscribeSubject: 'unsubscribe',
  weeklyDigest: 'weekly letter',
  weeklyDigests: 'weekly letters',
  weeklyDigestsHeading: 'Weekly letters',
  allDigests: 'all letters',
  allDigestsCapitalized: 'All letters',
  previousDigests: 'Previous letters',
  noDigest: 'No letter yet.',
  oneDigestAWeek: 'One letter a week.',
  skipToContent: 'Skip to content',
  skipToArticles: 'Skip to the articles',
  themes: 'Themes',
  noArticles: 'No articles yet.',
  subscriptionFeeds: 'Subscription feeds',
  subscribeToAll: 'Subscribe to all articles',
  sourcesOpml: 'list of sources (OPML)',
  byTheme: 'By theme',
  recentArticles: 'Recent articles',
  updatedOn: 'Updated',
  generatedBy: 'Generated by',
  sourcesFailing: (failing, total, one) =>
    `${failing} of ${total} sources ${one ? 'is' : 'are'} failing at the moment: the articles below may be out of date.`,
  noSourceReadable: 'No source could be read lately: this page is no longer being updated.',
};

/** `site.language` when the config does not say. */
export const DEFAULT_SITE_LANGUAGE = 'fr';

/** The languages veille has words for; a site in another language reads English words, its dates in its own. */
const WORDS: Readonly<Record<string, Words>> = { fr: FRENCH, en: ENGLISH };

export interface SiteLocale {
  /** The site's language as configured (BCP 47), for `lang` and `<language>`. */
  readonly language: string;
  /** Its primary subtag ("fr"): what texts are compared with. */
  readonly primary: string;
  readonly timeZone: string;
  readonly words: Words;
  /** True when `language` is the site's (its primary subtag). */
  isSiteLanguage(language: string | null): boolean;
  /** `lang` for a text in another language than the page's; null for the site's language or anything not BCP 47-shaped. */
  langAttribute(language: string | null): string | null;
  /** "(en anglais)" for a text shown untranslated in another language; null for the site's language or an unknown one. */
  languageNote(language: string | null): string | null;
  /** "traduit de l'anglais". */
  translatedFrom(from: string): string;
  /** "(traduit de l'anglais)". */
  translatedNote(from: string): string;
  number(count: number): string;
  /** "1 article", "12 articles": the plural rule of the site's language. */
  count(count: number, forms: readonly [string, string]): string;
  /** "a", "a et b", "a, b et c". */
  join(parts: readonly string[]): string;
  /** "« text »". */
  quote(text: string): string;
  /** How a theme is named after "sur" in the digest's introduction. */
  themePhrase(theme: { readonly id: string; readonly label: string }): string;
  /** The week from its first to its last local day (UTC-midnight dates): "du 24 au 30 novembre 2026". */
  weekSpan(firstDay: Date, lastDay: Date): string;
  /** "mardi 24 novembre 2026" in the site's time zone. */
  fullDate(instant: string | Date): string;
  /** "24 novembre 2026" in the site's time zone. */
  longDate(instant: string | Date): string;
  /** "24 novembre 2026 à 09:30" in the site's time zone. */
  dateTime(instant: string | Date): string;
}

const locales = new Map<string, SiteLocale>();

/** The locale of a site: built once per language and time zone. */
export function siteLocale(language: string, timeZone: string): SiteLocale {
  const key = `${language}\n${timeZone}`;
  let locale = locales.get(key);
  if (!locale) locales.set(key, (locale = buildLocale(language, timeZone)));
  return locale;
}

function buildLocale(language: string, timeZone: string): SiteLocale {
  const primary = primaryLanguage(language) ?? language.toLowerCase();
  const words = WORDS[primary] ?? ENGLISH;
  const intl = WORDS[primary] ? words.intl : language;
  const numbers = new Intl.NumberFormat(intl);
  const plurals = new Intl.PluralRules(intl);
  const names = new Intl.DisplayNames([intl], { type: 'language' });
  const dayParts = new Intl.DateTimeFormat(intl, { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });
  const full = new Intl.DateTimeFormat(intl, { timeZone, dateStyle: 'full' });
  const long = new Intl.DateTimeFormat(intl, { timeZone, dateStyle: 'long' });
  const withTime = new Intl.DateTimeFormat(intl, { timeZone, dateStyle: 'long', timeStyle: 'short' });
  const notes = new Map<string, string | null>();
  const isSiteLanguage = (tag: string | null) => tag !== null && primaryLanguage(tag) === primary;
  const nameOf = (tag: string): string | null => {
    try {
      const name = names.of(tag);
      return name && name.toLowerCase() !== tag.toLowerCase() ? name : null;
    } catch {
      return null;
    }
  };
  const partsOf = (day: Date): DayParts => {
    const parts = Object.fromEntries(dayParts.formatToParts(day).map((part) => [part.type, part.value]));
    return { day: words.dayOfMonth(parts.day ?? ''), month: parts.month ?? '', year: parts.year ?? '' };
  };
  const join = (parts: readonly string[]) =>
    parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')}${words.and}${parts[parts.length - 1]}`;
  return {
    language,
    primary,
    timeZone,
    words,
    isSiteLanguage,
    langAttribute: (tag) => {
      if (tag === null || !/^[a-z]{2,3}(-[a-z0-9]{1,8})*$/i.test(tag)) return null;
      return isSiteLanguage(tag) ? null : tag;
    },
    languageNote: (tag) => {
      if (tag === null || isSiteLanguage(tag)) return null;
      let note = notes.get(tag);
      if (note === undefined) {
        const name = nameOf(tag);
        notes.set(tag, (note = name === null ? null : words.inLanguage(name)));
      }
      return note;
    },
    translatedFrom: (from) => words.translatedFrom(nameOf(from)),
    translatedNote: (from) => `(${words.translatedFrom(nameOf(from))})`,
    number: (count) => numbers.format(count),
    count: (count, forms) => `${numbers.format(count)} ${plurals.select(count) === 'one' ? forms[0] : forms[1]}`,
    join,
    quote: (text) => `${words.quotes[0]}${text}${words.quotes[1]}`,
    themePhrase: (theme) => words.themePhrases[theme.id] ?? words.quotedTheme(theme.label),
    weekSpan: (firstDay, lastDay) => words.weekSpan(partsOf(firstDay), partsOf(lastDay)),
    fullDate: (instant) => full.format(new Date(instant)),
    longDate: (instant) => long.format(new Date(instant)),
    dateTime: (instant) => withTime.format(new Date(instant)),
  };
}
