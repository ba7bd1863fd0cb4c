// RSS items may carry their full text as an XHTML subtree, `<body xmlns="http://www.w3.org/1999/xhtml">`
// or `<xhtml:body>` (an old RSS extension feedparser reads). xml2js keeps element text and children
// apart, so their order would be lost; this turns each such subtree back into HTML text, inside a
// CDATA section, before the XML parser sees it. The HTML then goes through the sanitizer like any content.

/** Markup that is not an element tag (kept or rewritten as a whole), or a start or end tag. */
const TOKEN =
  /<!\[CDATA\[([\s\S]*?)(?:\]\]>|$)|<!--[\s\S]*?(?:-->|$)|<\?[\s\S]*?(?:\?>|$)|<(\/?)([^\s/>!?]+)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g;

/** HTML void elements: the only ones an HTML parser closes by itself (`<br/>` is fine, `<p/>` is not). */
const VOID_ELEMENTS = new Set([
  'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr',
]);

/** Quick test before scanning: most feeds have no `<body>` at all. */
const HAS_BODY = /<(?:[^\s/>!?:]+:)?body[\s/>]/;

/**
 * Replaces the content of every `<body>` (any prefix) that is a child of an `<item>` with a CDATA
 * section holding the same markup as HTML. Anything unbalanced is left as it was: the XML parser
 * then reports it as it would have.
 */
export function inlineXhtmlBodies(xml: string): string {
  if (!HAS_BODY.test(xml)) return xml;
  const out: string[] = [];
  const stack: string[] = [];
  let copiedUpTo = 0;
  /** Set while inside an item's body: where its content starts, its stack depth and its prefix. */
  let body: { start: number; depth: number; prefix: string } | null = null;
  for (const match of xml.matchAll(TOKEN)) {
    const [whole, , closing, name, , selfClosing] = match;
    if (name === undefined || selfClosing === '/') continue; // not an element, or an empty one
    if (closing === '/') {
      if (stack.pop() !== name) return xml; // unbalanced: leave the document to the parser
      if (body !== null && stack.length === body.depth) {
        out.push(xml.slice(copiedUpTo, body.start), toCdata(xhtmlToHtml(xml.slice(body.start, match.index), body.prefix)));
        copiedUpTo = match.index;
        body = null;
      }
      continue;
    }
    if (body === null && localName(name) === 'body' && localName(stack.at(-1) ?? '') === 'item') {
      const colon = name.indexOf(':');
      body = { start: match.index + whole.length, depth: stack.length, prefix: colon < 0 ? '' : name.slice(0, colon) };
    }
    stack.push(name);
  }
  if (copiedUpTo === 0) return xml;
  out.push(xml.slice(copiedUpTo));
  return out.join('');
}

/**
 * XHTML markup → HTML with the same meaning: the body's own prefix dropped from tag names, CDATA
 * sections as escaped text, processing instructions removed, `<p/>` written `<p></p>`.
 */
function xhtmlToHtml(markup: string, prefix: string): string {
  return markup.replace(TOKEN, (whole, cdata: string | undefined, closing: string | undefined, name: string | undefined, attrs: string, selfClosing: string) => {
    if (cdata !== undefined) return escapeText(cdata);
    if (whole.startsWith('<?')) return '';
    if (name === undefined) return whole; // a comment: the sanitizer drops it
    const local = prefix !== '' && name.startsWith(`${prefix}:`) ? name.slice(prefix.length + 1) : name;
    if (closing === '/') return `</${local}>`;
    if (selfClosing === '/' && !VOID_ELEMENTS.has(local.toLowerCase())) return `<${local}${attrs}></${local}>`;
    return `<${local}${attrs}${selfClosing}>`;
  });
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A CDATA section cannot hold `]]>`; split it across two sections. */
function toCdata(text: string): string {
  return `<![CDATA[${text.replace(/\]\]>/g, ']]]]><![CDATA[>')}]]>`;
}

function localName(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon < 0 ? qualified : qualified.slice(colon + 1);
}
