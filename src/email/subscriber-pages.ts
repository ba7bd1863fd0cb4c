// The pages veille's own server shows a reader about their subscription (issue 23): unsubscribe,
// the themes they receive, sign-up and its confirmation. No script; each form posts back to the
// page's own URL (no action attribute, so the server's form-action 'self' holds behind any proxy
// path). A page never shows an address it was not given by the reader in that same request.
import type { SiteLocale } from '../domain/site-locale.js';
import type { ThemeInfo } from '../domain/types.js';
import { html, rawHtml, type SafeHtml } from '../publish/html.js';

const CSS = `
:root { color-scheme: light dark; --fg: #1b1b1b; --bg: #fdfdfc; --muted: #595959; --accent: #0b5cad; --line: #d8d8d8; }
@media (prefers-color-scheme: dark) { :root { --fg: #e8e8e8; --bg: #141414; --muted: #a8a8a8; --accent: #8ab8ff; --line: #333; } }
body { margin: 0 auto; max-width: 36rem; padding: 1rem; font: 1.0625rem/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
h1 { font-size: 1.5rem; line-height: 1.25; }
label, legend { display: block; font-weight: bold; margin: 0.75rem 0 0.25rem; }
fieldset { border: 1px solid var(--line); margin: 0.75rem 0; }
fieldset label { font-weight: normal; margin: 0.25rem 0; }
input[type="email"] { width: 100%; font: inherit; padding: 0.375rem; }
button { font: inherit; margin-top: 1rem; padding: 0.375rem 1rem; }
.error { color: #a00000; font-weight: bold; }
@media (prefers-color-scheme: dark) { .error { color: #ff9c9c; } }
footer { color: var(--muted); font-size: 0.875rem; margin-top: 2rem; }
`;

export interface PageSite {
  readonly locale: SiteLocale;
  readonly siteTitle: string;
  /** The published site's home page. */
  readonly siteUrl: string;
}

function page(site: PageSite, title: string, main: SafeHtml): string {
  return html`<!doctype html>
<html lang="${site.locale.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<title>${title} — ${site.siteTitle}</title>
<style>${rawHtml(CSS)}</style>
</head>
<body>
<main>
<h1>${title}</h1>
${main}
</main>
<footer><p><a href="${site.siteUrl}">${site.locale.words.subscribers.backToSite}</a></p></footer>
</body>
</html>
`.toString();
}

function themeBoxes(site: PageSite, themes: readonly ThemeInfo[], checked: ReadonlySet<string>): SafeHtml {
  if (themes.length === 0) return html``;
  const words = site.locale.words.subscribers;
  return html`<fieldset>
<legend>${words.themesLegend}</legend>
${themes.map(
  (theme) =>
    html`<label><input type="checkbox" name="theme" value="${theme.id}"${checked.has(theme.id) ? rawHtml(' checked') : ''}> ${theme.label}</label>\n`,
)}</fieldset>
`;
}

/** GET /unsubscribe/TOKEN: one button doing the one-click POST, and a way to change themes instead. */
export function unsubscribePage(site: PageSite, preferencesHref: string): string {
  const words = site.locale.words.subscribers;
  return page(
    site,
    words.unsubscribeTitle,
    html`<p>${words.unsubscribeQuestion}</p>
<form method="post">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<input type="hidden" name="via" value="page">
<button type="submit">${words.unsubscribeButton}</button>
</form>
<p><a href="${preferencesHref}">${words.changeThemesInstead}</a></p>`,
  );
}

export function unsubscribedPage(site: PageSite): string {
  const words = site.locale.words.subscribers;
  return page(site, words.unsubscribedTitle, html`<p>${words.unsubscribedText}</p>`);
}

export function preferencesPage(site: PageSite, themes: readonly ThemeInfo[], checked: ReadonlySet<string>): string {
  const words = site.locale.words.subscribers;
  return page(
    site,
    words.themesTitle,
    html`<p>${words.themesIntro}</p>
<form method="post">
${themeBoxes(site, themes, checked)}<button type="submit">${words.saveThemes}</button>
</form>`,
  );
}

export function preferencesSavedPage(site: PageSite): string {
  const words = site.locale.words.subscribers;
  return page(site, words.themesSavedTitle, html`<p>${words.themesSavedText}</p>`);
}

/** GET /subscribe, or the form again with what was typed and an error. */
export function subscribePage(site: PageSite, themes: readonly ThemeInfo[], typed: { address: string; themes: ReadonlySet<string>; error: boolean }): string {
  const words = site.locale.words.subscribers;
  return page(
    site,
    words.subscribeTitle,
    html`<p>${words.subscribeIntro}</p>
<form method="post">
${typed.error ? html`<p class="error" id="address-error">${words.invalidAddress}</p>\n` : ''}<label for="address">${words.addressLabel}</label>
<input type="email" id="address" name="address" required autocomplete="email" maxlength="254" value="${typed.address}"${typed.error ? rawHtml(' aria-invalid="true" aria-describedby="address-error"') : ''}>
${themeBoxes(site, themes, typed.themes)}<button type="submit">${words.subscribeButton}</button>
</form>`,
  );
}

export function checkMailboxPage(site: PageSite, confirmDays: number): string {
  const words = site.locale.words.subscribers;
  return page(site, words.checkMailboxTitle, html`<p>${words.checkMailboxText(site.locale.count(confirmDays, words.day))}</p>`);
}

export function tooManyPage(site: PageSite): string {
  const words = site.locale.words.subscribers;
  return page(site, words.tooManyTitle, html`<p>${words.tooManyText}</p>`);
}

/** GET of a confirmation link: a button, so that a link scanner fetching it confirms nothing. */
export function confirmPage(site: PageSite): string {
  const words = site.locale.words.subscribers;
  return page(
    site,
    words.confirmTitle,
    html`<p>${words.confirmText}</p>
<form method="post">
<button type="submit">${words.confirmButton}</button>
</form>`,
  );
}

export function confirmedPage(site: PageSite): string {
  const words = site.locale.words.subscribers;
  return page(site, words.confirmedTitle, html`<p>${words.confirmedText}</p>`);
}

export function linkInvalidPage(site: PageSite): string {
  const words = site.locale.words.subscribers;
  return page(site, words.linkInvalidTitle, html`<p>${words.linkInvalidText}</p>`);
}
