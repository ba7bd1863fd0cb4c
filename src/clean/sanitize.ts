// Third-party HTML → HTML that cannot run script, by an allowlist of tags and attributes
// (modelled on Miniflux's allowedHTMLTagsAndAttributes), written out from htmlparser2's events.
// It gives the same output as sanitize-html configured with this allowlist (which it replaced:
// that library parsed twice per item, once to sanitize and once more to read the text).

import { readHtmlEvents, TextReader } from './html-dom.js';
import { plainText } from './text.js';

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
export const LINK_SCHEMES = ['http', 'https', 'mailto'];
export const IMAGE_SCHEMES = ['http', 'https'];

/** Elements dropped with their content (the rest of the disallowed ones keep their text). Sorted. */
export const DROPPED_WITH_CONTENT = [
  'applet', 'audio', 'button', 'canvas', 'embed', 'form', 'frame', 'frameset', 'head', 'iframe', 'input',
  'link', 'map', 'math', 'meta', 'noembed', 'noframes', 'noscript', 'object', 'option', 'script', 'select',
  'style', 'svg', 'template', 'textarea', 'title', 'video', 'xmp',
];

const ALLOWED: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  Object.entries(ALLOWED_TAGS_AND_ATTRIBUTES).map(([tag, attributes]) => [tag, new Set(attributes)]),
);
const DROPPED: ReadonlySet<string> = new Set(DROPPED_WITH_CONTENT);
/** Allowed void elements, written `<br />`. */
const VOID_ELEMENTS: ReadonlySet<string> = new Set(['br', 'hr', 'img']);
/** The only attribute kept when empty (`alt=""` says an image is decoration); others go. */
const KEPT_WHEN_EMPTY = 'alt';

/** Sanitized HTML and what a reader gets from it, read in the same parse. */
export interface SanitizedContent {
  readonly html: string;
  /**
   * Its text as htmlToText gives it: one line per block, spaces collapsed. Read in the same parse,
   * so where a dropped element changed the parser's implied closes (misnested markup such as
   * `<thead><font>a<td>b`), a line break may differ from reading `html` again (3 inputs in 180,000
   * adversarial ones in review; the HTML itself was the same in all).
   */
  readonly text: string;
  /** `href` of its links and `src` of its images, absolute, in document order. */
  readonly hrefs: readonly string[];
  readonly images: readonly string[];
}

/**
 * Sanitized HTML: allowlisted tags and attributes only, URLs absolute (resolved against `baseUrl`,
 * dropped when they cannot be), links with rel="noopener noreferrer", 1×1 tracking images removed.
 */
export function sanitizeHtml(html: string, baseUrl: string | null): string {
  return sanitizeContent(html, baseUrl).html;
}

/** One element as the parser reports it: whether it was written out. */
interface Frame {
  readonly name: string;
  readonly kept: boolean;
}

/**
 * sanitizeHtml, with the text, links and images of the result, in one parse. The output is the
 * same, byte for byte, as sanitize-html's with this allowlist (tests/clean/sanitize-differential),
 * except that nothing deeper than MAX_NESTING elements is read: every tag written is an
 * allowlisted name, every attribute an allowlisted name with its value escaped, every text
 * escaped, so nothing in it can open a script, whatever the input.
 */
export function sanitizeContent(html: string, baseUrl: string | null): SanitizedContent {
  if (html.trim() === '') return { html: '', text: '', hrefs: [], images: [] };
  let out = '';
  const reader = new TextReader();
  const hrefs: string[] = [];
  const images: string[] = [];
  const stack: Frame[] = [];
  // Inside an element dropped with its content: how deep.
  let dropping = 0;
  const whole = readHtmlEvents(html, {
    onopentag(name, attributes) {
      if (dropping > 0) {
        dropping += 1;
        return;
      }
      const allowed = ALLOWED.get(name);
      const kept = allowed === undefined ? null : keptAttributes(name, attributes, allowed, baseUrl);
      stack.push({ name, kept: kept !== null });
      if (kept === null) {
        if (DROPPED.has(name)) dropping = 1;
        return;
      }
      out += `<${name}`;
      for (const [attribute, value] of kept) out += value === '' ? ` ${attribute}=""` : ` ${attribute}="${escapeAttribute(value)}"`;
      out += VOID_ELEMENTS.has(name) ? ' />' : '>';
      reader.open(name);
      if (name === 'a') {
        const href = kept.find(([attribute]) => attribute === 'href');
        if (href !== undefined) hrefs.push(href[1]);
      } else if (name === 'img') {
        const src = kept.find(([attribute]) => attribute === 'src');
        if (src !== undefined) images.push(src[1]);
      }
    },
    ontext(text) {
      if (dropping > 0) return;
      out += escapeText(text);
      reader.text(text);
    },
    onclosetag(name) {
      if (dropping > 0) {
        dropping -= 1;
        if (dropping > 0) return;
      }
      const frame = stack.pop();
      if (frame === undefined) return;
      if (frame.name !== name) {
        stack.push(frame);
        return;
      }
      if (!frame.kept) return;
      reader.close(name);
      if (!VOID_ELEMENTS.has(name)) out += `</${name}>`;
    },
  });
  // Nested deeper than anything real (html-dom.ts MAX_NESTING): what was read, its elements closed.
  if (!whole) {
    for (const frame of stack.reverse()) {
      if (!frame.kept) continue;
      reader.close(frame.name);
      if (!VOID_ELEMENTS.has(frame.name)) out += `</${frame.name}>`;
    }
  }
  const sanitized = out.trim();
  // As htmlToText reads it: without markup or references, plain text keeps its lines.
  return { html: sanitized, text: /[<&]/.test(sanitized) ? reader.result() : plainText(sanitized), hrefs, images };
}

/**
 * The attributes an allowed element keeps, in order, or null when the element itself goes (an
 * image without a usable source, or a tracking pixel). Links get their URL resolved and
 * rel="noopener noreferrer", never the feed's own rel or target.
 */
function keptAttributes(
  name: string,
  attributes: Readonly<Record<string, string>>,
  allowed: ReadonlySet<string>,
  baseUrl: string | null,
): Array<[string, string]> | null {
  const kept: Array<[string, string]> = [];
  if (name === 'a') {
    const href = attributes.href === undefined ? null : resolveUrl(attributes.href, baseUrl, LINK_SCHEMES);
    if (href !== null) kept.push(['href', href]);
    if (attributes.title) kept.push(['title', attributes.title]);
    if (href !== null) kept.push(['rel', 'noopener noreferrer']);
    return kept;
  }
  for (const [attribute, raw] of Object.entries(attributes)) {
    if (!allowed.has(attribute)) continue;
    const value = name === 'img' && attribute === 'src' ? resolveUrl(raw, baseUrl, IMAGE_SCHEMES) : raw;
    if (value === null || (value === '' && attribute !== KEPT_WHEN_EMPTY)) continue;
    kept.push([attribute, value]);
  }
  if (name === 'img') {
    const value = (attribute: string): string | undefined => kept.find(([kept]) => kept === attribute)?.[1];
    if (value('src') === undefined || isTrackingPixel(value('width'), value('height'))) return null;
  }
  return kept;
}

function escapeText(text: string): string {
  return /[&<>]/.test(text) ? text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') : text;
}

function escapeAttribute(value: string): string {
  return escapeText(value).replace(/"/g, '&quot;');
}

/**
 * Absolute URL with an allowed scheme, or null. Entities are already decoded by the HTML parser;
 * WHATWG URL parsing strips the tabs and newlines of split-scheme tricks (`jav&#x09;ascript:`), so
 * the scheme checked is the one a browser would use.
 */
export function resolveUrl(raw: string, baseUrl: string | null, schemes: readonly string[]): string | null {
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
function isTrackingPixel(widthAttribute: string | undefined, heightAttribute: string | undefined): boolean {
  const width = widthAttribute === undefined ? null : Number.parseInt(widthAttribute, 10);
  const height = heightAttribute === undefined ? null : Number.parseInt(heightAttribute, 10);
  return width !== null && height !== null && width <= 1 && height <= 1;
}
