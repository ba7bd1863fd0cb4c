// Use case "extract": what the full-text stage gets from one page (`veille extract URL`), fetched
// as a cycle fetches article pages (robots.txt, the untrusted address policy, HTML only, the
// fullText byte cap, the User-Agent), so that a user can check a source before fullText: always.
import { VeilleError } from '../domain/errors.js';
import { publicUrl } from '../domain/source-url.js';
import { extractArticle, type ExtractedArticle } from '../extract/extract-article.js';
import { fetchArticlePage } from '../fetch/fetch-page.js';
import { createHttpClient } from '../fetch/http-client.js';
import type { RobotsCache } from '../fetch/robots.js';
import { expectedLanguages, settleLanguage } from '../language/item-language.js';
import type { AppSettings } from './app.js';

export interface ExtractedPage extends ExtractedArticle {
  /** The page's language: declared by the page unless detection is confident (the language stage). */
  readonly language: string | null;
}

export async function extractPage(settings: AppSettings, url: string, options: { readonly signal?: AbortSignal } = {}): Promise<ExtractedPage> {
  const { config } = settings;
  const policy = { ...settings.fetchPolicy.untrusted, maxBytes: config.fullText.maxBytes };
  const client = createHttpClient(policy);
  // One page: its robots.txt is read for it, not kept.
  const kept = new Map<string, { body: string | null; fetchedAt: string }>();
  const robots: RobotsCache = { read: (origin) => kept.get(origin) ?? null, write: (origin, body, fetchedAt) => kept.set(origin, { body, fetchedAt }) };
  try {
    const page = await fetchArticlePage(url, policy, robots, {
      client,
      now: () => settings.clock.now(),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const article = extractArticle(page.html, publicUrl(page.finalUrl));
    if (article === null) throw new VeilleError('EXTRACT_NO_ARTICLE', `extract: ${publicUrl(url)}: no article text found on the page`);
    const languages = expectedLanguages(config.site.language, article.language === null ? [] : [article.language]);
    return { ...article, language: settleLanguage(article.language, `${article.title ?? ''}\n${article.text}`, languages) };
  } finally {
    await client.close();
  }
}
