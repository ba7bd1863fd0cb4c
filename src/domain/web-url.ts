// Which URLs may become links in what veille publishes: absolute http(s) only. Feed-supplied URLs
// (a source's site link, an item's link or image) are checked again here, whatever the stages did.
// And which URLs can identify a story: the ones with a path.

/**
 * `url` unchanged when it is an absolute http(s) URL as a browser reads it (WHATWG URL: so
 * `jav&#x09;ascript:` and ` javascript:` are recognised), else null.
 */
export function webUrlOrNull(url: string | null | undefined): string | null {
  if (typeof url !== 'string' || url.trim() === '') return null;
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

/** The host name of a URL (lowercase, as WHATWG URL gives it), or null when it is not a URL. */
export function hostOf(url: string | null | undefined): string | null {
  if (typeof url !== 'string' || url === '') return null;
  try {
    return new URL(url).hostname;
  } catch {
    return null;
  }
}

/**
 * A URL that can identify a story: one with a path. A site's home page ("https://example.org/")
 * is shared by everything that site publishes, so it never joins two items.
 */
export function isStoryUrl(url: string | null): url is string {
  return url !== null && storyHostOf(url) !== undefined;
}

/** The host of a URL that can identify a story (see isStoryUrl), else undefined: one parse for both. */
export function storyHostOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return /[^/]/.test(parsed.pathname) || parsed.search !== '' ? parsed.hostname : undefined;
  } catch {
    return undefined;
  }
}

/** The decoded name of one `name=value` pair of a query string (`+` read as a space), as written when it does not decode. */
export function queryParameterName(pair: string): string {
  const name = pair.split('=', 1)[0] ?? '';
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}
