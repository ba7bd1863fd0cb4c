// Makes feed XML safe and parseable before a strict XML parser sees it: drops the DOCTYPE (no entity
// expansion, no external fetch), rewrites HTML named entities as numeric references, escapes stray '&'.

import { HTML_NAMED_ENTITIES } from './html-entities.js';

const XML_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);

/**
 * Removes a `<!DOCTYPE ...>` declaration (with its internal subset) found before the root element.
 * Entity declarations in it are what "billion laughs" attacks expand; feeds never need them.
 */
export function stripDoctype(xml: string): string {
  const start = findDoctype(xml);
  if (start < 0) return xml;
  let i = start + '<!DOCTYPE'.length;
  let quote: string | null = null;
  let depth = 0; // inside the internal subset [ ... ]
  for (; i < xml.length; i++) {
    const c = xml[i];
    if (quote !== null) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (depth > 0 && xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i + 4);
      if (end < 0) break;
      i = end + 2;
    } else if (c === '[') {
      depth++;
    } else if (c === ']') {
      depth = Math.max(0, depth - 1);
    } else if (c === '>' && depth === 0) {
      return xml.slice(0, start) + xml.slice(i + 1);
    }
  }
  // Unterminated declaration: drop everything from it; the parser will then report a missing root.
  return xml.slice(0, start);
}

/** Index of a DOCTYPE declaration that precedes the root element, or -1. */
function findDoctype(xml: string): number {
  let i = 0;
  for (;;) {
    i = xml.indexOf('<', i);
    if (i < 0) return -1;
    if (xml.startsWith('<?', i)) {
      const end = xml.indexOf('?>', i + 2);
      if (end < 0) return -1;
      i = end + 2;
    } else if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i + 4);
      if (end < 0) return -1;
      i = end + 3;
    } else if (xml.slice(i, i + 9).toUpperCase() === '<!DOCTYPE') {
      return i;
    } else {
      return -1; // the root element comes first
    }
  }
}

const REFERENCE = /&(?:(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{0,31}));|&/g;

/**
 * Rewrites character references outside CDATA sections, comments and processing instructions:
 * `&eacute;` → `&#233;`, unknown `&foo;` → `&amp;foo;` (kept as text), a bare `&` → `&amp;`.
 * Strict XML accepts only five named entities; French feeds routinely use HTML ones.
 */
export function normalizeEntities(xml: string): string {
  // No '&' but the five XML entities (most feeds): nothing to rewrite, no copy of the document.
  if (!MAY_NEED_REWRITE.test(xml)) return xml;
  return rewriteReferences(xml);
}

/** An '&' that does not open one of the five XML entities, wherever it is. Bounded lookahead: linear. */
const MAY_NEED_REWRITE = /&(?!(?:amp|lt|gt|quot|apos);)/;

/** normalizeEntities without its shortcut: exported for the test that checks they agree. */
export function rewriteReferences(xml: string): string {
  // Odd indexes of the split are the verbatim sections (the capture group).
  return xml
    .split(VERBATIM)
    .map((part, index) => (index % 2 === 1 ? part : fixReferences(part)))
    .join('');
}

const VERBATIM = /(<!\[CDATA\[[\s\S]*?(?:\]\]>|$)|<!--[\s\S]*?(?:-->|$)|<\?[\s\S]*?(?:\?>|$))/;

function fixReferences(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(REFERENCE, (match, numeric: string | undefined, name: string | undefined) => {
    if (numeric !== undefined) return isXmlChar(numeric) ? match : '&#65533;';
    if (name === undefined) return '&amp;';
    if (XML_ENTITIES.has(name)) return match;
    const code = Object.hasOwn(HTML_NAMED_ENTITIES, name)
      ? HTML_NAMED_ENTITIES[name]
      : Object.hasOwn(HTML_NAMED_ENTITIES, name.toLowerCase())
        ? HTML_NAMED_ENTITIES[name.toLowerCase()]
        : undefined;
    return code === undefined ? `&amp;${name};` : `&#${code};`;
  });
}

/** XML 1.0 §2.2: a reference to a character outside `Char` is a fatal error in a strict parser. */
function isXmlChar(reference: string): boolean {
  const code = reference[1] === 'x' || reference[1] === 'X'
    ? Number.parseInt(reference.slice(2), 16)
    : Number.parseInt(reference.slice(1), 10);
  return (
    code === 0x9 || code === 0xa || code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

/** Both steps, in the order that matters: the DTD goes first so its entity values are never touched. */
export function prepareXml(xml: string): string {
  return normalizeEntities(stripDoctype(xml));
}

/**
 * Elements nested deeper than this refuse the feed. Feeds nest a few levels, XHTML content a few
 * dozen; the sanitizer reads no deeper than 256 (clean/html-dom.ts MAX_NESTING). Past this the
 * parsers' own per-level work (xml2js's stack, sax's search on an unmatched close tag, the rebuilt
 * XML of a description's child elements) would grow with the depth of a hostile document.
 */
export const MAX_XML_DEPTH = 512;

/**
 * The deepest element nesting of `xml`, counted up to `limit + 1` (the scan stops there), in one pass
 * with indexOf: tags, comments, CDATA sections, processing instructions and declarations are skipped
 * as a whole. A closing tag closes one level whatever its name: until the parser's first error
 * (an unmatched close tag is one), this is the parser's own depth; after it, the parser stops.
 */
export function measureXmlDepth(xml: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let i = xml.indexOf('<');
  while (i >= 0 && deepest <= limit) {
    let end: number;
    if (xml.startsWith('<!--', i)) end = indexAfter(xml, '-->', i + 4);
    else if (xml.startsWith('<![CDATA[', i)) end = indexAfter(xml, ']]>', i + 9);
    else if (xml.startsWith('<?', i) || xml.startsWith('<!', i)) end = indexAfter(xml, '>', i + 2);
    else if (xml.startsWith('</', i)) {
      depth -= 1;
      end = indexAfter(xml, '>', i + 2);
    } else {
      end = findTagEnd(xml, i + 1);
      // An empty-element tag (`<x/>`) is one level deeper for as long as it lasts.
      const isEmpty = end >= 0 && xml.charCodeAt(end - 2) === SLASH;
      deepest = Math.max(deepest, depth + 1);
      if (!isEmpty) depth += 1;
    }
    if (end < 0) break;
    i = xml.indexOf('<', end);
  }
  return deepest;
}

const SLASH = 0x2f;

function indexAfter(xml: string, token: string, from: number): number {
  const at = xml.indexOf(token, from);
  return at < 0 ? -1 : at + token.length;
}

/**
 * Index just after the '>' that ends a start tag, quoted attribute values skipped; at a '<' (a tag
 * left open, which the parser refuses), the index of that '<'; -1 at the end of the text.
 */
function findTagEnd(xml: string, from: number): number {
  for (let j = from; j < xml.length; j += 1) {
    const c = xml[j];
    if (c === '>') return j + 1;
    if (c === '<') return j;
    if (c === '"' || c === "'") {
      const close = xml.indexOf(c, j + 1);
      if (close < 0) return -1;
      j = close;
    }
  }
  return -1;
}
