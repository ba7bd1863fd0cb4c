// The only module that imports sanitize-html: third-party HTML → HTML that cannot run script,
// by an allowlist of tags and attributes (modelled on Miniflux's allowedHTMLTagsAndAttributes).

import sanitize from 'sanitize-html';

/** Allowed elements and, for each, its allowed attributes. Anything else is dropped. Sorted. */
export const ALLOWED_TAGS_AND_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  a: ['href', 'title'],
  abbr: ['title'],
  b: [],
  blockquote: [],
  br: [],
  cite: [],
  code: [],
  dd: [],
  del: [],
  dl: [],
  dt: [],
  em: [],
  figcaption: [],
  figure: [],
  h1: [],
  h2: [],
  h3: [],
  h4: [],
  h5: [],
  h6: [],
  hr: [],
  i: [],
  img: ['src', 'alt', 'title', 'width', 'height'],
  ins: [],
  li: [],
  ol: [],
  p: [],
  pre: [],
  q: [],
  s: [],
  span: [],
  strong: [],
  sub: [],
  sup: [],
  table: [],
  tbody: [],
  td: ['colspan', 'rowspan'],
  tfoot: [],
  th: ['colspan', 'rowspan'],
  thead: [],
  tr: [],
  u: [],
  ul: [],
};

/** URL schemes allowed per attribute owner: links may mail, images load over HTTP(S) only. */
const LINK_SCHEMES = ['http', 'https', 'mailto'];
const IMAGE_SCHEMES = ['http', 'https'];

/** Elements dropped with their content (the rest of the disallowed ones keep their text). Sorted. */
const DROPPED_WITH_CONTENT = [
  'applet', 'audio', 'button', 'canvas', 'embed', 'form', 'frame', 'frameset', 'head', 'iframe', 'input',
  'link', 'map', 'math', 'meta', 'noembed', 'noframes', 'noscript', 'object', 'option', 'script', 'select',
  'style', 'svg', 'template', 'textarea', 'title', 'video', 'xmp',
];

const OPTIONS_BASE = {
  allowedTags: Object.keys(ALLOWED_TAGS_AND_ATTRIBUTES),
  // Only the tags that keep attributes are listed: sanitize-html rebuilds this map on every call,
  // and a tag missing from it keeps no attribute, exactly as with an empty list.
  allowedAttributes: {
    ...Object.fromEntries(
      Object.entries(ALLOWED_TAGS_AND_ATTRIBUTES)
        .filter(([, attrs]) => attrs.length > 0)
        .map(([tag, attrs]) => [tag, [...attrs]]),
    ),
    a: ['href', 'title', 'rel'], // rel is always set by transformTags, never taken from the feed
  },
  allowedSchemes: LINK_SCHEMES,
  allowedSchemesByTag: { img: IMAGE_SCHEMES },
  allowedSchemesAppliedToAttributes: ['href', 'src'],
  allowProtocolRelative: false,
  allowedClasses: {},
  allowedStyles: {},
  disallowedTagsMode: 'discard' as const,
  nonTextTags: DROPPED_WITH_CONTENT,
  enforceHtmlBoundary: false,
  parseStyleAttributes: false,
};

/**
 * Sanitized HTML: allowlisted tags and attributes only, URLs absolute (resolved against `baseUrl`,
 * dropped when they cannot be), links with rel="noopener noreferrer", 1×1 tracking images removed.
 */
export function sanitizeHtml(html: string, baseUrl: string | null): string {
  if (html.trim() === '') return '';
  const output = sanitize(html, {
    ...OPTIONS_BASE,
    transformTags: {
      a: (tagName, attribs) => {
        const { href, title } = attribs;
        const resolved = href === undefined ? null : resolveUrl(href, baseUrl, LINK_SCHEMES);
        const kept: Record<string, string> = {};
        if (resolved !== null) kept.href = resolved;
        if (title !== undefined) kept.title = title;
        if (resolved !== null) kept.rel = 'noopener noreferrer';
        return { tagName, attribs: kept };
      },
      img: (tagName, attribs) => {
        // Rebuilt in the original attribute order, with src resolved or removed.
        const kept: Record<string, string> = {};
        for (const [name, value] of Object.entries(attribs)) {
          if (name !== 'src') kept[name] = value;
          else {
            const src = resolveUrl(value, baseUrl, IMAGE_SCHEMES);
            if (src !== null) kept.src = src;
          }
        }
        return { tagName, attribs: kept };
      },
    },
    exclusiveFilter: (frame) => frame.tag === 'img' && (frame.attribs.src === undefined || isTrackingPixel(frame.attribs)),
  });
  return output.trim();
}

/**
 * Absolute URL with an allowed scheme, or null. Entities are already decoded by the HTML parser;
 * WHATWG URL parsing strips the tabs and newlines of split-scheme tricks (`jav&#x09;ascript:`), so
 * the scheme checked is the one a browser would use.
 */
function resolveUrl(raw: string, baseUrl: string | null, schemes: readonly string[]): string | null {
  const value = raw.trim();
  if (value === '') return null;
  let url: URL;
  try {
    url = baseUrl === null ? new URL(value) : new URL(value, baseUrl);
  } catch {
    return null;
  }
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  return schemes.includes(scheme) ? url.href : null;
}

/** A 1×1 (or 0×0) image is a read receipt for the publisher, not content. */
function isTrackingPixel(attribs: Record<string, string>): boolean {
  const width = attribs.width === undefined ? null : Number.parseInt(attribs.width, 10);
  const height = attribs.height === undefined ? null : Number.parseInt(attribs.height, 10);
  return width !== null && height !== null && width <= 1 && height <= 1;
}
