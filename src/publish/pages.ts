// The site's home page: recent entries with links to every feed, in the site's language, readable
// without JavaScript and with no remote resource. Rendered only through the `html` helper.

import type { SiteLocale } from '../domain/site-locale.js';
import type { FeedEntry, FeedMeta, ThemeInfo } from '../domain/types.js';
import { webUrlOrNull } from '../domain/web-url.js';
import { html, type SafeHtml } from './html.js';
import { renderPage } from './page-shell.js';
import { renderSourcesNotice, type SourcesNotice } from './sources-notice.js';
import { DIGEST_FEEDS, DIGEST_LIST_PAGE, digestPage, SITE_FEEDS, SOURCES_OPML, themeFeeds } from './site-files.js';

function renderEntry(entry: FeedEntry, locale: SiteLocale): SafeHtml {
  const lang = locale.langAttribute(entry.language);
  const href = webUrlOrNull(entry.link);
  const date = new Date(entry.publishedAt);
  const title = href !== null ? html`<a href="${href}">${entry.title}</a>` : html`${entry.title}`;
  const themes =
    entry.themes.length > 0
      ? html`<ul class="themes" aria-label="${locale.words.themes}">${entry.themes.map((theme) => html`<li>${theme.label}</li>`)}</ul>`
      : null;
  const summary = entry.summary !== '' ? html`<p${lang !== null ? html` lang="${lang}"` : null}>${entry.summary}</p>` : null;
  return html`<article>
<h3${lang !== null ? html` lang="${lang}"` : null}>${title}</h3>
<p class="meta">${entry.source.name} · <time datetime="${date.toISOString()}">${locale.longDate(date)}</time></p>
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
  locale: SiteLocale,
  digests: readonly { readonly week: string; readonly title: string }[] = [],
  sourcesNotice: SourcesNotice | null = null,
): string {
  const { words } = locale;
  const themeFeedSets = themes.map((theme) => ({ theme, files: themeFeeds(encodeURIComponent(theme.id)) }));
  const alternates = [
    ...SITE_FEEDS.map((file) => ({ type: file.type, title: `${meta.siteTitle} (${file.format})`, href: file.path })),
    ...themeFeedSets.flatMap(({ theme, files }) =>
      files.map((file) => ({ type: file.type, title: `${meta.siteTitle} — ${theme.label} (${file.format})`, href: file.path })),
    ),
  ];
  const themeList = themeFeedSets.map(
    ({ theme, files }) =>
      html`<li>${theme.label}${words.colon}${files.map(
        (file, i) => html`${i > 0 ? ' · ' : ''}<a href="${file.path}">${file.format}<span class="vh"> — ${theme.label}</span></a>`,
      )}</li>\n`,
  );
  const body = entries.length > 0 ? entries.map((entry) => renderEntry(entry, locale)) : html`<p>${words.noArticles}</p>`;
  const digestLinks = DIGEST_FEEDS.map((file) => html` · <a href="${file.path}">${file.format}</a>`);

  return renderPage({
    locale,
    title: meta.siteTitle,
    description: meta.description,
    generator: meta.generator,
    alternates,
    skipTo: words.skipToArticles,
    body: html`<header>
<h1>${meta.siteTitle}</h1>
<p>${meta.description}</p>
<nav aria-label="${words.subscriptionFeeds}">
<p>${words.subscribeToAll}${words.colon}${SITE_FEEDS.map(
      (file, i) => html`${i > 0 ? ' · ' : ''}<a href="${file.path}">${file.format}</a>`,
    )} · <a href="${SOURCES_OPML}">${words.sourcesOpml}</a></p>
${themeList.length > 0 ? html`<h2>${words.byTheme}</h2>\n<ul class="feeds">\n${themeList}</ul>` : null}${digests.length > 0
      ? html`\n<h2>${words.weeklyDigestsHeading}</h2>\n<ul class="feeds">\n${digests.map(
          (digest) => html`<li><a href="${digestPage(digest.week)}">${digest.title}</a></li>\n`,
        )}<li><a href="${DIGEST_LIST_PAGE}">${words.allDigestsCapitalized}</a>${digestLinks}</li>\n</ul>`
      : null}
</nav>
</header>
<main id="contenu">
${renderSourcesNotice(sourcesNotice, locale)}<h2>${words.recentArticles}</h2>
${body}</main>`,
    footer: html`<p>${words.updatedOn} <time datetime="${builtAt.toISOString()}">${locale.dateTime(builtAt)}</time>. ${words.generatedBy} ${meta.generator}.</p>`,
  });
}
