// The words and formats a reader sees, in the site's language (`site.language`) and time zone
// (`site.timezone`): one table per language, numbers and dates through Intl. Every page, feed,
// digest and email takes its words from here; French is the default site language.
import { primaryLanguage } from './language-tag.js';

/** What a theme is called in the digest's lead ("apprentissage fédéré"), when the label is too long for a list. */
type ThemeNames = Readonly<Record<string, string>>;

/**
 * U+202F NARROW NO-BREAK SPACE: French typography puts it before « : ; ! ? » and inside « »
 * (Lexique des règles typographiques en usage à l’Imprimerie nationale), so that a line never
 * starts with the mark or ends with an opening guillemet.
 */
export const NARROW_NBSP = '\u202F';
const N = NARROW_NBSP;

interface Words {
  /** Intl locale for numbers, dates and plural rules. */
  readonly intl: string;
  /** ": " in English, "\u202F: " in French (a narrow no-break space before the colon). */
  readonly colon: string;
  /** Opening and closing quotation marks with their inner spacing. */
  readonly quotes: readonly [string, string];
  readonly and: string;
  readonly sources: string;
  readonly also: string;
  readonly originalTitle: string;
  /** "(en anglais)" from the language's name in the site's language. */
  readonly inLanguage: (name: string) => string;
  /** "traduit de l’anglais"; null name: the language has no name in Intl. */
  readonly translatedFrom: (name: string | null) => string;
  /** "1er" for the first day of a month in French. */
  readonly dayOfMonth: (day: string) => string;
  /** "du 24 au 30 novembre 2026". */
  readonly weekSpan: (a: DayParts, b: DayParts) => string;
  readonly issueTitle: (siteTitle: string, span: string) => string;
  readonly otherTopics: string;
  readonly emptyWeek: string;
  /** "4 articles cette semaine : confidentialité (2), sécurité": the articles counted once, then their themes. */
  readonly intro: (articles: string, themes: readonly string[]) => string;
  /** "confidentialité (2)"; a theme of one article is named alone. */
  readonly themeCount: (name: string, count: number, formatted: string) => string;
  readonly themeNames: ThemeNames;
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
  /** "Pour ne plus la recevoir, écrivez à " + the address + " avec pour objet « … »." around the address (a mailto link in HTML). */
  readonly stopByMail: (subject: string) => readonly [string, string];
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
  /** The home page's line on what it is, before the sources count and the last update. */
  readonly aboutPage: string;
  readonly followedSource: readonly [string, string];
  readonly subscribe: string;
  readonly allArticles: string;
  readonly subscribeToTheme: string;
  /** The mark of a story written in the site's language ("En français"). */
  readonly writtenInSiteLanguage: string;
  /** The mark of a story shown as written in another language ("En anglais"); null name: not known to Intl. */
  readonly writtenIn: (name: string | null) => string;
  /** "Lire l’article sur AIhub": one link per source under a résumé (issue 16). */
  readonly readArticleOn: (source: string) => string;
  /** The line under a résumé: written by a model, from which sources. */
  readonly writtenByModel: (model: string, sources: string) => string;
  /** The page's footer without a résumé provider: how many entries are in another language, how to turn résumés on. */
  readonly notInSiteLanguage: (count: string, total: string) => string;
  /** After a résumé's title in the digest: "(résumé écrit par un modèle)". */
  readonly resumeNote: string;
  /** The pages' mark of a story shown as a model's résumé ("Résumé par un modèle"). */
  readonly resumeMark: string;
  /** The home page's line when some sources fail (the numbers formatted; `one`: a single one fails). */
  readonly sourcesFailing: (failing: string, total: string, one: boolean) => string;
  /** The home page's line when no source could be read for several cycles. */
  readonly noSourceReadable: string;
  /** A webhook's heading for a story first seen (issue 21). */
  readonly notifyNewStory: string;
  /** A webhook's heading for a story that gained a source; the source's name follows a colon. */
  readonly notifyNewSource: string;
  /** `veille notify test`: the sample's title and text. */
  readonly notifyTestTitle: string;
  readonly notifyTestText: string;
  /** The unsubscribe, theme and sign-up pages and the confirmation letter (issue 23). */
  readonly subscribers: SubscriberWords;
}

/** Words of the pages veille serves to its readers about their subscription (issue 23). */
export interface SubscriberWords {
  readonly unsubscribeTitle: string;
  readonly unsubscribeQuestion: string;
  readonly unsubscribeButton: string;
  readonly changeThemesInstead: string;
  readonly unsubscribedTitle: string;
  readonly unsubscribedText: string;
  readonly themesTitle: string;
  readonly themesIntro: string;
  readonly themesLegend: string;
  readonly saveThemes: string;
  readonly themesSavedTitle: string;
  readonly themesSavedText: string;
  readonly subscribeTitle: string;
  readonly subscribeIntro: string;
  readonly addressLabel: string;
  readonly subscribeButton: string;
  readonly invalidAddress: string;
  readonly checkMailboxTitle: string;
  /** "valable 3 jours": the days already counted in words. */
  readonly checkMailboxText: (days: string) => string;
  readonly tooManyTitle: string;
  readonly tooManyText: string;
  readonly confirmTitle: string;
  readonly confirmText: string;
  readonly confirmButton: string;
  readonly confirmedTitle: string;
  readonly confirmedText: string;
  readonly linkInvalidTitle: string;
  readonly linkInvalidText: string;
  readonly day: readonly [string, string];
  readonly confirmSubject: (siteTitle: string) => string;
  /** The confirmation letter's paragraphs before and after its link. */
  readonly confirmLetter: (siteTitle: string, days: string) => readonly [string, string];
  readonly confirmLink: string;
  readonly backToSite: string;
}

export interface DayParts {
  readonly day: string;
  readonly month: string;
  readonly year: string;
}

const FRENCH: Words = {
  intl: 'fr-FR',
  colon: `${N}: `,
  quotes: [`«${N}`, `${N}»`],
  and: ' et ',
  sources: 'Sources',
  also: 'Aussi',
  originalTitle: 'Titre original',
  inLanguage: (name) => `(en ${name})`,
  translatedFrom: (name) =>
    name === null ? 'traduit d’une autre langue' : /^[aeiouyhâéèêîôœ]/iu.test(name) ? `traduit de l’${name}` : `traduit du ${name}`,
  dayOfMonth: (day) => (day === '1' ? '1er' : day),
  weekSpan: (a, b) =>
    a.year !== b.year
      ? `du ${a.day} ${a.month} ${a.year} au ${b.day} ${b.month} ${b.year}`
      : a.month !== b.month
        ? `du ${a.day} ${a.month} au ${b.day} ${b.month} ${b.year}`
        : `du ${a.day} au ${b.day} ${b.month} ${b.year}`,
  issueTitle: (siteTitle, span) => `${siteTitle} — semaine ${span}`,
  otherTopics: 'Autres sujets',
  emptyWeek: `Aucun article cette semaine${N}: rien de nouveau dans les sources suivies.`,
  intro: (articles, themes) => `${articles} cette semaine${themes.length > 0 ? `${N}: ${themes.join(', ')}` : ''}.`,
  themeCount: (name, count, formatted) => (count > 1 ? `${name} (${formatted})` : name),
  themeNames: {
    events: 'événements',
    'federated-learning': 'apprentissage fédéré',
    'open-source': 'open source',
    privacy: 'confidentialité',
    regulation: 'régulation',
    security: 'sécurité',
  },
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
  stopByMail: (subject) => ['Pour ne plus la recevoir, écrivez à ', ` avec pour objet «${N}${subject}${N}».`],
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
  aboutPage: 'Chaque histoire une seule fois, avec toutes ses sources, par jour et par thème.',
  followedSource: ['source suivie', 'sources suivies'],
  subscribe: 'S’abonner',
  allArticles: 'Tous les articles',
  subscribeToTheme: 'S’abonner à ce thème',
  writtenInSiteLanguage: 'En français',
  writtenIn: (name) => (name === null ? 'Dans une autre langue' : `En ${name}`),
  readArticleOn: (source) => `Lire l’article sur ${source}`,
  resumeNote: '(résumé écrit par un modèle)',
  resumeMark: 'Résumé par un modèle',
  writtenByModel: (model, sources) => `Résumé écrit par un modèle de langue (${model}) à partir de ${sources}.`,
  notInSiteLanguage: (count, total) =>
    `Articles dans une autre langue que le français\u202F: ${count} sur ${total}. Les résumés en français s’activent avec le bloc «\u202Fsummarize\u202F» de la configuration (un modèle local comme Ollama suffit).`,
  sourcesFailing: (failing, total, one) =>
    `${failing} ${one ? 'source' : 'sources'} sur ${total} ${one ? 'ne répond' : 'ne répondent'} pas en ce moment\u202F: ` +
    'les articles ci-dessous peuvent ne pas être à jour.',
  noSourceReadable: 'Aucune source n’a pu être lue ces derniers temps\u202F: cette page n’est plus mise à jour.',
  notifyNewStory: 'Nouvel article',
  notifyNewSource: 'Nouvelle source',
  notifyTestTitle: 'Essai de veille',
  notifyTestText: `Si vous lisez ceci, le webhook fonctionne${N}!`,
  subscribers: {
    unsubscribeTitle: 'Se désabonner',
    unsubscribeQuestion: `Ne plus recevoir la lettre hebdomadaire${N}?`,
    unsubscribeButton: 'Me désabonner',
    changeThemesInstead: 'Choisir plutôt les thèmes reçus',
    unsubscribedTitle: 'Désabonnement enregistré',
    unsubscribedText: 'Aucune autre lettre ne sera envoyée à l’adresse de ce lien.',
    themesTitle: 'Choisir les thèmes reçus',
    themesIntro: 'La lettre ne contiendra que les thèmes cochés.',
    themesLegend: `Thèmes (aucun coché${N}: tous)`,
    saveThemes: 'Enregistrer',
    themesSavedTitle: 'Thèmes enregistrés',
    themesSavedText: 'La prochaine lettre suivra ce choix.',
    subscribeTitle: 'S’abonner à la lettre hebdomadaire',
    subscribeIntro: `Une lettre par semaine, par courriel. Un message vous demandera de confirmer${N}: rien d’autre n’est envoyé avant.`,
    addressLabel: 'Adresse électronique',
    subscribeButton: 'M’abonner',
    invalidAddress: `Cette adresse n’est pas valide${N}: vérifiez-la.`,
    checkMailboxTitle: 'Vérifiez votre messagerie',
    checkMailboxText: (days) =>
      `Si cette adresse peut recevoir la lettre, un message vient d’y être envoyé avec un lien de confirmation, valable ${days}. Rien d’autre n’est envoyé avant que ce lien soit suivi.`,
    tooManyTitle: 'Trop de demandes',
    tooManyText: 'Trop de demandes sont venues de votre connexion. Réessayez dans une heure.',
    confirmTitle: 'Confirmer l’abonnement',
    confirmText: 'Un clic sur le bouton ci-dessous confirme l’abonnement à la lettre hebdomadaire.',
    confirmButton: 'Confirmer mon abonnement',
    confirmedTitle: 'Abonnement confirmé',
    confirmedText: 'La prochaine lettre hebdomadaire vous sera envoyée.',
    linkInvalidTitle: 'Lien non valide',
    linkInvalidText: `Ce lien n’est pas valide ou a expiré${N}: vous pouvez refaire la demande.`,
    day: ['jour', 'jours'],
    confirmSubject: (siteTitle) => `Confirmez votre abonnement à ${siteTitle}`,
    confirmLetter: (siteTitle, days) => [
      `Quelqu’un, sans doute vous, a demandé à recevoir la lettre hebdomadaire de ${siteTitle} à cette adresse. Pour confirmer, suivez ce lien (valable ${days})${N}:`,
      'Sans confirmation, vous ne recevrez rien et cette adresse ne sera pas gardée.',
    ],
    confirmLink: 'Confirmer mon abonnement',
    backToSite: 'Retour au site',
  },
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
  intro: (articles, themes) => `${articles} this week${themes.length > 0 ? `: ${themes.join(', ')}` : ''}.`,
  themeCount: (name, count, formatted) => (count > 1 ? `${name} (${formatted})` : name),
  themeNames: {},
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
  stopByMail: (subject) => ['To stop receiving it, write to ', ` with the subject “${subject}”.`],
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
  aboutPage: 'Each story once, with all its sources, by day and by theme.',
  followedSource: ['source followed', 'sources followed'],
  subscribe: 'Subscribe',
  allArticles: 'All articles',
  subscribeToTheme: 'Subscribe to this theme',
  writtenInSiteLanguage: 'In English',
  writtenIn: (name) => (name === null ? 'In another language' : `In ${name}`),
  readArticleOn: (source) => `Read the article on ${source}`,
  resumeNote: '(résumé written by a model)',
  resumeMark: 'Résumé by a model',
  writtenByModel: (model, sources) => `Résumé written by a language model (${model}) from ${sources}.`,
  notInSiteLanguage: (count, total) =>
    `Entries in another language than English: ${count} of ${total}. Résumés are turned on with the “summarize” block of the config (a local model such as Ollama will do).`,
  sourcesFailing: (failing, total, one) =>
    `${failing} of ${total} sources ${one ? 'is' : 'are'} failing at the moment: the articles below may be out of date.`,
  noSourceReadable: 'No source could be read lately: this page is no longer being updated.',
  notifyNewStory: 'New story',
  notifyNewSource: 'New source',
  notifyTestTitle: 'veille test',
  notifyTestText: 'If you read this, the webhook works!',
  subscribers: {
    unsubscribeTitle: 'Unsubscribe',
    unsubscribeQuestion: 'Stop receiving the weekly letter?',
    unsubscribeButton: 'Unsubscribe me',
    changeThemesInstead: 'Choose the themes you receive instead',
    unsubscribedTitle: 'Unsubscribed',
    unsubscribedText: 'No other letter will be sent to the address of this link.',
    themesTitle: 'Choose the themes you receive',
    themesIntro: 'The letter will hold the checked themes only.',
    themesLegend: 'Themes (none checked: all)',
    saveThemes: 'Save',
    themesSavedTitle: 'Themes saved',
    themesSavedText: 'The next letter will follow this choice.',
    subscribeTitle: 'Subscribe to the weekly letter',
    subscribeIntro: 'One letter a week, by email. A message will ask you to confirm: nothing else is sent before.',
    addressLabel: 'Email address',
    subscribeButton: 'Subscribe me',
    invalidAddress: 'This address is not valid: please check it.',
    checkMailboxTitle: 'Check your mailbox',
    checkMailboxText: (days) =>
      `If this address can receive the letter, a message has just been sent to it with a confirmation link, valid for ${days}. Nothing else is sent until the link is followed.`,
    tooManyTitle: 'Too many requests',
    tooManyText: 'Too many requests came from your connection. Please try again in an hour.',
    confirmTitle: 'Confirm your subscription',
    confirmText: 'The button below confirms your subscription to the weekly letter.',
    confirmButton: 'Confirm my subscription',
    confirmedTitle: 'Subscription confirmed',
    confirmedText: 'The next weekly letter will be sent to you.',
    linkInvalidTitle: 'Link not valid',
    linkInvalidText: 'This link is not valid or has expired: you may ask again.',
    day: ['day', 'days'],
    confirmSubject: (siteTitle) => `Confirm your subscription to ${siteTitle}`,
    confirmLetter: (siteTitle, days) => [
      `Someone, probably you, asked to receive the weekly letter of ${siteTitle} at this address. To confirm, follow this link (valid for ${days}):`,
      'Without confirmation you will receive nothing and this address will not be kept.',
    ],
    confirmLink: 'Confirm my subscription',
    backToSite: 'Back to the site',
  },
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
  /** How a theme is named in the digest's lead: its short name, or its label. */
  themeName(theme: { readonly id: string; readonly label: string }): string;
  /**
   * Text written in the site's language by someone else (the operator's description) set in its
   * typography: in French, narrow no-break spaces before « : ; ! ? » and inside « ». Linear time.
   */
  typeset(text: string): string;
  /** The week from its first to its last local day (UTC-midnight dates): "du 24 au 30 novembre 2026". */
  weekSpan(firstDay: Date, lastDay: Date): string;
  /** "mardi 24 novembre 2026" in the site's time zone. */
  fullDate(instant: string | Date): string;
  /** "24 novembre 2026" in the site's time zone. */
  longDate(instant: string | Date): string;
  /** "24 novembre 2026 à 09:30" in the site's time zone. */
  dateTime(instant: string | Date): string;
  /** "2026-11-24": the day of an instant in the site's time zone, for grouping and ids. */
  dayKey(instant: string | Date): string;
  /** "anglais": a language's name in the site's language; null when Intl has none. */
  languageName(language: string): string | null;
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
  // Each formatter is made by its first use: the eight cost a run 40 to 100 ms under load, and one
  // that publishes nothing (every feed answered 304) uses none (issue 15). A malformed tag still
  // fails here, as the constructors would.
  Intl.getCanonicalLocales(intl);
  const numbers = once(() => new Intl.NumberFormat(intl));
  const plurals = once(() => new Intl.PluralRules(intl));
  const names = once(() => new Intl.DisplayNames([intl], { type: 'language' }));
  const dayParts = once(() => new Intl.DateTimeFormat(intl, { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' }));
  const full = once(() => new Intl.DateTimeFormat(intl, { timeZone, dateStyle: 'full' }));
  const long = once(() => new Intl.DateTimeFormat(intl, { timeZone, dateStyle: 'long' }));
  const withTime = once(() => new Intl.DateTimeFormat(intl, { timeZone, dateStyle: 'long', timeStyle: 'short' }));
  const isoDay = once(() => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }));
  const notes = new Map<string, string | null>();
  const isSiteLanguage = (tag: string | null) => tag !== null && primaryLanguage(tag) === primary;
  const nameOf = (tag: string): string | null => {
    try {
      const name = names().of(tag);
      return name && name.toLowerCase() !== tag.toLowerCase() ? name : null;
    } catch {
      return null;
    }
  };
  const partsOf = (day: Date): DayParts => {
    const parts = Object.fromEntries(dayParts().formatToParts(day).map((part) => [part.type, part.value]));
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
    number: (count) => numbers().format(count),
    count: (count, forms) => `${numbers().format(count)} ${plurals().select(count) === 'one' ? forms[0] : forms[1]}`,
    join,
    quote: (text) => `${words.quotes[0]}${text}${words.quotes[1]}`,
    themeName: (theme) => words.themeNames[theme.id] ?? theme.label,
    typeset: primary === 'fr' ? typesetFrench : (text) => text,
    weekSpan: (firstDay, lastDay) => words.weekSpan(partsOf(firstDay), partsOf(lastDay)),
    fullDate: (instant) => full().format(new Date(instant)),
    longDate: (instant) => long().format(new Date(instant)),
    dateTime: (instant) => withTime().format(new Date(instant)),
    dayKey: (instant) => {
      const parts = Object.fromEntries(isoDay().formatToParts(new Date(instant)).map((part) => [part.type, part.value]));
      return `${parts.year ?? ''}-${parts.month ?? ''}-${parts.day ?? ''}`;
    },
    languageName: nameOf,
  };
}

/** `make()`'s value, made by the first call. */
function once<T>(make: () => T): () => T {
  let value: { readonly made: T } | null = null;
  return () => (value ??= { made: make() }).made;
}

const SPACES = new Set([' ', '\u00A0', '\u2009']);
const MARKS_AFTER_SPACE = new Set([':', ';', '!', '?', '»']);

/** Plain, no-break or thin spaces before « : ; ! ? » and after « become one narrow no-break space: one pass. */
function typesetFrench(text: string): string {
  let out = '';
  let run = '';
  let afterGuillemet = false;
  for (const char of text) {
    if (SPACES.has(char)) {
      run += char;
      continue;
    }
    if (run !== '') out += afterGuillemet || MARKS_AFTER_SPACE.has(char) ? N : run;
    run = '';
    out += char;
    afterGuillemet = char === '«';
  }
  return out + (run !== '' && afterGuillemet ? N : run);
}
