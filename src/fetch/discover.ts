// Feed autodiscovery: when a user gives a web page instead of a feed, find the feeds it advertises
// with <link rel="alternate" type="..."> (RSS Board autodiscovery, HTML "alternate" link type).

const FEED_TYPES: ReadonlySet<string> = new Set([
  'application/rss+xml',
  'application/atom+xml',
  'application/feed+json',
  'application/json',
]);

/** Absolute http(s) URLs of the advertised feeds, in document order, without duplicates. */
export function discoverFeedLinks(html: string, baseUrl: string): string[] {
  const source = withoutComments(html);
  const base = findBaseHref(source, baseUrl);
  const found = new Set<string>();
  for (const tag of findTags(source, 'link')) {
    const attributes = readAttributes(tag);
    const rel = (attributes.get('rel') ?? '').toLowerCase().split(/\s+/);
    const type = (attributes.get('type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const href = attributes.get('href')?.trim();
    if (!rel.includes('alternate') || !FEED_TYPES.has(type) || href === undefined || href === '') continue;
    const absolute = resolveHttpUrl(href, base);
    if (absolute !== null) found.add(absolute);
  }
  return [...found];
}

/**
 * The page without its comments; one that never closes stays, as text. Scanned with indexOf: the
 * pattern `<!--[\s\S]*?-->` read to the end of the page from every unclosed '<!--', quadratic
 * (issue 13: 400 KB of them took 14 s).
 */
function withoutComments(html: string): string {
  const kept: string[] = [];
  let from = 0;
  for (;;) {
    const start = html.indexOf('<!--', from);
    const end = start < 0 ? -1 : html.indexOf('-->', start + 4);
    if (end < 0) break;
    kept.push(html.slice(from, start));
    from = end + 3;
  }
  kept.push(html.slice(from));
  return kept.join('');
}

/**
 * Each `<name …>` tag (any case), from its start to the first '>', in document order. Once a start
 * has no '>' after it, no later one has either: the scan stops instead of reading to the end again.
 */
function* findTags(html: string, name: string): Generator<string> {
  const start = new RegExp(`<${name}\\b`, 'gi');
  for (let match = start.exec(html); match !== null; match = start.exec(html)) {
    const end = html.indexOf('>', match.index);
    if (end < 0) return;
    yield html.slice(match.index, end + 1);
    start.lastIndex = end + 1;
  }
}

/** A `<base href>` changes what relative links resolve against (HTML "document base URL"). */
function findBaseHref(html: string, pageUrl: string): string {
  const tag = findTags(html, 'base').next().value;
  const href = tag === undefined ? undefined : readAttributes(tag).get('href');
  if (href === undefined) return pageUrl;
  return resolveHttpUrl(href.trim(), pageUrl) ?? pageUrl;
}

/** Attribute names lower-cased; values unquoted and with character references decoded. The first of a name wins. */
function readAttributes(tag: string): Map<string, string> {
  const attributes = new Map<string, string>();
  const inner = tag.replace(/^<[a-z]+/i, '').replace(/\/?>$/, '');
  const pattern = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  for (const match of inner.matchAll(pattern)) {
    const name = match[1]?.toLowerCase();
    if (name === undefined || attributes.has(name)) continue;
    attributes.set(name, decodeCharacterReferences(match[2] ?? match[3] ?? match[4] ?? ''));
  }
  return attributes;
}

const NAMED_REFERENCES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeCharacterReferences(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (reference: string, body: string) => {
    if (body.startsWith('#')) {
      const codePoint = body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
      return codePoint > 0 && codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : reference;
    }
    return NAMED_REFERENCES[body.toLowerCase()] ?? reference;
  });
}

function resolveHttpUrl(href: string, base: string): string | null {
  try {
    const url = new URL(href, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}
