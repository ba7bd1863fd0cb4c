// Inline XHTML in feeds, turned back into HTML text before the XML parser sees it: Atom text
// constructs and content of type "xhtml" (RFC 4287 §3.1.1.3, §4.1.3.3; Atom 0.3
// "application/xhtml+xml"), and RSS items' `<body>` / `<xhtml:body>` (an old RSS extension feedparser
// reads). xml2js keeps an element's text apart from its children, so their order, and the escaping
// of `&lt;` in the text, would be lost. Each subtree becomes a CDATA section of HTML (Atom: with
// type="html"), then goes through the sanitizer like any other content.

/**
 * Markup that is not an element tag (kept or rewritten as a whole), or a start or end tag. A tag
 * never holds a '<', not even in an attribute value (XML 1.0 §3.1 AttValue): a failed attempt stops
 * at the next one, which keeps the scan linear on hostile input. A name must end where the tag
 * does or its attributes begin, so that a name that never ends is not retried at every length.
 */
const TOKEN =
  /<!\[CDATA\[([\s\S]*?)(?:\]\]>|$)|<!--[\s\S]*?(?:-->|$)|<\?[\s\S]*?(?:\?>|$)|<(\/?)([^\s/<>!?]+)(?=[\s/>])((?:[^<>"']|"[^<"]*"|'[^<']*')*?)(\/?)>/g;

/** HTML void elements: the only ones an HTML parser closes by itself (`<br/>` is fine, `<p/>` is not). */
const VOID_ELEMENTS = new Set([
  'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr',
]);

/** Atom elements that are text constructs or content. Sorted. */
const ATOM_CONSTRUCTS = new Set(['content', 'copyright', 'info', 'rights', 'subtitle', 'summary', 'tagline', 'title']);

/** An Atom 1.0 or 0.3 XHTML type attribute, as found in a start tag's attributes. */
const XHTML_TYPE = /(\stype\s*=\s*)(["'])\s*(xhtml|application\/xhtml\+xml)\s*\2/;

/**
 * Quick test before scanning: most feeds have neither. A prefix never holds a '<', so that a run of
 * '<' is not read again from each of them.
 */
const MAY_HOLD_XHTML = /<(?:[^\s/<>!?:]+:)?body[\s/>]|xhtml/;

type Format = 'rss' | 'rdf' | 'atom';

/** How one element's content is rewritten, decided from its start tag. */
interface Target {
  /** The start tag as it must be written (Atom: type="html"). */
  readonly startTag: string;
  /** Atom 1.0: the wrapping `<div>` is not part of the content (RFC 4287 §4.1.3.3). */
  readonly unwrapDiv: boolean;
  /** The prefix of the XHTML elements, dropped from tag names ('' when unprefixed). */
  readonly prefix: string;
}

/**
 * Replaces the content of each inline-XHTML element with a CDATA section holding the same markup
 * as HTML. Anything unbalanced is left as it was: the XML parser then reports it as it would have.
 */
export function inlineXhtml(xml: string, format: Format): string {
  if (!MAY_HOLD_XHTML.test(xml)) return xml;
  const out: string[] = [];
  const stack: string[] = [];
  let copiedUpTo = 0;
  /** Set while inside a target: where its start tag begins, its content starts, and its depth. */
  let open: { target: Target; tagStart: number; start: number; depth: number } | null = null;
  for (const match of xml.matchAll(TOKEN)) {
    const [whole, , closing, name, attrs = '', selfClosing] = match;
    if (name === undefined || selfClosing === '/') continue; // not an element, or an empty one
    if (closing === '/') {
      if (stack.pop() !== name) return xml; // unbalanced: leave the document to the parser
      if (open !== null && stack.length === open.depth) {
        const html = xhtmlToHtml(xml.slice(open.start, match.index), open.target);
        out.push(xml.slice(copiedUpTo, open.tagStart), open.target.startTag, toCdata(html));
        copiedUpTo = match.index;
        open = null;
      }
      continue;
    }
    if (open === null) {
      const target = targetOf(format, name, attrs, stack.at(-1) ?? '');
      if (target !== null) open = { target, tagStart: match.index, start: match.index + whole.length, depth: stack.length };
    }
    stack.push(name);
  }
  if (copiedUpTo === 0) return xml;
  out.push(xml.slice(copiedUpTo));
  return out.join('');
}

function targetOf(format: Format, name: string, attrs: string, parent: string): Target | null {
  const local = localName(name);
  if (format !== 'atom') {
    if (local !== 'body' || localName(parent) !== 'item') return null;
    return { startTag: `<${name}${attrs}>`, unwrapDiv: false, prefix: prefixOf(name) };
  }
  const type = XHTML_TYPE.exec(attrs);
  if (!ATOM_CONSTRUCTS.has(local) || type === null) return null;
  // Atom 0.3 mode="escaped" or "base64" says the content is not inline markup after all.
  if (/\smode\s*=\s*(["'])\s*(?!xml\s*\1)/.test(attrs)) return null;
  const atom10 = type[3] === 'xhtml';
  const startTag = `<${name}${attrs.replace(XHTML_TYPE, `$1$2${atom10 ? 'html' : 'text/html'}$2`)}>`;
  return { startTag, unwrapDiv: atom10, prefix: '' };
}

/**
 * XHTML markup → HTML with the same meaning: the XHTML prefix dropped from tag names, CDATA sections
 * as escaped text, processing instructions removed, `<p/>` written `<p></p>`.
 */
function xhtmlToHtml(markup: string, target: Target): string {
  let inner = markup;
  let prefix = target.prefix;
  if (target.unwrapDiv) {
    const div = /^\s*<([^\s/<>!?]+)(?=[\s>])(?:[^<>"']|"[^<"]*"|'[^<']*')*>([\s\S]*)<\/\1\s*>\s*$/.exec(markup);
    if (div?.[1] !== undefined && div[2] !== undefined && localName(div[1]) === 'div') {
      inner = div[2];
      prefix = prefixOf(div[1]);
    }
  }
  return inner.replace(TOKEN, (whole, cdata: string | undefined, closing: string | undefined, name: string | undefined, attrs: string, selfClosing: string) => {
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

function prefixOf(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon < 0 ? '' : qualified.slice(0, colon);
}
