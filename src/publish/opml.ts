// OPML 2.0 import and export of the sources list (http://opml.org/spec2.opml).
// Parsing is tolerant of real readers' exports; DTD entities are never expanded.

import type { XMLParser } from 'fast-xml-parser';
import { VeilleError } from '../domain/errors.js';
import { lazyPackage } from '../system/lazy-package.js';
import { webUrlOrNull } from '../domain/web-url.js';
import { replaceBySlices } from './slices.js';
import { XML_DECLARATION, xmlElement } from './xml.js';

export interface OpmlSource {
  url: string;
  name: string | null;
  lang: string | null;
  siteUrl: string | null;
  category: string | null;
}

// ---- export ----------------------------------------------------------------------------------

function feedOutline(source: OpmlSource): string {
  // OPML 2.0 requires `text`; a source without a name shows its URL (and reads back as unnamed).
  return xmlElement(
    'outline',
    {
      type: 'rss',
      text: source.name ?? source.url,
      title: source.name,
      xmlUrl: source.url,
      htmlUrl: webUrlOrNull(source.siteUrl), // from the feed's own <link>: web URLs only
      language: source.lang,
    },
    null,
  );
}

/**
 * OPML 2.0 with one folder per category. Consecutive sources of a category share a folder and
 * the order is kept as given, so `parseOpml(renderOpml(x))` gives `x` back.
 */
export function renderOpml(title: string, sources: readonly OpmlSource[], now: Date): string {
  const lines = [
    XML_DECLARATION,
    '<opml version="2.0">',
    '  <head>',
    `    ${xmlElement('title', {}, title)}`,
    `    ${xmlElement('dateCreated', {}, now.toUTCString())}`,
    // OPML 2.0 §<head>: <docs> is "the http address of documentation for the format used in the OPML file"; the
    // spec's own address is right, though the W3C Feed Validator flags it (issue 18): kept.
    `    ${xmlElement('docs', {}, 'http://opml.org/spec2.opml')}`,
    '  </head>',
    '  <body>',
  ];
  let index = 0;
  while (index < sources.length) {
    const category = sources[index]?.category ?? null;
    const run: OpmlSource[] = [];
    while (index < sources.length && (sources[index]?.category ?? null) === category) {
      run.push(sources[index] as OpmlSource);
      index += 1;
    }
    if (category === null) {
      for (const source of run) lines.push(`    ${feedOutline(source)}`); // no push(...run): 400,000 arguments overflow
    } else {
      lines.push(`    ${xmlElement('outline', { text: category, title: category }, null).replace('/>', '>')}`);
      for (const source of run) lines.push(`      ${feedOutline(source)}`);
      lines.push('    </outline>');
    }
  }
  lines.push('  </body>', '</opml>', '');
  return lines.join('\n');
}

// ---- import ----------------------------------------------------------------------------------

interface XmlNode {
  [key: string]: unknown;
}

/**
 * fast-xml-parser is loaded and its parser made on the first OPML read: a cycle whose sources are
 * listed in the config reads none (issue 15: about 30 modules of a one-shot run).
 */
const fastXmlParser = lazyPackage<{ XMLParser: typeof XMLParser }>('fast-xml-parser');
let loadedParser: XMLParser | null = null;
function opmlParser(): XMLParser {
  return (loadedParser ??= new (fastXmlParser().XMLParser)(PARSER_OPTIONS));
}

const PARSER_OPTIONS: ConstructorParameters<typeof XMLParser>[0] = {
  ignoreAttributes: false,
  attributeNamePrefix: '',
  // No entity processing at all (no DTD expansion, no billion laughs): `decodeXml` below
  // decodes the five predefined entities and character references, nothing else.
  processEntities: false,
  htmlEntities: false,
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => name === 'outline' || name === 'body' || name === 'opml',
};

const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeXml(value: string): string {
  return replaceBySlices(value, decodeReferences, '&');
}

function decodeReferences(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (match, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : match;
    }
    return PREDEFINED[ref] ?? match;
  });
}

function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An attribute, decoded and trimmed; empty means absent. */
function attribute(node: XmlNode, name: string): string | null {
  const value = node[name];
  if (typeof value !== 'string') return null;
  const decoded = decodeXml(value).trim();
  return decoded === '' ? null : decoded;
}

function children(node: XmlNode, name: string): XmlNode[] {
  const value = node[name];
  return Array.isArray(value) ? value.filter(isNode) : [];
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** The first path of an OPML 2.0 `category` attribute ("/Tech/AI,/News" -> "Tech/AI"). */
function categoryAttribute(node: XmlNode): string | null {
  const first = attribute(node, 'category')?.split(',')[0]?.trim().replace(/^\/+/, '');
  return first === undefined || first === '' ? null : first;
}

function collect(file: string, outlines: readonly XmlNode[], folders: readonly string[], out: OpmlSource[]): void {
  for (const outline of outlines) {
    // `text` is what OPML 2.0 requires and readers display; `title` is the usual fallback.
    const label = attribute(outline, 'text') ?? attribute(outline, 'title');
    const url = attribute(outline, 'xmlUrl') ?? attribute(outline, 'xmlurl');
    const type = attribute(outline, 'type')?.toLowerCase() ?? null;
    const nested = children(outline, 'outline');
    if (url === null) {
      if (type === 'rss' || type === 'atom') {
        throw new VeilleError('OPML_INVALID', `${file}: feed outline "${label ?? '(no title)'}" has no xmlUrl`);
      }
      collect(file, nested, label === null ? folders : [...folders, label], out);
      continue;
    }
    if (!isHttpUrl(url)) {
      throw new VeilleError('OPML_INVALID', `${file}: outline "${label ?? url}": xmlUrl "${url}" is not an http(s) URL`);
    }
    const language = attribute(outline, 'language');
    out.push({
      url,
      name: label === url ? null : label,
      lang: language === null || language.toLowerCase() === 'unknown' ? null : language,
      siteUrl: attribute(outline, 'htmlUrl') ?? attribute(outline, 'htmlurl'),
      category: folders.length > 0 ? folders.join('/') : categoryAttribute(outline),
    });
  }
}

/** The feeds of an OPML file (1.0 or 2.0); folders become the category ("Parent/Child" when nested). */
export function parseOpml(text: string, file: string): OpmlSource[] {
  let document: unknown;
  try {
    document = opmlParser().parse(text);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new VeilleError('OPML_INVALID', `${file}: not well-formed XML: ${reason}`, { cause });
  }
  const opml = isNode(document) ? children(document, 'opml')[0] : undefined;
  if (opml === undefined) {
    throw new VeilleError('OPML_INVALID', `${file}: not an OPML file (no <opml> element)`);
  }
  const bodies = opml['body'];
  if (!Array.isArray(bodies) || bodies.length === 0) {
    throw new VeilleError('OPML_INVALID', `${file}: no <body> element`);
  }
  // An empty <body> parses as text, not as an element.
  const body: unknown = bodies[0];
  const sources: OpmlSource[] = [];
  if (isNode(body)) collect(file, children(body, 'outline'), [], sources);
  return sources;
}
