// The one escaping helper for XML output (feeds, OPML): text and attribute values go through
// `xmlText`, which also drops the characters XML 1.0 forbids, so a hostile title cannot break a feed.

import { replaceBySlices } from './slices.js';

// XML 1.0 §2.2 Char, minus the C1 controls (legal but "discouraged", and never meant as text).
const ILLEGAL_XML_CHARS = /[^\t\n\r\u0020-\u007E\u00A0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Removes control characters and lone surrogates, which no XML parser accepts. */
export function stripIllegalXmlChars(value: string): string {
  return value.replace(ILLEGAL_XML_CHARS, '');
}

/** Escapes a value for element text or a double-quoted attribute. `>` is escaped too, so `]]>` never appears. */
export function xmlText(value: string): string {
  return replaceBySlices(value, escapeXmlSlice);
}

function escapeXmlSlice(value: string): string {
  return stripIllegalXmlChars(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export type XmlAttributes = Readonly<Record<string, string | null | undefined>>;

/** `name="value"` pairs; null and undefined values are left out. */
export function xmlAttributes(attributes: XmlAttributes): string {
  let out = '';
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined) continue;
    out += ` ${name}="${xmlText(value)}"`;
  }
  return out;
}

/** One element with escaped text content, or self-closing when `text` is null. */
export function xmlElement(name: string, attributes: XmlAttributes, text: string | null): string {
  if (text === null) return `<${name}${xmlAttributes(attributes)}/>`;
  return `<${name}${xmlAttributes(attributes)}>${xmlText(text)}</${name}>`;
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>';
