// Two rules on a source's URL: the form shown outside (feeds, OPML, pages, metrics, status, logs),
// without credentials, and the form sources are compared by, so one feed is one source.
// The URL as configured is what is stored and fetched; neither form replaces it.
import { queryParameterName } from './web-url.js';

/** Query parameter names that carry a credential, compared in lower case. Sorted. */
export const SECRET_PARAMETERS: readonly string[] = [
  'access_token',
  'api-key',
  'api_key',
  'apikey',
  'auth',
  'auth_token',
  'authorization',
  'client_secret',
  'credential',
  'credentials',
  'id_token',
  'jwt',
  'key',
  'pass',
  'passwd',
  'password',
  'private_token',
  'pwd',
  'refresh_token',
  'secret',
  'session',
  'sessionid',
  'sig',
  'signature',
  'token',
  'x-amz-credential',
  'x-amz-security-token',
  'x-amz-signature',
  'x-goog-credential',
  'x-goog-signature',
];

/** Name endings that carry a credential whatever comes before (`feed_token`, `rss-key`, ...). */
export const SECRET_SUFFIXES: readonly string[] = ['-key', '-secret', '-token', '_key', '_password', '_secret', '_token'];

const SECRETS = new Set(SECRET_PARAMETERS);

export function isSecretParameter(name: string): boolean {
  const key = name.toLowerCase();
  return SECRETS.has(key) || SECRET_SUFFIXES.some((suffix) => key.endsWith(suffix));
}

/**
 * The URL without what must not leave the machine: user name and password, secret-looking query
 * parameters (the others keep their order and encoding) and the fragment. Never throws; a string
 * that is not a URL loses everything from its first `?` or `#` and anything before an `@` in its authority.
 */
export function publicUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    const bare = url.replace(/^([^:/?#]+:\/\/)[^/?#]*@/, '$1');
    const end = bare.search(/[?#]/);
    return end < 0 ? bare : bare.slice(0, end);
  }
  parsed.username = '';
  parsed.password = '';
  parsed.hash = '';
  const query = parsed.search.slice(1);
  if (query !== '') {
    const kept = query.split('&').filter((pair) => pair !== '' && !isSecretParameter(queryParameterName(pair)));
    parsed.search = kept.length > 0 ? `?${kept.join('&')}` : '';
  }
  return parsed.href;
}

/** True when publicUrl takes something away besides the fragment: the URL holds a secret. */
export function hasSecret(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  parsed.hash = '';
  return publicUrl(url) !== parsed.href;
}

/**
 * The form two source URLs are compared by: WHATWG parsing lowercases the scheme and host and
 * drops the default port; the fragment (never sent) is dropped; percent-encoded octets are
 * compared in upper case and unreserved characters decoded (RFC 3986 §6.2.2.1 and §6.2.2.2).
 * Path and query stay as they are: `/feed` and `/feed/` may be two resources. Never throws.
 */
export function sourceUrlKey(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return url.trim();
  }
  parsed.hash = '';
  return parsed.href.replace(/%([0-9A-Fa-f]{2})/g, (_match: string, hex: string) => {
    const character = String.fromCharCode(Number.parseInt(hex, 16));
    return /^[A-Za-z0-9\-._~]$/.test(character) ? character : `%${hex.toUpperCase()}`;
  });
}

/** True when the two URLs name one source (see sourceUrlKey). */
export function isSameSourceUrl(a: string, b: string): boolean {
  return a === b || sourceUrlKey(a) === sourceUrlKey(b);
}

/**
 * The form the configured list is compared by when a source is added or removed: sourceUrlKey,
 * and a path's trailing slash is not significant (`https://aihub.org/feed` and
 * `https://aihub.org/feed/` are one feed to whoever types them; issue 17, finding 7). The store
 * keeps the stricter sourceUrlKey. Never throws.
 */
export function configuredSourceKey(url: string): string {
  const key = sourceUrlKey(url);
  let parsed: URL;
  try {
    parsed = new URL(key);
  } catch {
    return key;
  }
  if (parsed.pathname.length > 1 && parsed.pathname.endsWith('/')) parsed.pathname = parsed.pathname.slice(0, -1);
  return parsed.href;
}
