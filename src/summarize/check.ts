// "Faithful or not shown" (issue 16): a model's answer made plain text (markup, Markdown and link
// targets dropped), split into title and résumé, and checked against the story's sources: in the
// site's language, within the word range, and every number, version, URL, e-mail address and
// capitalised name found in the sources or the glossary (accents and case folded).
import { htmlToText, stripBidiControls } from '../clean/text.js';
import { collapseSpaces } from '../clean/html-dom.js';
import type { ResumeSource } from '../domain/resume.js';
import { detectLanguage } from '../language/detect-language.js';
import type { GlossaryEntry } from '../translate/glossary.js';

export interface CheckOptions {
  readonly sources: readonly ResumeSource[];
  readonly glossary: readonly GlossaryEntry[];
  /** The site's language (primary subtag): the résumé must be in it. */
  readonly language: string;
  readonly minWords: number;
  readonly maxWords: number;
}

export interface CheckedResume {
  readonly title: string;
  readonly text: string;
  readonly words: number;
  /** Empty when the résumé may be shown; else what failed, in English, for the retry and the operator. */
  readonly reasons: readonly string[];
  /** What was dropped from the answer (markup, link targets): said, not a failure. */
  readonly dropped: readonly string[];
}

const MAX_TITLE_CHARS = 200;

/** The answer as plain text, its first non-empty line the title, the rest the résumé; then the checks. */
export function checkResume(answer: string, options: CheckOptions): CheckedResume {
  const dropped: string[] = [];
  const lines = toPlainLines(answer, dropped);
  const title = stripTitleLabel(lines[0] ?? '');
  const paragraphs = lines.slice(1);
  const text = paragraphs.join('\n');
  const reasons: string[] = [];
  if (title === '') reasons.push('no title line');
  else if (title.length > MAX_TITLE_CHARS) reasons.push(`the title is ${title.length} characters long (at most ${MAX_TITLE_CHARS})`);
  const words = countWords(text);
  if (words < options.minWords || words > options.maxWords) reasons.push(`the résumé has ${words} words (expected ${options.minWords} to ${options.maxWords})`);
  const languages = [...new Set([options.language, ...options.sources.flatMap((source) => (source.language === null ? [] : [primary(source.language)])), 'en'])];
  const detected = text === '' ? null : detectLanguage(`${title}\n${text}`, languages);
  if (text !== '' && detected?.language !== options.language) {
    reasons.push(`the résumé is not in ${options.language} (detected ${detected?.language ?? 'none'})`);
  }
  reasons.push(...unsupportedFacts(`${title}\n${text}`, options));
  return { title, text, words, reasons, dropped };
}

/** Words as the range counts them: runs of letters and digits, with inner apostrophes and hyphens. */
export function countWords(text: string): number {
  return text.match(WORD)?.length ?? 0;
}

const WORD = /[\p{L}\p{N}]+(?:['’\-‐][\p{L}\p{N}]+)*/gu;

function primary(tag: string): string {
  return tag.toLowerCase().split('-')[0] ?? tag;
}

/**
 * Plain lines: markup removed through veille's own text extraction (a <script> and its content go
 * with it), Markdown emphasis, headings, bullets and link targets dropped, bidi controls removed.
 */
function toPlainLines(answer: string, dropped: string[]): string[] {
  let text = answer.replace(/\r\n?/g, '\n');
  if (/<[a-z!/?]/i.test(text)) {
    dropped.push('markup');
    text = text
      .split(/\n{2,}/)
      .map((block) => htmlToText(block))
      .join('\n');
  } else if (text.includes('&')) {
    text = htmlToText(text);
  }
  const withoutTargets = withoutLinkTargets(text);
  if (withoutTargets !== text) dropped.push('link targets');
  return stripBidiControls(withoutTargets)
    .split('\n')
    .map((line) => collapseSpaces(line.replace(MARKDOWN_LINE_START, '').replace(MARKDOWN_EMPHASIS, '')))
    .filter((line) => line !== '' && !/^[-=_*]{3,}$/.test(line));
}

/**
 * [label](target) → label: the target is dropped, the links a reader sees are veille's own. A scan
 * by indexOf, each character read a bounded number of times (a pattern would retry every "[").
 */
function withoutLinkTargets(text: string): string {
  const out: string[] = [];
  let from = 0;
  let searchFrom = 0;
  for (;;) {
    const middle = text.indexOf('](', searchFrom);
    if (middle < 0) break;
    const open = text.lastIndexOf('[', middle);
    const close = text.indexOf(')', middle + 2);
    const lineEnd = text.indexOf('\n', middle);
    searchFrom = middle + 2;
    if (open < from || close < 0 || (lineEnd >= 0 && lineEnd < close) || text.slice(open, middle).includes('\n')) continue;
    out.push(text.slice(from, open), text.slice(open + 1, middle));
    from = close + 1;
    searchFrom = from;
  }
  out.push(text.slice(from));
  return out.join('');
}
const MARKDOWN_LINE_START = /^(?:#{1,6}\s+|>\s*|[-*+]\s+)/;
const MARKDOWN_EMPHASIS = /\*\*|__|`/g;

/** "Titre : X" or "Title: X" → "X". */
function stripTitleLabel(line: string): string {
  const match = /^(?:titre|title)\s*:\s*/i.exec(line);
  return (match ? line.slice(match[0].length) : line).trim();
}

/** Accents and case folded, typographic apostrophes plain. */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/[’‘]/g, "'").toLowerCase();
}

const NUMBER = /\p{N}+(?:[.,]\p{N}+)*/gu;
const URL = /https?:\/\/[^\s<>"'«»()[\]]+/giu;
/** A French elision before a name: l’, d’, qu’... */
const ELISIONS = new Set(['l', 'd', 'j', 'n', 's', 'c', 'm', 't', 'qu', 'jusqu', 'lorsqu', 'puisqu', 'quoiqu']);

/** What the résumé says that no source (nor the glossary) says: numbers, versions, URLs, e-mail addresses, names. */
function unsupportedFacts(resume: string, options: CheckOptions): string[] {
  const corpus = [
    ...options.sources.flatMap((source) => [source.sourceName, source.title, source.text, source.link ?? '']),
    ...options.glossary.flatMap((entry) => [entry.source, entry.target]),
  ].join('\n');
  const folded = fold(corpus);
  const numbers = new Set([...folded.matchAll(NUMBER)].map((match) => normalizeNumber(match[0])));
  const words = new Set<string>();
  for (const match of folded.matchAll(WORD)) {
    words.add(match[0]);
    for (const part of match[0].split(/['\-‐]/)) words.add(part);
  }
  const reasons: string[] = [];
  const seen = new Set<string>();
  const report = (kind: string, value: string): void => {
    const key = `${kind} ${value}`;
    if (seen.has(key)) return;
    seen.add(key);
    reasons.push(`${kind} not in the sources: ${value}`);
  };
  for (const match of resume.matchAll(URL)) {
    const url = trimEnd(match[0], (char) => '.,;:!?'.includes(char));
    if (!folded.includes(fold(url))) report('URL', url);
  }
  const withoutUrls = resume.replace(URL, ' ');
  for (const token of withoutUrls.split(/\s+/)) {
    if (!token.includes('@')) continue;
    const address = trimEnd(trimStart(token, isNotAlphanumeric), isNotAlphanumeric);
    if (address.includes('@') && !folded.includes(fold(address))) report('e-mail address', address);
  }
  for (const match of withoutUrls.matchAll(NUMBER)) {
    if (!numbers.has(normalizeNumber(match[0]))) report('number', match[0]);
  }
  const translated = bracketedTranslations(withoutUrls, squash(corpus));
  for (const match of withoutUrls.matchAll(WORD)) {
    const word = match[0];
    if (!/\p{Lu}/u.test(word) || /^\p{N}/u.test(word)) continue;
    const at = match.index;
    if (translated.some(([from, to]) => at >= from && at < to)) continue;
    const name = withoutElision(word);
    if (name === '' || !/\p{Lu}/u.test(name)) continue;
    // A plain capitalised word opening a sentence is any word; a name is still checked there
    // when it reads as one (capitals or digits after its first letter: AIhub, GPT-4).
    if (name === word && isSentenceStart(withoutUrls, at) && !/\p{Lu}|\p{N}/u.test(name.slice(1))) continue;
    const key = fold(name);
    if (words.has(key) || key.split(/['\-‐]/).every((part) => part === '' || words.has(part))) continue;
    report('name', name);
  }
  return reasons;
}

/** Folded letters and digits only: a quoted title matches whatever its spacing and punctuation ("FLUID : …" in French). */
function squash(text: string): string {
  return fold(text).replace(/[^\p{L}\p{N}]+/gu, '');
}

function isNotAlphanumeric(char: string): boolean {
  return !/[\p{L}\p{N}]/u.test(char);
}

function trimStart(text: string, drop: (char: string) => boolean): string {
  let start = 0;
  while (start < text.length && drop(text.charAt(start))) start += 1;
  return text.slice(start);
}

function trimEnd(text: string, drop: (char: string) => boolean): string {
  let end = text.length;
  while (end > 0 && drop(text.charAt(end - 1))) end -= 1;
  return text.slice(0, end);
}

function normalizeNumber(number: string): string {
  return number.replace(/,/g, '.');
}

function withoutElision(word: string): string {
  const cut = word.search(/['’]/);
  if (cut < 0) return word;
  return ELISIONS.has(fold(word.slice(0, cut))) ? word.slice(cut + 1) : word;
}

/** At the start of the text, of a line, or after a sentence's end, an opening quote or a colon. */
function isSentenceStart(text: string, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && (text[i] === ' ' || text[i] === '\u00a0' || text[i] === '\u202f' || text[i] === '«' || text[i] === '"' || text[i] === '“' || text[i] === '(')) i -= 1;
  if (i < 0) return true;
  return '.!?…:\n'.includes(text[i] as string);
}

/**
 * The spans of French translations, in brackets, of a source's quoted title:
 * « Open Source AI for Mainstream Use » (« L’IA open-source pour une utilisation grand public »).
 * Names in them need not be in the sources; numbers and URLs still do.
 */
function bracketedTranslations(text: string, squashedSources: string): [number, number][] {
  const spans: [number, number][] = [];
  let from = 0;
  for (;;) {
    const open = text.indexOf('(', from);
    if (open < 0) break;
    const close = text.indexOf(')', open);
    if (close < 0) break;
    from = close + 1;
    const inner = text.slice(open + 1, close).trim();
    if (!/^[«"“]/.test(inner)) continue;
    const before = text.slice(0, open).trimEnd();
    const end = before.charAt(before.length - 1);
    const opener = end === '»' ? '«' : end === '”' ? '“' : end === '"' ? '"' : null;
    if (opener === null) continue;
    const start = before.lastIndexOf(opener, before.length - 2);
    if (start < 0) continue;
    const quoted = squash(before.slice(start + 1, before.length - 1));
    if (quoted !== '' && squashedSources.includes(quoted)) spans.push([open, close + 1]);
  }
  return spans;
}
