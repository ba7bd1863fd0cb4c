// WebSub discovery (W3C WebSub §4): the hubs a feed declares and the self URL they know it by,
// from the feed's link elements (RSS atom:link, Atom link) or JSON Feed's `hubs` and `feed_url`.
import type { WebSubLinks } from '../domain/types.js';

export interface DeclaredLink {
  readonly rel: string;
  readonly href: string;
}

/**
 * The hubs and self URL among `links` (in document order), resolved against `base`; only http(s)
 * URLs count, each hub once. No hub: undefined (nothing to subscribe to).
 */
export function webSubLinksOf(links: readonly DeclaredLink[], base: string): WebSubLinks | undefined {
  const hubs: string[] = [];
  let self: string | null = null;
  for (const link of links) {
    const url = absoluteHttpUrl(link.href, base);
    if (url === null) continue;
    const rels = link.rel.toLowerCase().split(/\s+/);
    if (rels.includes('hub') && !hubs.includes(url)) hubs.push(url);
    if (rels.includes('self') && self === null) self = url;
  }
  return hubs.length === 0 ? undefined : { hubs, self };
}

function absoluteHttpUrl(href: string, base: string): string | null {
  try {
    const url = new URL(href.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}
