// Test helpers: a strict well-formedness check (fast-xml-parser's validator plus the XML 1.0
// character rules it does not enforce) and a parser to read published XML back.

import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { expect } from 'vitest';

// XML 1.0 §2.2: anything outside Char is fatal for a conforming parser (feedparser, newsboat).
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

export function expectWellFormedXml(text: string): void {
  expect(XMLValidator.validate(text)).toBe(true);
  expect(NOT_XML_CHAR.test(text)).toBe(false);
  // Character references must name legal characters too.
  for (const match of text.matchAll(/&#(x[0-9a-f]+|[0-9]+);/gi)) {
    const ref = match[1] ?? '';
    const code = ref.startsWith('x') || ref.startsWith('X') ? parseInt(ref.slice(1), 16) : parseInt(ref, 10);
    expect(NOT_XML_CHAR.test(String.fromCodePoint(code))).toBe(false);
  }
  // `]]>` may not appear in character data (XML 1.0 §2.4); we never write CDATA sections.
  expect(text.includes(']]>')).toBe(false);
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  isArray: (name) => ['item', 'entry', 'category', 'link', 'outline'].includes(name),
});

/** The parsed document as nested plain objects (attributes prefixed with `@`, text in `#text`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function parseXml(text: string): any {
  return parser.parse(text);
}
