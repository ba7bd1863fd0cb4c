// The issue as HTML: the body shared by the feed entry and the web page, and the page itself
// (digests/<week>.html and its list). Accessible, responsive, no script, no remote resource.
import type { SiteLocale } from '../domain/site-locale.js';
import type { ThemeInfo } from '../domain/types.js';
import { html, type SafeHtml } from '../publish/html.js';
import { renderPage } from '../publish/page-shell.js';
import { DIGEST_FEEDS } from '../publish/site-files.js';
import type { DigestIssue, DigestStory } from '../domain/digest.js';

export function themeLabels(issue: DigestIssue): Map<string, ThemeInfo> {
  return new Map(issue.themes.map((theme) => [theme.id, theme]));
}

/** Sources as readers see them: "AIhub et Le blog", each linked to its own telling. */
export function renderSources(story: DigestStory, locale: SiteLocale): SafeHtml {
  const parts = story.sources.map((source) => (source.link !== null ? html`<a href="${source.link}">${source.name}</a>` : html`${source.name}`));
  if (parts.length <= 1) return html`${parts}`;
  return html`${parts.slice(0, -1).map((part, i) => html`${i > 0 ? ', ' : ''}${part}`)}${locale.words.and}${parts[parts.length - 1]}`;
}

/** Under a model's résumé: "Lire l’article sur AIhub · Lire l’article sur Le blog", veille's own links. */
export function renderReadOn(story: DigestStory, locale: SiteLocale, linkStyle: string | null = null): SafeHtml | null {
  if (story.writtenByModel !== true) return null;
  const style = linkStyle !== null ? html` style="${linkStyle}"` : null;
  return html`${story.sources.map((source, i) => {
    const text = locale.words.readArticleOn(source.name);
    const part = source.link !== null ? html`<a href="${source.link}"${style}>${text}</a>` : html`${text}`;
    return i === 0 ? part : html` · ${part}`;
  })}`;
}

/** "Aussi : Open source et Sécurité": the story's other themes. */
export function otherThemes(story: DigestStory, labels: ReadonlyMap<string, ThemeInfo>, locale: SiteLocale): string | null {
  const others = story.themeIds.slice(1).flatMap((id) => labels.get(id)?.label ?? []);
  return others.length > 0 ? `${locale.words.also}${locale.words.colon}${locale.join(others)}` : null;
}

/** "Et 3 autres articles sur ce thème", for the stories a section leaves out. */
export function moreInSection(omitted: number, locale: SiteLocale): string {
  return locale.words.moreInSection(locale.count(omitted, locale.words.otherArticle));
}

function renderStory(story: DigestStory, labels: ReadonlyMap<string, ThemeInfo>, locale: SiteLocale): SafeHtml {
  const lang = locale.langAttribute(story.language);
  const langAttr = lang !== null ? html` lang="${lang}"` : null;
  const summaryLang = locale.langAttribute(story.summaryLanguage);
  const others = otherThemes(story, labels, locale);
  const title = story.link !== null ? html`<a href="${story.link}"${langAttr}>${story.title}</a>` : html`<span${langAttr}>${story.title}</span>`;
  return html`<article>
<h3>${title}${story.languageNote !== null ? html` <small>${story.languageNote}</small>` : null}</h3>
<p class="meta">${renderSources(story, locale)} · <time datetime="${story.publishedAt}">${story.date}</time></p>
${others !== null ? html`<p class="meta">${others}</p>\n` : null}${story.summary !== '' ? html`<p${summaryLang !== null ? html` lang="${summaryLang}"` : null}>${story.summary}</p>\n` : null}${story.writtenByModel === true ? html`<p>${renderReadOn(story, locale)}</p>\n` : null}</article>
`;
}

/** The issue's body: introduction and one section per theme. Also the content of its feed entry. */
export function renderIssueBody(issue: DigestIssue, locale: SiteLocale): SafeHtml {
  const labels = themeLabels(issue);
  return html`<p>${issue.intro}</p>
${issue.sections.map(
  (section) => html`<section>
<h2>${section.heading}</h2>
${section.stories.map((story) => renderStory(story, labels, locale))}${
    section.omitted > 0 ? html`<p class="meta">${moreInSection(section.omitted, locale)}.</p>\n` : null
  }</section>
`,
)}`;
}

export interface PageContext {
  readonly siteTitle: string;
  readonly generator: string;
  readonly locale: SiteLocale;
  /** Relative links to the other issues, newest first (this one included). */
  readonly issues: readonly { readonly week: string; readonly title: string }[];
}

/** A digest page: the site's shell, the digest feeds announced, a footer linking them. */
function page(title: string, description: string, base: string, body: SafeHtml, context: PageContext): string {
  const { words } = context.locale;
  const feeds = DIGEST_FEEDS.map((feed) => ({
    type: feed.type,
    title: `${context.siteTitle} — ${words.weeklyDigest} (${feed.format})`,
    href: `${base}${feed.path}`,
  }));
  return renderPage({
    locale: context.locale,
    title,
    description,
    generator: context.generator,
    alternates: feeds,
    skipTo: words.skipToContent,
    body,
    footer: html`<p><a href="${base}index.html">${context.siteTitle}</a> · ${words.weeklyDigest}${words.colon}${feeds.map(
      (feed, i) => html`${i > 0 ? ' · ' : ''}<a href="${feed.href}">${DIGEST_FEEDS[i]?.format}</a>`,
    )} · <a href="${base}digests/index.html">${words.allDigests}</a></p>
<p>${words.generatedBy} ${context.generator}.</p>`,
  });
}

/** digests/<week>.html */
export function renderIssuePage(issue: DigestIssue, context: PageContext): string {
  const others = context.issues.filter((other) => other.week !== issue.week).slice(0, 8);
  const body = html`<header>
<p><a href="../index.html">${context.siteTitle}</a></p>
<h1>${issue.title}</h1>
</header>
<main id="contenu">
${renderIssueBody(issue, context.locale)}</main>
${others.length > 0 ? html`<nav aria-label="${context.locale.words.previousDigests}">
<h2>${context.locale.words.previousDigests}</h2>
<ul>
${others.map((other) => html`<li><a href="${other.week}.html">${other.title}</a></li>\n`)}</ul>
</nav>` : null}`;
  return page(issue.title, issue.intro, '../', body, context);
}

/** digests/index.html: every issue, newest first. */
export function renderIssueList(context: PageContext): string {
  const { words } = context.locale;
  const title = `${context.siteTitle} — ${words.weeklyDigests}`;
  const body = html`<header>
<p><a href="../index.html">${context.siteTitle}</a></p>
<h1>${words.weeklyDigestsHeading}</h1>
</header>
<main id="contenu">
${context.issues.length > 0
    ? html`<ul>
${context.issues.map((issue) => html`<li><a href="${issue.week}.html">${issue.title}</a></li>\n`)}</ul>`
    : html`<p>${words.noDigest}</p>`}
</main>`;
  return page(title, title, '../', body, context);
}
