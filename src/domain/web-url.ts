// Which URLs may become links in what veille publishes: absolute http(s) only. Feed-supplied URLs
// (a source's site link, an item's link or image) are checked again here, whatever the stages did.

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
