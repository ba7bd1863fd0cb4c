// The site's reading pages: the home page and one page per theme (themes/<id>.html). Stories by
// day in the site's time zone, each once with all its sources, its themes linking their pages and
// a mark for the language it was written in; the feeds in one block after the stories. In the
// site's language, without JavaScript and with no remote resource; rendered only through `html`.

import type { SiteLocale } from '../domain/site-locale.js';
import { readingMark, storySources } from '../domain/story-view.js';
import type { FeedEntry, FeedMeta, ThemeInfo } from '../domain/types.js';
import { webUrlOrNull } from '../domain/web-url.js';
import { html, rawHtml, type SafeHtml } from './html.js';
import { renderPage, type AlternateLink } from './page-shell.js';
import { renderSourcesNotice, type SourcesNotice } from './sources-notice.js';
import { DIGEST_FEEDS, DIGEST_LIST_PAGE, digestPage, INDEX_PAGE, SITE_FEEDS, SOURCES_OPML, themeFeeds, themePage, type FeedFile } from './site-files.js';

/** What every reading page shows besides its stories. */
export interface ReadingSite {
  readonly meta: FeedMeta & { readonly siteTitle: string };
  readonly themes: readonly ThemeInfo[];
  readonly builtAt: Date;
  readonly locale: SiteLocale;
  /** The latest weekly issues, newest first. */
  readonly digests?: readonly { readonly week: string; readonly title: string }[];
  /** How many sources the site follows, for the line that says what the page is; omitted when unknown. */
  readonly sourceCount?: number;
  /** Résumés off (issue 16): the footer says how many entries read in another language and how to turn them on. */
  readonly resumesOff?: boolean;
  /** Said on the home page when sources fail (sources-notice.ts). */
  readonly sourcesNotice?: SourcesNotice | null;
}

/** Stories published on one day of the site's time zone. */
export interface StoryDay {
  /** "2025-04-05". */
  readonly day: string;
  /** "Samedi 5 avril 2025". */
  readonly heading: string;
  readonly entries: readonly FeedEntry[];
}

/** The entries by the day they were published in the site's time zone, newest day first, each day's in the given order. */
export function groupByDay(entries: readonly FeedEntry[], locale: SiteLocale): StoryDay[] {
  const days = new Map<string, FeedEntry[]>();
  for (const entry of entries) {
    const day = locale.dayKey(entry.publishedAt);
    const list = days.get(day);
    if (list === undefined) days.set(day, [entry]);
    else list.push(entry);
  }
  return [...days.entries()]
    .sort(([a], [b]) => (a < b ? 1 : a > b ? -1 : 0))
    .map(([day, dayEntries]) => ({ day, heading: capitalized(locale.fullDate((dayEntries[0] as FeedEntry).publishedAt)), entries: dayEntries }));
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `root` leads from the page's folder to the site's ("" for the home page, "../" for themes/). */
function renderEntry(entry: FeedEntry, locale: SiteLocale, root: string): SafeHtml {
  const { words } = locale;
  // The page shows the texts without the feeds' note: the mark says it once.
  const title = entry.reading?.title ?? entry.title;
  const summary = entry.reading?.summary ?? entry.summary;
  const lang = entry.reading?.mark === 'foreign' ? locale.langAttribute(entry.reading.from) : locale.langAttribute(entry.language);
  const langAttribute = lang !== null ? html` lang="${lang}"` : null;
  const sources = storySources(entry);
  // The title leads to the telling it shows (the French post of a story told in two languages).
  const told = sources.find((source) => source.link !== null && source.language !== null && source.language === entry.language);
  const href = webUrlOrNull(told?.link ?? entry.link);
  const mark = readingMark(entry, locale);
  const credits = sources.map((source, i) => {
    const link = webUrlOrNull(source.link);
    const name = link === null ? html`${source.name}` : html`<a href="${link}">${source.name}</a>`;
    return i === 0 ? name : html` · ${name}`;
  });
  return html`<article>
<h3${langAttribute}>${href !== null ? html`<a href="${href}">${title}</a>` : title}</h3>
<p class="meta"><span class="vh">${words.sources}${words.colon}</span>${credits}${mark !== null ? html` · <span class="mark ${mark.kind}">${mark.text}</span>` : null}</p>
${entry.resume !== undefined
    ? // A model's résumé reads whole, as in the feeds: its paragraphs, "Lire l’article sur …" and the
      // line on how it was written, all built by veille through `html` (app/publish.ts withResume).
      html`<div class="resume">${rawHtml(entry.contentHtml)}</div>\n`
    : summary !== '' ? html`<p${langAttribute}>${summary}</p>\n` : null}${entry.themes.length > 0
    ? html`<ul class="themes" aria-label="${words.themes}">${entry.themes.map(
        (theme) => html`<li><a href="${root}${themePage(encodeURIComponent(theme.id))}">${theme.label}</a></li>`,
      )}</ul>\n`
    : null}</article>
`;
}

function renderDays(entries: readonly FeedEntry[], locale: SiteLocale, root: string): SafeHtml {
  if (entries.length === 0) return html`<p>${locale.words.noArticles}</p>\n`;
  return html`${groupByDay(entries, locale).map(
    (day) => html`<section>
<h2><time datetime="${day.day}">${day.heading}</time></h2>
${day.entries.map((entry) => renderEntry(entry, locale, root))}</section>
`,
  )}`;
}

/** The themes as a row of links to their pages, the current one marked. */
function renderThemeNav(themes: readonly ThemeInfo[], locale: SiteLocale, root: string, current: string | null): SafeHtml | null {
  if (themes.length === 0) return null;
  return html`<nav aria-label="${locale.words.themes}"><ul class="themes">${themes.map((theme) =>
    theme.id === current
      ? html`<li><a href="${root}${themePage(encodeURIComponent(theme.id))}" aria-current="page">${theme.label}</a></li>`
      : html`<li><a href="${root}${themePage(encodeURIComponent(theme.id))}">${theme.label}</a></li>`,
  )}</ul></nav>\n`;
}

function feedLinks(files: readonly FeedFile[], root: string, label: string): SafeHtml {
  return html`${files.map((file, i) => html`${i > 0 ? ' · ' : ''}<a href="${root}${file.path}">${file.format}<span class="vh"> — ${label}</span></a>`)}`;
}

/** Every feed of the site in one compact block after the stories: merged, per theme, digests, OPML. */
function renderFeedBlock(site: ReadingSite, root: string): SafeHtml {
  const { words } = site.locale;
  const digests = site.digests ?? [];
  return html`<nav id="flux" class="feeds" aria-labelledby="flux-titre">
<h2 id="flux-titre">${words.subscriptionFeeds}</h2>
<ul>
<li>${words.allArticles}${words.colon}${feedLinks(SITE_FEEDS, root, words.allArticles)} · <a href="${root}${SOURCES_OPML}">${words.sourcesOpml}</a></li>
${site.themes.map((theme) => html`<li>${theme.label}${words.colon}${feedLinks(themeFeeds(encodeURIComponent(theme.id)), root, theme.label)}</li>\n`)}<li>${words.weeklyDigestsHeading}${words.colon}${feedLinks(DIGEST_FEEDS, root, words.weeklyDigestsHeading)} · <a href="${root}${DIGEST_LIST_PAGE}">${words.allDigests}</a></li>
</ul>
${digests.length > 0
    ? html`<h2>${words.weeklyDigestsHeading}</h2>
<ul>
${digests.map((digest) => html`<li><a href="${root}${digestPage(digest.week)}">${digest.title}</a></li>\n`)}</ul>
`
    : null}</nav>
`;
}

/** Every feed announced in the head, so that feed readers find them: the page's own first. */
function alternates(site: ReadingSite, root: string, first: readonly AlternateLink[]): AlternateLink[] {
  const { siteTitle } = site.meta;
  const link = (file: FeedFile, title: string) => ({ type: file.type, title: `${title} (${file.format})`, href: `${root}${file.path}` });
  const all = [
    ...SITE_FEEDS.map((file) => link(file, siteTitle)),
    ...site.themes.flatMap((theme) => themeFeeds(encodeURIComponent(theme.id)).map((file) => link(file, `${siteTitle} — ${theme.label}`))),
    ...DIGEST_FEEDS.map((file) => link(file, `${siteTitle} — ${site.locale.words.weeklyDigest}`)),
  ];
  const firstHrefs = new Set(first.map((alternate) => alternate.href));
  return [...first, ...all.filter((alternate) => !firstHrefs.has(alternate.href))];
}

/** "12 sources suivies · Mis à jour le 7 avril 2025 à 08:00 · S’abonner". */
function renderAbout(site: ReadingSite): SafeHtml {
  const { locale, builtAt } = site;
  const { words } = locale;
  const count = site.sourceCount === undefined ? null : locale.count(site.sourceCount, words.followedSource);
  return html`<p class="meta">${count !== null ? html`${count} · ` : null}${words.updatedOn} <time datetime="${builtAt.toISOString()}">${locale.dateTime(builtAt)}</time> · <a href="#flux">${words.subscribe}</a></p>`;
}

function renderFooter(site: ReadingSite, entries: readonly FeedEntry[]): SafeHtml {
  return html`<p>${site.locale.words.generatedBy} ${site.meta.generator}.</p>${otherLanguages(entries, site.locale, site.resumesOff === true)}`;
}

/** index.html */
export function renderIndexPage(site: ReadingSite, entries: readonly FeedEntry[]): string {
  const { meta, locale } = site;
  const { words } = locale;
  return renderPage({
    locale,
    title: meta.siteTitle,
    description: meta.description,
    generator: meta.generator,
    alternates: alternates(site, '', []),
    skipTo: words.skipToArticles,
    body: html`<header>
<h1>${meta.siteTitle}</h1>
<p>${meta.description} ${words.aboutPage}</p>
${renderAbout(site)}
${renderThemeNav(site.themes, locale, '', null)}</header>
<main id="contenu">
${renderSourcesNotice(site.sourcesNotice ?? null, locale)}${renderDays(entries, locale, '')}</main>
${renderFeedBlock(site, '')}`,
    footer: renderFooter(site, entries),
  });
}

/** themes/<id>.html: one theme's stories, its feeds first. */
export function renderThemePage(site: ReadingSite, theme: ThemeInfo, entries: readonly FeedEntry[]): string {
  const { meta, locale } = site;
  const { words } = locale;
  const root = '../';
  const own = themeFeeds(encodeURIComponent(theme.id));
  const ownAlternates = own.map((file) => ({ type: file.type, title: `${meta.siteTitle} — ${theme.label} (${file.format})`, href: `${root}${file.path}` }));
  return renderPage({
    locale,
    title: `${theme.label} — ${meta.siteTitle}`,
    description: theme.definition ?? `${meta.description} — ${theme.label}`,
    generator: meta.generator,
    alternates: alternates(site, root, ownAlternates),
    skipTo: words.skipToArticles,
    body: html`<header>
<p><a href="${root}${INDEX_PAGE}">${meta.siteTitle}</a></p>
<h1>${theme.label}</h1>
${theme.definition !== null ? html`<p>${theme.definition}</p>\n` : null}<p class="meta">${words.subscribeToTheme}${words.colon}${feedLinks(own, root, theme.label)}</p>
${renderThemeNav(site.themes, locale, root, theme.id)}</header>
<main id="contenu">
${renderDays(entries, locale, root)}</main>
${renderFeedBlock(site, root)}`,
    footer: renderFooter(site, entries),
  });
}

/** "Articles dans une autre langue que le français : 97 sur 100. …" when résumés are off and some entries read in another language. */
function otherLanguages(entries: readonly FeedEntry[], locale: SiteLocale, resumesOff: boolean): SafeHtml | null {
  if (!resumesOff) return null;
  const count = entries.filter((entry) => entry.language !== null && !locale.isSiteLanguage(entry.language)).length;
  if (count === 0) return null;
  return html`\n<p>${locale.words.notInSiteLanguage(locale.number(count), locale.number(entries.length))}</p>`;
}
