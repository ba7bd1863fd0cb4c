// The one shell of every page veille publishes (the home page, the digests and their list): the
// head, the style sheet, the Content-Security-Policy and the skip link, in the site's language.
// No script at all, no remote resource; styles only from the inline block below (by hash).
import { createHash } from 'node:crypto';
import type { SiteLocale } from '../domain/site-locale.js';
import { html, rawHtml, type SafeHtml } from './html.js';

const CSS = `
:root { color-scheme: light dark; --fg: #1b1b1b; --bg: #fdfdfc; --muted: #595959; --accent: #0b5cad; --line: #d8d8d8; --tag: #eef2f7; }
@media (prefers-color-scheme: dark) { :root { --fg: #e8e8e8; --bg: #141414; --muted: #a8a8a8; --accent: #8ab8ff; --line: #333; --tag: #232a33; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 48rem; padding: 1rem; font: 1.0625rem/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); overflow-wrap: break-word; }
a { color: var(--accent); }
a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.skip { position: absolute; left: -9999px; }
.skip:focus { position: static; }
.vh { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
header { border-bottom: 1px solid var(--line); margin-bottom: 1rem; }
h1 { font-size: 1.625rem; line-height: 1.25; margin: 0.5rem 0; }
h2 { font-size: 1.25rem; }
section > h2 { margin-top: 2rem; border-bottom: 2px solid var(--accent); padding-bottom: 0.25rem; }
h3 { font-size: 1.0625rem; margin: 0 0 0.25rem; }
h3 small { color: var(--muted); font-weight: normal; }
nav ul { padding-left: 1.25rem; }
article { padding: 0.75rem 0; border-bottom: 1px solid var(--line); }
article p { margin: 0.25rem 0; }
.meta { color: var(--muted); font-size: 0.9375rem; }
ul.themes { list-style: none; padding: 0; margin: 0.25rem 0; display: flex; flex-wrap: wrap; gap: 0.375rem; }
ul.themes li { background: var(--tag); border-radius: 0.25rem; padding: 0 0.5rem; font-size: 0.875rem; }
ul.themes li:has(a) { padding: 0; }
ul.themes a { display: inline-block; padding: 0.125rem 0.5rem; min-height: 1.5rem; text-decoration: none; }
ul.themes a:hover, ul.themes a[aria-current="page"] { text-decoration: underline; }
ul.themes a[aria-current="page"] { font-weight: bold; }
.mark { border: 1px solid var(--line); border-radius: 0.25rem; padding: 0 0.25rem; white-space: nowrap; }
.mark.translated, .mark.foreign { font-style: italic; }
nav.feeds { border-top: 1px solid var(--line); margin-top: 1.5rem; font-size: 0.9375rem; }
nav.feeds h2 { font-size: 1.0625rem; }
nav.feeds li { margin: 0.25rem 0; }
footer { color: var(--muted); font-size: 0.875rem; margin-top: 1.5rem; }
`;

const STYLE_HASH = createHash('sha256').update(CSS).digest('base64');

export const PAGE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${STYLE_HASH}'`,
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** A feed the page announces in its head, so that readers discover it. */
export interface AlternateLink {
  readonly type: string;
  readonly title: string;
  readonly href: string;
}

export interface PageParts {
  readonly locale: SiteLocale;
  readonly title: string;
  readonly description: string;
  readonly generator: string;
  readonly alternates: readonly AlternateLink[];
  /** The skip link's words, to the element with id "contenu". */
  readonly skipTo: string;
  /** Everything between the skip link and the footer: header, main (id "contenu"), nav. */
  readonly body: SafeHtml;
  readonly footer: SafeHtml;
}

export function renderPage(parts: PageParts): string {
  return html`<!doctype html>
<html lang="${parts.locale.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${PAGE_CONTENT_SECURITY_POLICY}">
<meta name="referrer" content="strict-origin-when-cross-origin">
<title>${parts.title}</title>
<meta name="description" content="${parts.description}">
<meta name="generator" content="${parts.generator}">
${parts.alternates.map((link) => html`<link rel="alternate" type="${link.type}" title="${link.title}" href="${link.href}">\n`)}<style>${rawHtml(CSS)}</style>
</head>
<body>
<a class="skip" href="#contenu">${parts.skipTo}</a>
${parts.body}
<footer>
${parts.footer}
</footer>
</body>
</html>
`.toString();
}
