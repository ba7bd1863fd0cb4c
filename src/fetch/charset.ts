// Turns a feed's bytes into text: finds the character encoding the way RFC 7303 §3 and the WHATWG
// Encoding standard do (BOM, then Content-Type charset, then XML prolog, then HTML meta, then UTF-8 / windows-1252).
import { isUtf8 } from 'node:buffer';

export interface DecodedText {
  readonly text: string;
  /** WHATWG name of the encoding used, e.g. "utf-8", "windows-1252", "utf-16le". */
  readonly charset: string;
}

/** How far into the document the prolog and `<meta charset>` are looked for (HTML's prescan uses 1024). */
const SNIFF_BYTES = 1024;

/**
 * A feed's bytes with the encoding found for them, decoded when the text is first read (issue 15):
 * a body the store has processed already is recognized by the hash of its bytes when they are the
 * UTF-8 of its text (app/skip-keys.ts), and never decoded.
 */
export interface FeedText extends DecodedText {
  /** The bytes whose UTF-8 decoding the text is, exactly (valid UTF-8, the BOM left out); null for any other body. */
  readonly utf8: Uint8Array | null;
}

export function decodeFeedBytes(bytes: Uint8Array, contentType: string | null): DecodedText {
  const { text, charset } = readFeedBytes(bytes, contentType);
  return { text, charset };
}

export function readFeedBytes(bytes: Uint8Array, contentType: string | null): FeedText {
  const { charset, payload } = chooseDecoding(bytes, contentType);
  // Valid UTF-8 decodes to the same text with or without `fatal` (no U+FFFD is put in), and
  // encodes back to the same bytes: the bytes stand for the text until it is read.
  if ((charset === 'utf-8' || charset === null) && isUtf8(payload)) return lazyUtf8Text(payload);
  if (charset === null) return { ...decodeWith('windows-1252', payload), utf8: null };
  return { ...decodeWith(charset, payload), utf8: null };
}

function lazyUtf8Text(payload: Uint8Array): FeedText {
  let text: string | null = null;
  return {
    charset: 'utf-8',
    utf8: payload,
    get text() {
      return (text ??= decodeUtf8(payload));
    },
  };
}

/**
 * The text of FeedText's utf8 bytes, as its `text` reads it: where the bytes go instead of the text
 * (a processing thread's job, app/process-feed.ts), they are decoded by this.
 */
export function decodeUtf8(bytes: Uint8Array): string {
  // ignoreBOM: the BOM was already removed; a second one inside the text is content.
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
}

/** The encoding of the bytes after the BOM, if any; null: none declared (UTF-8 when valid, else windows-1252). */
function chooseDecoding(bytes: Uint8Array, contentType: string | null): { readonly charset: string | null; readonly payload: Uint8Array } {
  // RFC 7303 §3.3 and WHATWG "decode": a byte order mark beats every declaration.
  const bom = detectBom(bytes);
  if (bom !== null) return { charset: bom.charset, payload: bytes.subarray(bom.length) };

  // RFC 7303 §3: the charset parameter of the media type is authoritative when present. A declared
  // UTF-8 with a stray bad byte keeps its real UTF-8 text (with U+FFFD) rather than turning every
  // accent into mojibake: only undeclared bytes get the windows-1252 fallback.
  const declared = resolveLabel(findContentTypeCharset(contentType));
  if (declared !== null) return { charset: declared, payload: bytes };

  const utf16 = detectUtf16WithoutBom(bytes);
  if (utf16 !== null) return { charset: utf16, payload: bytes };

  const head = readAsciiPrefix(bytes);
  // XML 1.0 §4.3.3: the encoding declaration of the prolog.
  const prolog = resolveAsciiCompatible(findXmlEncoding(head));
  if (prolog !== null) return { charset: prolog, payload: bytes };

  if (isHtml(contentType, head)) {
    const meta = resolveAsciiCompatible(findMetaCharset(head));
    if (meta !== null) return { charset: meta, payload: bytes };
  }

  // No usable declaration: UTF-8 if the bytes are valid UTF-8, else the web's legacy default.
  return { charset: null, payload: bytes };
}

function detectBom(bytes: Uint8Array): { charset: string; length: number } | null {
  const [b0, b1, b2] = bytes;
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return { charset: 'utf-8', length: 3 };
  if (b0 === 0xfe && b1 === 0xff) return { charset: 'utf-16be', length: 2 };
  if (b0 === 0xff && b1 === 0xfe) return { charset: 'utf-16le', length: 2 };
  return null;
}

/** XML 1.0 Appendix F: `<?` encoded in UTF-16 without a BOM. */
function detectUtf16WithoutBom(bytes: Uint8Array): string | null {
  const [b0, b1, b2, b3] = bytes;
  if (b0 === 0x3c && b1 === 0x00 && b2 === 0x3f && b3 === 0x00) return 'utf-16le';
  if (b0 === 0x00 && b1 === 0x3c && b2 === 0x00 && b3 === 0x3f) return 'utf-16be';
  return null;
}

function findContentTypeCharset(contentType: string | null): string | null {
  if (contentType === null) return null;
  const match = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(contentType);
  return match?.[1] ?? match?.[2] ?? null;
}

function readAsciiPrefix(bytes: Uint8Array): string {
  // latin1 maps every byte to one code unit, so ASCII declarations read right whatever follows.
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, SNIFF_BYTES)).toString('latin1');
}

function findXmlEncoding(head: string): string | null {
  const match = /^\s*<\?xml\s[^>]*?\bencoding\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(head);
  return match?.[1] ?? match?.[2] ?? null;
}

function isHtml(contentType: string | null, head: string): boolean {
  if (contentType !== null && /html/i.test(contentType)) return true;
  if (/^\s*<\?xml\b/.test(head)) return false;
  // Comments skipped with indexOf: `^\s*(?:<!--[\s\S]*?-->\s*)*<html` tried every way of grouping
  // them, so 40 empty comments (280 bytes) took minutes. A comment ends at its first "-->".
  let at = skipSpaces(head, 0);
  while (head.startsWith('<!--', at)) {
    const end = head.indexOf('-->', at + 4);
    if (end < 0) return false;
    at = skipSpaces(head, end + 3);
  }
  return /^<(?:!doctype\s+html\b|html\b)/i.test(head.slice(at));
}

function skipSpaces(text: string, from: number): number {
  let at = from;
  while (at < text.length && /\s/.test(text.charAt(at))) at += 1;
  return at;
}

function findMetaCharset(head: string): string | null {
  for (const tag of metaTags(head)) {
    const direct = /\bcharset\s*=\s*(?:["']\s*)?([^"'\s;/>]+)/i.exec(tag);
    if (direct?.[1] !== undefined) return direct[1];
  }
  return null;
}

/**
 * Each `<meta` to the next '>' (what `/<meta\b[^>]*>/g` finds), with indexOf: that pattern read to
 * the end again from every `<meta` when none is closed.
 */
function metaTags(head: string): string[] {
  const tags: string[] = [];
  META_START.lastIndex = 0;
  for (let start = META_START.exec(head); start !== null; start = META_START.exec(head)) {
    const end = head.indexOf('>', start.index);
    if (end < 0) break;
    tags.push(head.slice(start.index, end + 1));
    META_START.lastIndex = end + 1;
  }
  return tags;
}

const META_START = /<meta\b/gi;

/** WHATWG name for a label, or null when the label is unknown (never throws). */
function resolveLabel(label: string | null): string | null {
  if (label === null || label.trim() === '') return null;
  try {
    // The built-in TextDecoder follows WHATWG labels: "iso-8859-1", "latin1", "us-ascii" → windows-1252.
    return new TextDecoder(label.trim()).encoding;
  } catch {
    return null;
  }
}

/**
 * A declaration read from ASCII bytes cannot truly be UTF-16 (WHATWG treats such a meta as UTF-8),
 * so UTF-16 labels found in the prolog or a meta tag mean UTF-8.
 */
function resolveAsciiCompatible(label: string | null): string | null {
  const charset = resolveLabel(label);
  return charset === 'utf-16le' || charset === 'utf-16be' ? 'utf-8' : charset;
}

function decodeWith(charset: string, bytes: Uint8Array): DecodedText {
  if (charset === 'windows-1252') return { text: decodeWindows1252(bytes), charset };
  // ignoreBOM: the BOM was already removed; a second one inside the text is content.
  const decoder = new TextDecoder(charset, { ignoreBOM: true });
  return { text: decoder.decode(bytes), charset: decoder.encoding };
}

/**
 * WHATWG index-windows-1252 for 0x80–0x9F; every other byte is its own code point. Node's TextDecoder
 * decodes windows-1252 as plain Latin-1 since 20.18.3 / 22.13.0 (0x92 → U+0092 instead of ’), see
 * https://github.com/nodejs/node/issues/60888 and https://github.com/nodejs/node/issues/56542.
 */
const WINDOWS_1252_C1 = [
  0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
  0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
];

function decodeWindows1252(bytes: Uint8Array): string {
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return latin1.replace(/[\x80-\x9f]/g, (char) => String.fromCharCode(WINDOWS_1252_C1[char.charCodeAt(0) - 0x80] ?? char.charCodeAt(0)));
}
