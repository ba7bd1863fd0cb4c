// The sanitizer as it was built on sanitize-html (until 2026-11-26), kept as the reference the
// htmlparser2 sanitizer (src/clean/sanitize.ts) must match byte for byte.
import sanitize from 'sanitize-html';
import {
  ALLOWED_TAGS_AND_ATTRIBUTES,
  DROPPED_WITH_CONTENT,
  IMAGE_SCHEMES,
  LINK_SCHEMES,
  resolveUrl,
} from '../../src/clean/sanitize.js';

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
export function referenceSanitize(html: string, baseUrl: string | null): string {
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

/** A 1×1 (or 0×0) image is a read receipt for the publisher, not content. */
function isTrackingPixel(attribs: Record<string, string>): boolean {
  const width = attribs.width === undefined ? null : Number.parseInt(attribs.width, 10);
  const height = attribs.height === undefined ? null : Number.parseInt(attribs.height, 10);
  return width !== null && height !== null && width <= 1 && height <= 1;
}
