// The issue as HTML: the body shared by the feed entry and the web page, and the page itself
// (digests/<week>.html and its list). Accessible, responsive, no script, no remote resource.
import { createHash } from 'node:crypto';
import type { ThemeInfo } from '../domain/types.js';
import { html, rawHtml, type SafeHtml } from '../publish/html.js';
import { joinFrench, type DigestIssue, type DigestStory } from './issue.js';
import { countOf } from './french.js';

/** `lang` for text not in French (the page's language); nothing for anything not BCP 47-shaped. */
export function langOf(language: string | null): string | null {
  if (language === null || !/^[a-z]{2,3}(-[a-z0-9]{1,8})*$/i.test(language)) return null;
  return /^fr(-|$)/i.test(language) ? null : language;
}

export function themeLabels(issue: DigestIssue): Map<string, ThemeInfo> {
  return new Map(issue.themes.map((theme) => [theme.id, theme]));
}

/** Sources as readers see them: "AIhub et Le blog", each linked to its own telling. */
export function renderSources(story: DigestStory): SafeHtml {
  const parts = story.sources.map((source) => (source.link !== null ? html`<a href="${source.link}">${source.name}</a>` : html`${source.name}`));
  if (parts.length <= 1) return html`${parts}`;
  return html`${parts.slice(0, -1).map((part, i) => html`${i > 0 ? ', ' : ''}${part}`)} et ${parts[parts.length - 1]}`;
}

function renderStory(story: DigestStory, labels: ReadonlyMap<string, ThemeInfo>): SafeHtml {
  const lang = langOf(story.language);
  const langAttr = lang !== null ? html` lang="${lang}"` : null;
  const summaryLang = langOf(story.summaryLanguage);
  const title = story.link !== null ? html`<a href="${story.link}"${langAttr}>${story.title}</a>` : html`<span${langAttr}>${story.title}</span>`;
  const others = story.themeIds.slice(1).flatMap((id) => labels.get(id)?.label ?? []);
  return html`<article>
<h3>${title}${story.languageNote !== null ? html` <small>${story.languageNote}</small>` : null}</h3>
<p class="meta">${renderSources(story)} · <time datetime="${story.publishedAt}">${story.date}</time></p>
${others.length > 0 ? html`<p class="meta">Aussi : ${joinFrench(others)}</p>\n` : null}${story.summary !== '' ? html`<p${summaryLang !== null ? html` lang="${summaryLang}"` : null}>${story.summary}</p>\n` : null}</article>
`;
}

/** The issue's body: introduction and one section per theme. Also the content of its feed entry. */
export function renderIssueBody(issue: DigestIssue): SafeHtml {
  const labels = themeLabels(issue);
  return html`<p>${issue.intro}</p>
${issue.sections.map(
  (section) => html`<section>
<h2>${section.heading}</h2>
${section.stories.map((story) => renderStory(story, labels))}${
    section.omitted > 0 ? html`<p class="meta">Et ${countOf(section.omitted, 'autre article', 'autres articles')} sur ce thème.</p>\n` : null
  }</section>
`,
)}`;
}

const CSS = `
:root { color-scheme: light dark; --fg: #1b1b1b; --bg: #fdfdfc; --muted: #595959; --accent: #0b5cad; --line: #d8d8d8; }
@media (prefers-color-scheme: dark) { :root { --fg: #e8e8e8; --bg: #141414; --muted: #a8a8a8; --accent: #8ab8ff; --line: #333; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 46rem; padding: 1rem; font: 1.0625rem/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); overflow-wrap: break-word; }
a { color: var(--accent); }
a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.skip { position: absolute; left: -9999px; }
.skip:focus { position: static; }
header { border-bottom: 1px solid var(--line); margin-bottom: 1rem; }
h1 { font-size: 1.625rem; line-height: 1.25; margin: 0.5rem 0; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 2px solid var(--accent); padding-bottom: 0.25rem; }
h3 { font-size: 1.0625rem; margin: 0 0 0.25rem; }
h3 small { color: var(--muted); font-weight: normal; }
article { padding: 0.75rem 0; border-bottom: 1px solid var(--line); }
article p { margin: 0.25rem 0; }
.meta { color: var(--muted); font-size: 0.9375rem; }
nav ul { padding-left: 1.25rem; }
footer { color: var(--muted); font-size: 0.875rem; margin-top: 1.5rem; }
`;

const STYLE_HASH = createHash('sha256').update(CSS).digest('base64');
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${STYLE_HASH}'`,
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export interface PageContext {
  readonly siteTitle: string;
  readonly generator: string;
  /** Relative links to the other issues, newest first (this one included). */
  readonly issues: readonly { readonly week: string; readonly title: string }[];
}

function page(title: string, description: string, base: string, body: SafeHtml, context: PageContext): string {
  return html`<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="referrer" content="strict-origin-when-cross-origin">
<title>${title}</title>
<meta name="description" content="${description}">
<meta name="generator" content="${context.generator}">
<link rel="alternate" type="application/rss+xml" title="${context.siteTitle} — lettre hebdomadaire (RSS)" href="${base}digest.xml">
<link rel="alternate" type="application/atom+xml" title="${context.siteTitle} — lettre hebdomadaire (Atom)" href="${base}digest.atom">
<link rel="alternate" type="application/feed+json" title="${context.siteTitle} — lettre hebdomadaire (JSON Feed)" href="${base}digest.json">
<style>${rawHtml(CSS)}</style>
</head>
<body>
<a class="skip" href="#contenu">Aller au contenu</a>
${body}
<footer>
<p><a href="${base}index.html">${context.siteTitle}</a> · lettre hebdomadaire : <a href="${base}digest.xml">RSS</a> · <a href="${base}digest.atom">Atom</a> · <a href="${base}digest.json">JSON Feed</a> · <a href="${base}digests/index.html">toutes les lettres</a></p>
<p>Généré par ${context.generator}.</p>
</footer>
</body>
</html>
`.toString();
}

/** digests/<week>.html */
export function renderIssuePage(issue: DigestIssue, context: PageContext): string {
  const others = context.issues.filter((other) => other.week !== issue.week).slice(0, 8);
  const body = html`<header>
<p><a href="../index.html">${context.siteTitle}</a></p>
<h1>${issue.title}</h1>
</header>
<main id="contenu">
${renderIssueBody(issue)}</main>
${others.length > 0 ? html`<nav aria-label="Lettres précédentes">
<h2>Lettres précédentes</h2>
<ul>
${others.map((other) => html`<li><a href="${other.week}.html">${other.title}</a></li>\n`)}</ul>
</nav>` : null}`;
  return page(issue.title, issue.intro, '../', body, context);
}

/** digests/index.html: every issue, newest first. */
export function renderIssueList(context: PageContext): string {
  const title = `${context.siteTitle} — lettres hebdomadaires`;
  const body = html`<header>
<p><a href="../index.html">${context.siteTitle}</a></p>
<h1>Lettres hebdomadaires</h1>
</header>
<main id="contenu">
${context.issues.length > 0
    ? html`<ul>
${context.issues.map((issue) => html`<li><a href="${issue.week}.html">${issue.title}</a></li>\n`)}</ul>`
    : html`<p>Aucune lettre pour le moment.</p>`}
</main>`;
  return page(title, title, '../', body, context);
}
