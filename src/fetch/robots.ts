// robots.txt (RFC 9309): the robots-parser adapter, the only module that imports it, and how the
// rules of an origin are fetched and kept (a day at most, RFC 9309 §2.4).
import robotsParserModule from 'robots-parser';
import { FetchError, isFetchError } from './fetch-error.js';
import { fetchFeed, type FetchOptions, type FetchPolicy } from './fetch-feed.js';

/** Where robots.txt bodies are kept between cycles (the store), by origin. */
export interface RobotsCache {
  read(origin: string): { readonly body: string | null; readonly fetchedAt: string } | null;
  write(origin: string, body: string | null, fetchedAt: string): void;
}

/**
 * The package is CommonJS (`module.exports = function`) with an ES-style declaration, so TypeScript
 * sees its default import as the module: at run time it is the function.
 */
const robotsParser = robotsParserModule as unknown as typeof robotsParserModule.default;

/** RFC 9309 §2.4: a cached robots.txt is not used for more than 24 hours. */
export const ROBOTS_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** RFC 9309 §2.5: at least 500 kibibytes are parsed; what lies beyond may be ignored. */
const ROBOTS_MAX_BYTES = 512 * 1024;

/** The rules of one origin: null body means every path may be fetched. */
export function isAllowedByRobots(body: string | null, robotsUrl: string, url: string, userAgent: string): boolean {
  if (body === null) return true;
  return robotsParser(robotsUrl, body).isAllowed(url, productToken(userAgent)) !== false;
}

/** RFC 9309 §2.2.1: the product token is the User-Agent's first word, without its version ("veille"). */
function productToken(userAgent: string): string {
  return userAgent.split(/[\s/]/, 1)[0] ?? userAgent;
}

/**
 * The robots.txt body of `url`'s origin: from the cache when fresh, else fetched (untrusted, like
 * the page). 2xx: its text; 4xx: null, everything allowed (§2.3.1.3); 5xx or unreachable: the
 * origin is disallowed for now (§2.3.1.4), said by throwing, and not kept.
 */
export async function readRobots(
  url: string,
  policy: FetchPolicy,
  cache: RobotsCache,
  options: FetchOptions & { readonly now: () => Date },
): Promise<{ readonly robotsUrl: string; readonly body: string | null }> {
  const origin = new URL(url).origin;
  const robotsUrl = `${origin}/robots.txt`;
  const kept = cache.read(origin);
  if (kept !== null && options.now().getTime() - Date.parse(kept.fetchedAt) < ROBOTS_MAX_AGE_MS) return { robotsUrl, body: kept.body };
  let body: string | null;
  try {
    const outcome = await fetchFeed(robotsUrl, { etag: null, lastModified: null },
      { ...policy, maxBytes: Math.min(policy.maxBytes, ROBOTS_MAX_BYTES) }, { ...options, accept: 'text/plain, */*;q=0.5' });
    body = outcome.kind === 'ok' ? outcome.text : null;
  } catch (error) {
    const status = isFetchError(error) ? error.httpStatus : null;
    if (status !== null && status >= 400 && status < 500) {
      body = null;
    } else if (isFetchError(error, 'FETCH_TOO_LARGE')) {
      // §2.5: a robots.txt past the limit is read up to it; not kept by the fetcher, so allowed here.
      body = null;
    } else if (isFetchError(error, 'FETCH_BLOCKED_ADDRESS')) {
      throw error;
    } else {
      if (!isFetchError(error) && options.signal?.aborted) throw error;
      throw new FetchError('FETCH_ROBOTS_DISALLOWED',
        `fetch: ${robotsUrl}: robots.txt could not be read, so the site's pages are not fetched for now (RFC 9309 §2.3.1.4)`,
        { url: robotsUrl, cause: error });
    }
  }
  cache.write(origin, body, options.now().toISOString());
  return { robotsUrl, body };
}
