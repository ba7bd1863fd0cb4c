// One article page, fetched politely: robots.txt first (RFC 9309), then the page as a URL that does
// not come from the config (the address policy on every hop), HTML only, within its own byte cap.
import { publicUrl } from '../domain/source-url.js';
import { FetchError, isFetchError } from './fetch-error.js';
import { fetchFeed, type FetchOptions, type FetchPolicy } from './fetch-feed.js';
import { isAllowedByRobots, readRobots, type RobotsCache } from './robots.js';

export interface FetchedPage {
  readonly html: string;
  /** After redirects: the base of the page's relative links. */
  readonly finalUrl: string;
  readonly receivedBytes: number;
  readonly durationMs: number;
}

const ACCEPT_HTML = 'text/html, application/xhtml+xml;q=0.9, */*;q=0.1';

/** HTML, and XHTML served as such (WHATWG MIME Sniffing §4.6: an "HTML MIME type" or XML that says so). */
const HTML_TYPES: ReadonlySet<string> = new Set(['text/html', 'application/xhtml+xml']);

/**
 * The page at `url`. `policy` must be untrusted (the link comes from a feed); it is made so here
 * whatever the caller passed. Fails with FETCH_ROBOTS_DISALLOWED, FETCH_NOT_HTML or a fetch error.
 */
export async function fetchArticlePage(
  url: string,
  policy: FetchPolicy,
  robots: RobotsCache,
  options: FetchOptions & { readonly now: () => Date },
): Promise<FetchedPage> {
  const untrusted: FetchPolicy = { ...policy, untrusted: true };
  // Every URL requested, a redirect's target included (on its own origin's robots.txt), must be allowed.
  const mayFetch = async (target: string): Promise<void> => {
    let rules: Awaited<ReturnType<typeof readRobots>>;
    try {
      rules = await readRobots(target, untrusted, robots, options);
    } catch (error) {
      // A redirect to an address the policy refuses is refused by the hop itself, as a redirect.
      if (target !== url && isFetchError(error, 'FETCH_BLOCKED_ADDRESS')) return;
      throw error;
    }
    const { robotsUrl, body } = rules;
    if (!isAllowedByRobots(body, robotsUrl, target, untrusted.userAgent)) {
      const redirected = target === url ? '' : ` (redirected to ${publicUrl(target)})`;
      throw new FetchError('FETCH_ROBOTS_DISALLOWED', `fetch: ${publicUrl(url)}${redirected}: the site's robots.txt disallows this page`, { url });
    }
  };
  await mayFetch(url);
  const outcome = await fetchFeed(url, { etag: null, lastModified: null }, untrusted, { ...options, accept: ACCEPT_HTML, beforeRedirect: mayFetch });
  if (outcome.kind !== 'ok') {
    throw new FetchError('FETCH_HTTP_STATUS', `fetch: ${publicUrl(url)} answered 304 Not Modified to a request without validators`, { url, httpStatus: 304 });
  }
  const type = outcome.contentType?.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  if (!HTML_TYPES.has(type)) {
    throw new FetchError('FETCH_NOT_HTML',
      `fetch: ${publicUrl(url)}: not an HTML page (${type === '' ? 'no Content-Type' : `Content-Type ${type}`})`, { url });
  }
  return { html: outcome.text, finalUrl: outcome.finalUrl, receivedBytes: outcome.receivedBytes, durationMs: outcome.durationMs };
}
