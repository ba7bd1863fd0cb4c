// The only module that imports htmlparser2: reads HTML fragments as a stream of tags and text
// to get their text, links and images, without building a DOM. It never produces HTML (that is
// the sanitizer's job).
import { Parser } from 'htmlparser2';

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
 * Text of an HTML fragment, entities decoded: one line per block element, runs of spaces collapsed,
 * no blank lines. Non-breaking spaces stay (French typography puts them before « : ; ! ? »).
 */
export function extractText(html: string): string {
  return readHtml(html, false).text;
}

/** What readHtml finds in a fragment: its text as extractText gives it, and its URLs as extractUrls does. */
export interface HtmlReading {
  readonly text: string;
  readonly hrefs: readonly string[];
  readonly images: readonly string[];
}

/**
 * Text and URLs of an HTML fragment in one pass, for the content of an item: the same results as
 * extractText and extractUrls, for the cost of one parse instead of two.
 */
export function extractTextAndUrls(html: string): HtmlReading {
  return readHtml(html, true);
}

function readHtml(html: string, withUrls: boolean): HtmlReading {
  const parts: string[] = [];
  const hrefs: string[] = [];
  const images: string[] = [];
  let skipped = 0;
  let depth = 0;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (withUrls) {
          // Like extractUrls: every <a> and <img>, skipped elements included.
          if (name === 'a' && attributes.href) hrefs.push(attributes.href);
          else if (name === 'img' && attributes.src) images.push(attributes.src);
        }
        depth += 1;
        if (SKIPPED_ELEMENTS.has(name)) skipped += 1;
        else if (skipped === 0) {
          if (BLOCK_ELEMENTS.has(name)) parts.push('\n');
          else if (name === 'td' || name === 'th') parts.push(' ');
        }
      },
      ontext(text) {
        if (skipped === 0 && depth <= MAX_DEPTH) parts.push(text.replace(/[\r\n]+/g, ' '));
      },
      onclosetag(name) {
        depth -= 1;
        if (SKIPPED_ELEMENTS.has(name)) skipped = Math.max(0, skipped - 1);
        else if (skipped === 0 && BLOCK_ELEMENTS.has(name)) parts.push('\n');
      },
    },
    // Attribute names lowercased as extractUrls reads them (the default when not in XML mode).
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.end(html);
  const text = parts
    .join('')
    .split('\n')
    .map((line) => collapseSpaces(line))
    .filter((line) => line !== '')
    .join('\n');
  return { text, hrefs, images };
}

/** Runs of white space → one space; a run made only of no-break spaces keeps its first character. */
export function collapseSpaces(text: string): string {
  // Without a no-break space no run can be made only of them: one plain replace, no callback per run.
  if (!NO_BREAK_SPACE.test(text)) return text.replace(/\s+/g, ' ').trim();
  return text.replace(/\s+/g, (run) => (/^[\u00a0\u202f]+$/.test(run) ? run.charAt(0) : ' ')).trim();
}

const NO_BREAK_SPACE = /[\u00a0\u202f]/;

/** `href` of every `<a>` and `src` of every `<img>`, in document order, as written. */
export function extractUrls(html: string): { readonly hrefs: readonly string[]; readonly images: readonly string[] } {
  const hrefs: string[] = [];
  const images: string[] = [];
  if (!/<(?:a|img)\b/i.test(html)) return { hrefs, images };
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name === 'a' && attributes.href) hrefs.push(attributes.href);
        else if (name === 'img' && attributes.src) images.push(attributes.src);
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.end(html);
  return { hrefs, images };
}
