// Reads HTML fragments as a stream of tags and text (htmlparser2) to get their text, links and
// images, without building a DOM. It never produces HTML: that is the sanitizer's job
// (sanitize.ts, on the same parser, which feeds TextReader with what it keeps).
import type { Parser as HtmlParser } from 'htmlparser2';
import { lazyPackage } from '../system/lazy-package.js';

/**
 * htmlparser2 and its entity tables cost a one-shot `veille run` about 50 ms of CPU to load, and a
 * cycle whose feeds all answer 304 reads no HTML (issue 15): loaded on first use.
 */
const htmlparser2 = lazyPackage<{ Parser: typeof HtmlParser }>('htmlparser2');

/** Elements whose boundaries separate text into blocks (lines). Sorted. */
const BLOCK_ELEMENTS = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'caption', 'dd', 'details', 'div', 'dl', 'dt',
  'figcaption', 'figure', 'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main',
  'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'tfoot', 'thead', 'tr', 'ul',
]);

/** Elements whose content is never text for a reader. Sorted. */
const SKIPPED_ELEMENTS = new Set([
  'head', 'iframe', 'math', 'noscript', 'object', 'script', 'select', 'style', 'svg', 'template', 'textarea',
]);

/** Deeper than this, text is dropped rather than walked (pathological nesting). */
const MAX_DEPTH = 200;

/**
 * Deeper than this, the rest of a fragment is not read at all. htmlparser2 spends time in
 * proportion to the depth on every tag (its stack is searched and shifted), so a hostile fragment
 * nested 100,000 deep took seconds, and a 10 MiB feed of them hours. Real content nests a few
 * dozen elements deep.
 */
export const MAX_NESTING = 256;

/**
 * More attributes than this on one element, and the rest of the fragment is not read either.
 * htmlparser2 gathers a tag's attributes in one object, which V8 grows in more than linear time:
 * one tag with 43,000 attributes (512 KB) took 20 times as long as one with 5,400 (64 KB). Real
 * elements carry a few.
 */
export const MAX_ATTRIBUTES = 1024;

/** htmlparser2's events, as this module and the sanitizer use them. */
export interface HtmlEvents {
  onopentag?(name: string, attributes: Record<string, string>): void;
  ontext?(text: string): void;
  onclosetag?(name: string): void;
}

const STOP = Symbol('too deep or too many attributes');

/**
 * Streams `html` through htmlparser2 as browsers read HTML (entities decoded, names lower case),
 * to at most MAX_NESTING open elements and MAX_ATTRIBUTES attributes on one. Returns false when it
 * stopped there: the events so far were delivered, no closing event for the elements still open.
 */
export function readHtmlEvents(html: string, events: HtmlEvents): boolean {
  let depth = 0;
  let attributeCount = 0;
  const { Parser } = htmlparser2();
  const parser = new Parser(
    {
      onopentagname() {
        attributeCount = 0;
      },
      onattribute() {
        attributeCount += 1;
        if (attributeCount > MAX_ATTRIBUTES) throw STOP;
      },
      onopentag(name, attributes) {
        depth += 1;
        if (depth > MAX_NESTING) throw STOP;
        events.onopentag?.(name, attributes);
      },
      ontext: (text) => events.ontext?.(text),
      onclosetag(name) {
        depth -= 1;
        events.onclosetag?.(name);
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  try {
    parser.end(html);
    return true;
  } catch (error) {
    if (error === STOP) return false;
    throw error;
  }
}

/**
 * Text of an HTML fragment, entities decoded: one line per block element, runs of spaces collapsed,
 * no blank lines. Non-breaking spaces stay (French typography puts them before « : ; ! ? »).
 */
export function extractText(html: string): string {
  const reader = new TextReader();
  readHtmlEvents(html, {
    onopentag: (name) => reader.open(name),
    ontext: (text) => reader.text(text),
    onclosetag: (name) => reader.close(name),
  });
  return reader.result();
}

/**
 * The text of a stream of elements and (decoded) text, as a reader sees it: one line per block
 * element, table cells apart, no script or other non-text content, runs of spaces collapsed. Fed
 * by extractText's parse, or by the sanitizer with the elements it keeps.
 */
export class TextReader {
  private readonly parts: string[] = [];
  private skipped = 0;
  private depth = 0;

  open(name: string): void {
    this.depth += 1;
    if (SKIPPED_ELEMENTS.has(name)) this.skipped += 1;
    else if (this.skipped === 0) {
      if (BLOCK_ELEMENTS.has(name)) this.parts.push('\n');
      else if (name === 'td' || name === 'th') this.parts.push(' ');
    }
  }

  text(text: string): void {
    if (this.skipped === 0 && this.depth <= MAX_DEPTH) this.parts.push(text.replace(/[\r\n]+/g, ' '));
  }

  close(name: string): void {
    this.depth -= 1;
    if (SKIPPED_ELEMENTS.has(name)) this.skipped = Math.max(0, this.skipped - 1);
    else if (this.skipped === 0 && BLOCK_ELEMENTS.has(name)) this.parts.push('\n');
  }

  result(): string {
    return this.parts
      .join('')
      .split('\n')
      .map((line) => collapseSpaces(line))
      .filter((line) => line !== '')
      .join('\n');
  }
}

/** Runs of white space → one space; a run made only of no-break spaces keeps its first character. */
export function collapseSpaces(text: string): string {
  // Single plain spaces only (most text): nothing to collapse, no new string but the trimmed one.
  if (!COLLAPSIBLE.test(text)) return text.trim();
  // Without a no-break space no run can be made only of them: one plain replace, no callback per run.
  if (!NO_BREAK_SPACE.test(text)) return text.replace(/\s+/g, ' ').trim();
  return text.replace(/\s+/g, (run) => (/^[\u00a0\u202f]+$/.test(run) ? run.charAt(0) : ' ')).trim();
}

const NO_BREAK_SPACE = /[\u00a0\u202f]/;
/** Two white-space characters in a row, or one that is not a plain space. */
const COLLAPSIBLE = /\s\s|[^\S ]/;

/** `href` of every `<a>` and `src` of every `<img>`, in document order, as written. */
export function extractUrls(html: string): { readonly hrefs: readonly string[]; readonly images: readonly string[] } {
  const hrefs: string[] = [];
  const images: string[] = [];
  if (!/<(?:a|img)\b/i.test(html)) return { hrefs, images };
  readHtmlEvents(html, {
    onopentag(name, attributes) {
      if (name === 'a' && attributes.href) hrefs.push(attributes.href);
      else if (name === 'img' && attributes.src) images.push(attributes.src);
    },
  });
  return { hrefs, images };
}
