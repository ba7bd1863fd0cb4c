// A fast reader for the feeds that are plainly well-formed (almost all of them): tags, attributes,
// text, CDATA, comments and processing instructions found with indexOf, in one pass. It gives the
// events sax gives for such a document and stops at the first thing it is not sure sax would read
// the same way (a name outside ASCII, an entity other than the five and numeric ones, a mismatched
// end tag, a declaration, a malformed comment…): the caller then parses the document again with
// sax, which reads it or reports the error rss-parser reported. Linear: each character is looked
// at a bounded number of times, and the first doubt ends the scan.

export interface ScanSink {
  /** Whether the element `open(name)` would begin is read: when not, its attributes are checked, not kept. */
  keeps(name: string): boolean;
  /** Whether text here is read: when not, it is checked, not copied. */
  readsText(): boolean;
  open(name: string, attributes: Readonly<Record<string, string>>): void;
  close(): void;
  text(text: string): void;
  cdata(text: string): void;
}

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const EQUALS = 0x3d;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;

/**
 * Sends `xml`'s events to `sink` up to the root element's end tag (what follows is not read, as
 * rss-parser did not). True when the root was read to its end; false at the first doubt, with the
 * sink left partly fed (the caller throws it away).
 */
export function scanWellFormed(xml: string, sink: ScanSink): boolean {
  const open: string[] = [];
  const length = xml.length;
  const references = new ReferenceCursor(xml);
  let i = 0;
  while (i < length) {
    const lt = xml.indexOf('<', i);
    const textEnd = lt < 0 ? length : lt;
    if (textEnd > i) {
      if (open.length === 0) {
        if (!isBlank(xml, i, textEnd)) return false; // sax: "Non-whitespace before first tag."
      } else if (sink.readsText()) {
        const text = references.within(i, textEnd) ? decode(xml, i, textEnd) : xml.slice(i, textEnd);
        if (text === null) return false;
        sink.text(text);
      } else if (references.within(i, textEnd) && decode(xml, i, textEnd) === null) {
        return false;
      }
    }
    if (lt < 0) return false; // the root never ended, or never began
    const next = xml.charCodeAt(lt + 1);
    if (next === BANG) {
      if (xml.startsWith('<!--', lt)) {
        const end = xml.indexOf('-->', lt + 4);
        // sax refuses "--" inside a comment, and "--->" ends one with a malformed "--".
        if (end < 0 || xml.indexOf('--', lt + 4) !== end) return false;
        i = end + 3;
      } else if (xml.startsWith('<![CDATA[', lt) && open.length > 0) {
        const end = xml.indexOf(']]>', lt + 9);
        if (end < 0) return false;
        if (end > lt + 9 && sink.readsText()) sink.cdata(xml.slice(lt + 9, end)); // sax reports no empty section
        i = end + 3;
      } else {
        return false; // a DOCTYPE or other declaration: sax's business
      }
    } else if (next === QUESTION) {
      const end = xml.indexOf('?>', lt + 2);
      if (end < 0) return false;
      i = end + 2;
    } else if (next === SLASH) {
      const nameEnd = nameEndAt(xml, lt + 2);
      if (nameEnd === lt + 2) return false;
      const gt = skipBlanks(xml, nameEnd);
      const top = open.pop();
      if (xml.charCodeAt(gt) !== GT || top === undefined || top.length !== nameEnd - lt - 2 || !xml.startsWith(top, lt + 2)) return false;
      sink.close();
      if (open.length === 0) return true;
      i = gt + 1;
    } else {
      const nameEnd = nameEndAt(xml, lt + 1);
      if (nameEnd === lt + 1) return false;
      const name = xml.slice(lt + 1, nameEnd);
      const end = readStartTag(xml, name, nameEnd, sink, references);
      if (end < 0) return false;
      if (xml.charCodeAt(end - 2) === SLASH) {
        sink.close();
        if (open.length === 0) return true;
      } else {
        open.push(name);
      }
      i = end;
    }
  }
  return false;
}

/** Reads the attributes of the start tag `name` ending at `nameEnd` and sends it; the index after its '>', or -1 at a doubt. */
function readStartTag(xml: string, name: string, nameEnd: number, sink: ScanSink, references: ReferenceCursor): number {
  const keeps = sink.keeps(name);
  const attributes: Record<string, string> = keeps ? (Object.create(null) as Record<string, string>) : NO_ATTRIBUTES;
  let k = nameEnd;
  for (;;) {
    const afterBlanks = skipBlanks(xml, k);
    const c = xml.charCodeAt(afterBlanks);
    if (c === GT || (c === SLASH && xml.charCodeAt(afterBlanks + 1) === GT)) {
      sink.open(name, attributes);
      return afterBlanks + (c === GT ? 1 : 2);
    }
    if (afterBlanks === k) return -1; // sax: no whitespace between attributes, or a bad character
    const attributeEnd = nameEndAt(xml, afterBlanks);
    if (attributeEnd === afterBlanks) return -1;
    const equals = skipBlanks(xml, attributeEnd);
    if (xml.charCodeAt(equals) !== EQUALS) return -1;
    const quote = skipBlanks(xml, equals + 1);
    const q = xml.charCodeAt(quote);
    if (q !== DOUBLE_QUOTE && q !== SINGLE_QUOTE) return -1;
    const close = xml.indexOf(q === DOUBLE_QUOTE ? '"' : "'", quote + 1);
    if (close < 0) return -1;
    k = close + 1;
    const hasReference = references.within(quote + 1, close);
    if (!keeps) {
      if (hasReference && decode(xml, quote + 1, close) === null) return -1;
      continue;
    }
    const value = hasReference ? decode(xml, quote + 1, close) : xml.slice(quote + 1, close);
    const attribute = xml.slice(afterBlanks, attributeEnd);
    if (value === null || attribute === '__proto__') return -1;
    if (!Object.hasOwn(attributes, attribute)) attributes[attribute] = value; // sax keeps the first of two
  }
}

const NO_ATTRIBUTES: Record<string, string> = Object.freeze(Object.create(null) as Record<string, string>);

/**
 * Whether a range holds an '&', for ranges asked in document order: the next '&' is found once
 * and moved past only when a range starts beyond it, so the whole document is searched once.
 */
class ReferenceCursor {
  private next: number;

  constructor(private readonly xml: string) {
    this.next = xml.indexOf('&');
  }

  within(from: number, to: number): boolean {
    if (this.next >= 0 && this.next < from) this.next = this.xml.indexOf('&', from);
    return this.next >= 0 && this.next < to;
  }
}

/** The end of an XML name starting at `from` (ASCII only: sax's classes beyond are left to sax). */
function nameEndAt(xml: string, from: number): number {
  let i = from;
  const first = xml.charCodeAt(i);
  if (!isNameStart(first)) return from;
  i += 1;
  for (;;) {
    const c = xml.charCodeAt(i);
    if (isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e) i += 1;
    else return i;
  }
}

function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a;
}

/** sax's whitespace: space, tab, LF, CR. */
function isBlankCode(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

function skipBlanks(xml: string, from: number): number {
  let i = from;
  while (isBlankCode(xml.charCodeAt(i))) i += 1;
  return i;
}

function isBlank(xml: string, from: number, to: number): boolean {
  for (let i = from; i < to; i += 1) if (!isBlankCode(xml.charCodeAt(i))) return false;
  return true;
}

const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Text or an attribute value with its references replaced; null at one sax might read otherwise. */
function decode(xml: string, from: number, to: number): string | null {
  const raw = xml.slice(from, to);
  let amp = raw.indexOf('&');
  if (amp < 0) return raw;
  let out = '';
  let copied = 0;
  while (amp >= 0) {
    const semicolon = raw.indexOf(';', amp + 1);
    if (semicolon < 0 || semicolon - amp > 12) return null;
    const character = referenced(raw.slice(amp + 1, semicolon));
    if (character === null) return null;
    out += raw.slice(copied, amp) + character;
    copied = semicolon + 1;
    amp = raw.indexOf('&', copied);
  }
  return out + raw.slice(copied);
}

/** The five XML entities and numeric references to a character other than NUL, as sax decodes them. */
function referenced(entity: string): string | null {
  if (Object.hasOwn(NAMED, entity)) return NAMED[entity] ?? null;
  const hex = entity.startsWith('#x') || entity.startsWith('#X');
  const digits = entity.slice(hex ? 2 : 1);
  if (!entity.startsWith('#') || !(hex ? /^[0-9a-fA-F]{1,8}$/ : /^[0-9]{1,8}$/).test(digits)) return null;
  const code = Number.parseInt(digits, hex ? 16 : 10);
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : null;
}
