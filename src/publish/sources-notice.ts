// The home page's line saying that sources fail, so that "no articles yet" or an old list is not
// taken for a quiet week (issue 17, finding 5). In the reader's language, from the site locale.
import type { SiteLocale } from '../domain/site-locale.js';
import { html, type SafeHtml } from './html.js';

export interface SourcesNotice {
  /** Active sources whose last attempt failed, out of `total`. */
  readonly failing: number;
  readonly total: number;
  /** No source succeeded in its last attempts (/healthz "failing"). */
  readonly noneReadable: boolean;
}

export function renderSourcesNotice(notice: SourcesNotice | null | undefined, locale: SiteLocale): SafeHtml | null {
  if (notice === null || notice === undefined || notice.failing === 0) return null;
  const text = notice.noneReadable
    ? locale.words.noSourceReadable
    : locale.words.sourcesFailing(locale.number(notice.failing), locale.number(notice.total), notice.failing === 1);
  return html`<p class="notice" role="status">${text}</p>\n`;
}
