// The site's home page: recent entries with links to every feed, in French, readable without
// JavaScript and with no remote resource. Rendered only through the `html` helper.

import { createHash } from 'node:crypto';
import type { FeedEntry, FeedMeta, ThemeInfo } from '../domain/types.js';
import { html, rawHtml, type SafeHtml } from './html.js';

const CSS = `
:root { color-scheme: light dark; --fg: #1b1b1b; --bg: #fdfdfc; --muted: #5a5a5a; --accent: #0b5cad; --line: #d8d8d8; --tag: #eef2f7; }
@media (prefers-color-scheme: dark) { :root { --fg: #e8e8e8; --bg: #141414; --muted: #a8a8a8; --accent: #8ab8ff; --line: #333; --tag: #232a33; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 48rem; padding: 1rem; font: 1.0625rem/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); overflow-wrap: break-word; }
a { color: var(--accent); }
a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.skip { position: absolute; left: -9999px; }
.skip:focus { position: static; }
.vh { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
header { border-bottom: 1px solid var(--line); margin-bottom: 1rem; }
h1 { font-size: 1.75rem; margin: 0.5rem 0; }
h2 { font-size: 1.25rem; }
h3 { font-size: 1.125rem; margin: 0 0 0.25rem; }
ul.feeds { padding-left: 1.25rem; }
article { padding: 0.75rem 0; border-bottom: 1px solid var(--line); }
.meta { color: var(--muted); font-size: 0.9375rem; margin: 0; }
ul.themes { list-style: none; padding: 0; margin: 0.25rem 0; display: flex; flex-wrap: wrap; gap: 0.375rem; }
ul.themes li { background: var(--tag); border-radius: 0.25rem; padding: 0 0.5rem; font-size: 0.875rem; }
footer { color: var(--muted); font-size: 0.875rem; margin-top: 1.5rem; }
`;

const STYLE_HASH = createHash('sha256').update(CSS).digest('base64');

// No script at all; styles only from the one inline block above (by hash).
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${STYLE_HASH}'`,
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

interface FeedLink {
  readonly type: string;
  readonly format: string;
  readonly href: string;
}

function feedLinks(base: string): FeedLink[] {
  return [
    { type: 'application/rss+xml', format: 'RSS', href: `${base}.xml` },
    { type: 'application/atom+xml', format: 'Atom', href: base === 'feed' ? 'atom.xml' : `${base}.atom` },
    { type: 'application/feed+json', format: 'JSON Feed', href: `${base}.json` },
  ];
}

/** Only web links become `href`s: a `javascript:` link from a feed must not reach the page. */
function webUrl(url: string | null): string | null {
  if (url === null) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/** The `lang` attribute of an entry: none for French (the page's language) or anything not BCP 47-shaped. */
function langAttribute(language: string | null): string | null {
  if (language === null || !/^[a-z]{2,3}(-[a-z0-9]{1,8})*$/i.test(language)) return null;
  return /^fr(-|$)/i.test(language) ? null : language;
}

function renderEntry(entry: FeedEntry, formatDate: Intl.DateTimeFormat): SafeHtml {
  const lang = langAttribute(entry.language);
  const href = webUrl(entry.link);
  const date = new Date(entry.publishedAt);
  const title = href !== null ? html`<a href="${href}">${entry.title}</a>` : html`${entry.title}`;
  const themes =
    entry.themes.length > 0
      ? html`<ul class="themes" aria-label="Thèmes">${entry.themes.map((theme) => html`<li>${theme.label}</li>`)}</ul>`
      : null;
  const summary = entry.summary !== '' ? html`<p${lang !== null ? html` lang="${lang}"` : null}>${entry.summary}</p>` : null;
  return html`<article>
<h3${lang !== null ? html` lang="${lang}"` : null}>${title}</h3>
<p class="meta">${entry.source.name} · <time datetime="${date.toISOString()}">${formatDate.format(date)}</time></p>
${themes}
${summary}
</article>
`;
}

export function renderIndexPage(
  meta: FeedMeta & { siteTitle: string },
  entries: readonly FeedEntry[],
  themes: readonly ThemeInfo[],
  builtAt: Date,
  timeZone: string,
  digests: readonly { readonly week: string; readonly title: string }[] = [],
): string {
  const formatDate = new Intl.DateTimeFormat('fr-FR', { timeZone, dateStyle: 'long' });
  const formatBuilt = new Intl.DateTimeFormat('fr-FR', { timeZone, dateStyle: 'long', timeStyle: 'short' });
  const siteFeeds = feedLinks('feed');
  const themeFeeds = themes.map((theme) => ({ theme, links: feedLinks(`themes/${encodeURIComponent(theme.id)}`) }));

  const alternates = [
    siteFeeds.map((link) => html`<link rel="alternate" type="${link.type}" title="${meta.siteTitle} (${link.format})" href="${link.href}">\n`),
    themeFeeds.map(({ theme, links }) =>
      links.map(
        (link) =>
          html`<link rel="alternate" type="${link.type}" title="${meta.siteTitle} — ${theme.label} (${link.format})" href="${link.href}">\n`,
      ),
    ),
  ];
  const themeList = themeFeeds.map(
    ({ theme, links }) =>
      html`<li>${theme.label} : ${links.map(
        (link, i) => html`${i > 0 ? ' · ' : ''}<a href="${link.href}">${link.format}<span class="vh"> — ${theme.label}</span></a>`,
      )}</li>\n`,
  );
  const body =
    entries.length > 0
      ? entries.map((entry) => renderEntry(entry, formatDate))
      : html`<p>Aucun article pour le moment.</p>`;

  const page = html`<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="referrer" content="strict-origin-when-cross-origin">
<title>${meta.siteTitle}</title>
<meta name="description" content="${meta.description}">
<meta name="generator" content="${meta.generator}">
${alternates}<style>${rawHtml(CSS)}</style>
</head>
<body>
<a class="skip" href="#contenu">Aller aux articles</a>
<header>
<h1>${meta.siteTitle}</h1>
<p>${meta.description}</p>
<nav aria-label="Flux d’abonnement">
<p>S’abonner à tous les articles : ${siteFeeds.map(
    (link, i) => html`${i > 0 ? ' · ' : ''}<a href="${link.href}">${link.format}</a>`,
  )} · <a href="sources.opml">liste des sources (OPML)</a></p>
${themeList.length > 0 ? html`<h2>Par thème</h2>\n<ul class="feeds">\n${themeList}</ul>` : null}${digests.length > 0
    ? html`\n<h2>Lettres hebdomadaires</h2>\n<ul class="feeds">\n${digests.map(
        (digest) => html`<li><a href="digests/${digest.week}.html">${digest.title}</a></li>\n`,
      )}<li><a href="digests/index.html">Toutes les lettres</a> · <a href="digest.xml">RSS</a> · <a href="digest.atom">Atom</a> · <a href="digest.json">JSON Feed</a></li>\n</ul>`
    : null}
</nav>
</header>
<main id="contenu">
<h2>Articles récents</h2>
${body}</main>
<footer>
<p>Mis à jour le <time datetime="${builtAt.toISOString()}">${formatBuilt.format(builtAt)}</time>. Généré par ${meta.generator}.</p>
</footer>
</body>
</html>
`;
  return page.toString();
}
