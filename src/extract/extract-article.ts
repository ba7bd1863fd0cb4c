// An article page → its main text, cleaned like feed content: readability finds it, veille's own
// sanitizer (the allowlist of the clean stage) decides what of it may reach a reader.
import { canonicalizeUrl } from '../clean/canonical-url.js';
import { sanitizeContent } from '../clean/sanitize.js';
import { capText, plainText, stripBidiControls } from '../clean/text.js';
import { primaryLanguage } from '../domain/language-tag.js';
import { readArticle } from './readability.js';

/** What the full-text stage keeps of a page. */
export interface ExtractedArticle {
  /** Plain text, capped like a feed title. */
  readonly title: string | null;
  readonly byline: string | null;
  /** The page's declared primary language ("en"), or null. */
  readonly language: string | null;
  /** Plain text, one paragraph a line. */
  readonly text: string;
  /** Sanitized HTML (the clean stage's allowlist), absolute URLs. */
  readonly html: string;
  /** Outbound links of the text, absolute and canonical, without duplicates. */
  readonly links: readonly string[];
}

export interface ExtractOptions {
  /** Readability gives up on pages with more elements than this. */
  readonly maxElements: number;
  /** The text is cut (between words) past this many characters. */
  readonly maxTextChars: number;
  /**
   * Less text than this is no article: readability always answers with something, and on a page
   * of links that is a menu ("Home"). Readability's own isProbablyReaderable uses 140 too.
   */
  readonly minTextChars: number;
}

export const DEFAULT_EXTRACT_OPTIONS: ExtractOptions = Object.freeze({ maxElements: 20_000, maxTextChars: 100_000, minTextChars: 140 });

const MAX_TITLE_CHARS = 300;
const MAX_BYLINE_CHARS = 200;

/** The article of the page at `pageUrl`, or null when no main text was found. */
export function extractArticle(html: string, pageUrl: string, options: ExtractOptions = DEFAULT_EXTRACT_OPTIONS): ExtractedArticle | null {
  let raw;
  try {
    raw = readArticle(html, { maxElements: options.maxElements });
  } catch {
    // Readability throws past maxElemsToParse, and linkedom on some broken markup: no article then.
    return null;
  }
  if (raw === null) return null;
  const cleaned = sanitizeContent(raw.html, pageUrl);
  const text = capText(stripBidiControls(cleaned.text), options.maxTextChars);
  if (text.trim().length < options.minTextChars) return null;
  const links = new Set<string>();
  for (const href of cleaned.hrefs) {
    const canonical = canonicalizeUrl(href);
    if (canonical !== null && canonical.startsWith('http')) links.add(canonical);
  }
  return {
    title: oneLine(raw.title, MAX_TITLE_CHARS),
    byline: oneLine(raw.byline, MAX_BYLINE_CHARS),
    language: primaryLanguage(raw.lang),
    text,
    html: cleaned.html,
    links: [...links],
  };
}

/** Readability's strings are raw text from the page: markup-free already, but not one line nor short. */
function oneLine(value: string | null, maxChars: number): string | null {
  if (value === null) return null;
  const line = stripBidiControls(plainText(value)).replace(/\n/g, ' ').trim();
  return line === '' ? null : capText(line, maxChars);
}
