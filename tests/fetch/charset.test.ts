// decodeFeedBytes: which encoding wins, RFC 7303 §3 and the WHATWG Encoding standard; readFeedBytes:
// when the bytes stand for the text (issue 15).

import { describe, expect, it } from 'vitest';
import { decodeFeedBytes, readFeedBytes } from '../../src/fetch/charset.js';

const encodeLatin1 = (text: string): number[] => [...Buffer.from(text, 'latin1')];
const concatBytes = (...parts: Array<string | number[]>): Uint8Array =>
  Uint8Array.from(parts.flatMap((part) => (typeof part === 'string' ? [...Buffer.from(part, 'utf8')] : part)));
const encodeUtf16le = (text: string): number[] => [...Buffer.from(text, 'utf16le')];
const encodeUtf16be = (text: string): number[] => {
  const le = Buffer.from(text, 'utf16le');
  return [...le.swap16()];
};

// "l’IA et le cœur" in windows-1252: ’ is 0x92 and œ is 0x9C, undefined in ISO-8859-1 proper.
const CP1252_TITLE = [...encodeLatin1('l'), 0x92, ...encodeLatin1('IA et le c'), 0x9c, ...encodeLatin1('ur')];
const PROLOG_LATIN1 = '<?xml version="1.0" encoding="ISO-8859-1"?>';

describe('decodeFeedBytes', () => {
  it.each([
    // RFC 7303 §3.3 / WHATWG decode: the BOM beats every declaration, and is stripped.
    { name: 'UTF-8 with BOM', bytes: concatBytes([0xef, 0xbb, 0xbf], '<rss>é</rss>'), type: null, text: '<rss>é</rss>', charset: 'utf-8' },
    { name: 'UTF-8 BOM beats a windows-1252 header', bytes: concatBytes([0xef, 0xbb, 0xbf], '<rss>é</rss>'), type: 'text/xml; charset=windows-1252', text: '<rss>é</rss>', charset: 'utf-8' },
    { name: 'UTF-16LE BOM', bytes: concatBytes([0xff, 0xfe], encodeUtf16le('<rss>cœur</rss>')), type: 'application/rss+xml', text: '<rss>cœur</rss>', charset: 'utf-16le' },
    { name: 'UTF-16BE BOM', bytes: concatBytes([0xfe, 0xff], encodeUtf16be('<rss>cœur</rss>')), type: null, text: '<rss>cœur</rss>', charset: 'utf-16be' },
    { name: 'UTF-16LE without BOM (XML 1.0 Appendix F)', bytes: concatBytes(encodeUtf16le('<?xml version="1.0"?><rss/>')), type: null, text: '<?xml version="1.0"?><rss/>', charset: 'utf-16le' },
    // RFC 7303 §3: the charset parameter; WHATWG maps iso-8859-1 to windows-1252.
    { name: 'ISO-8859-1 header with windows-1252 bytes', bytes: concatBytes(CP1252_TITLE), type: 'application/rss+xml; charset=ISO-8859-1', text: 'l’IA et le cœur', charset: 'windows-1252' },
    { name: 'quoted "latin1" label', bytes: concatBytes(CP1252_TITLE), type: 'text/xml; charset="latin1"', text: 'l’IA et le cœur', charset: 'windows-1252' },
    { name: 'us-ascii label', bytes: concatBytes([0x80, ...encodeLatin1(' 5')]), type: 'text/xml; charset=us-ascii', text: '€ 5', charset: 'windows-1252' },
    { name: 'header overrides the prolog', bytes: concatBytes(PROLOG_LATIN1, '<t>é</t>'), type: 'application/xml; charset=utf-8', text: `${PROLOG_LATIN1}<t>é</t>`, charset: 'utf-8' },
    // XML 1.0 §4.3.3: the prolog's encoding declaration when the header says nothing.
    { name: 'prolog encoding with no header', bytes: concatBytes(encodeLatin1(PROLOG_LATIN1), [...encodeLatin1('<t>'), 0xe9, 0x92, ...encodeLatin1('</t>')]), type: null, text: `${PROLOG_LATIN1}<t>é’</t>`, charset: 'windows-1252' },
    { name: 'prolog encoding when the header has no charset', bytes: concatBytes(`<?xml version='1.0' encoding='windows-1250'?>`, [0x9c]), type: 'application/rss+xml', text: `<?xml version='1.0' encoding='windows-1250'?>ś`, charset: 'windows-1250' },
    { name: 'prolog claiming UTF-16 in ASCII bytes means UTF-8', bytes: concatBytes('<?xml version="1.0" encoding="UTF-16"?><t>é</t>'), type: null, text: '<?xml version="1.0" encoding="UTF-16"?><t>é</t>', charset: 'utf-8' },
    // Unknown labels are ignored, never thrown: the next rule decides.
    { name: 'bogus header label falls back to UTF-8', bytes: concatBytes('<t>é</t>'), type: 'text/xml; charset=klingon-8', text: '<t>é</t>', charset: 'utf-8' },
    { name: 'bogus header label falls back to the prolog', bytes: concatBytes(encodeLatin1(PROLOG_LATIN1), [0xe9]), type: 'text/xml; charset=utf-9', text: `${PROLOG_LATIN1}é`, charset: 'windows-1252' },
    { name: 'bogus prolog label, invalid UTF-8 → windows-1252', bytes: concatBytes('<?xml version="1.0" encoding="nope"?>', [0x92]), type: null, text: '<?xml version="1.0" encoding="nope"?>’', charset: 'windows-1252' },
    // HTML pages: <meta charset> when nothing else said.
    { name: 'HTML meta charset', bytes: concatBytes('<!doctype html><html><head><meta charset="windows-1252">', [0x93, ...encodeLatin1('ok'), 0x94]), type: 'text/html', text: '<!doctype html><html><head><meta charset="windows-1252">“ok”', charset: 'windows-1252' },
    { name: 'HTML http-equiv charset', bytes: concatBytes('<html><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">', [0xe9]), type: null, text: '<html><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">é', charset: 'windows-1252' },
    { name: 'comments before <html> are skipped', bytes: concatBytes('<!-- a --> <!--b-->\n<html><meta charset=koi8-r>', [0xc1]), type: null, text: '<!-- a --> <!--b-->\n<html><meta charset=koi8-r>а', charset: 'koi8-r' },
    // Issue 13: `^\s*(?:<!--[\s\S]*?-->\s*)*<html` tried every grouping of the comments (30 took 30 s).
    { name: 'a hundred comments before <html> are skipped in one pass', bytes: concatBytes(`${'<!---->'.repeat(100)}<html><meta charset=koi8-r>`, [0xc1]), type: null, text: `${'<!---->'.repeat(100)}<html><meta charset=koi8-r>а`, charset: 'koi8-r' },
    { name: 'a hundred comments before something else: not HTML', bytes: concatBytes(`${'<!---->'.repeat(100)}<rss>`, [0xc1]), type: null, text: `${'<!---->'.repeat(100)}<rss>\u00c1`, charset: 'windows-1252' },
    { name: 'an unclosed comment: not HTML', bytes: concatBytes('<!-- <html><meta charset=koi8-r>', [0xc1]), type: null, text: '<!-- <html><meta charset=koi8-r>\u00c1', charset: 'windows-1252' },
    { name: 'quoted meta charset with spaces', bytes: concatBytes('<html><meta charset=" koi8-r ">', [0xc1]), type: null, text: '<html><meta charset=" koi8-r ">а', charset: 'koi8-r' },
    { name: 'a meta tag runs to the next ">"', bytes: concatBytes('<html><meta charset=koi8-r <meta name=x>', [0xc1]), type: null, text: '<html><meta charset=koi8-r <meta name=x>а', charset: 'koi8-r' },
    { name: 'a meta tag never closed is no declaration', bytes: concatBytes('<html><meta name=x><meta charset=koi8-r', [0xc1]), type: null, text: '<html><meta name=x><meta charset=koi8-r\u00c1', charset: 'windows-1252' },
    { name: 'a meta tag inside a feed is not a declaration', bytes: concatBytes('<rss><![CDATA[<meta charset="windows-1252">]]>é</rss>'), type: 'application/rss+xml', text: '<rss><![CDATA[<meta charset="windows-1252">]]>é</rss>', charset: 'utf-8' },
    // No declaration at all: UTF-8 when valid, else windows-1252.
    { name: 'valid UTF-8 with no declaration', bytes: concatBytes('<t>Apprentissage fédéré</t>'), type: null, text: '<t>Apprentissage fédéré</t>', charset: 'utf-8' },
    { name: 'invalid UTF-8 with no declaration → windows-1252', bytes: concatBytes(CP1252_TITLE), type: null, text: 'l’IA et le cœur', charset: 'windows-1252' },
    { name: 'declared UTF-8 stays UTF-8 despite a stray byte', bytes: concatBytes('fédéré', [0x92]), type: 'text/xml; charset=utf-8', text: 'fédéré\uFFFD', charset: 'utf-8' },
    { name: 'empty body', bytes: new Uint8Array(0), type: null, text: '', charset: 'utf-8' },
  ])('$name', ({ bytes, type, text, charset }) => {
    expect(decodeFeedBytes(bytes, type)).toEqual({ text, charset });
  });

  it('maps all 32 bytes 0x80–0x9F the WHATWG way', () => {
    const bytes = Uint8Array.from({ length: 32 }, (_, index) => 0x80 + index);
    const { text } = decodeFeedBytes(bytes, 'text/plain; charset=windows-1252');
    expect(text).toBe('€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ');
  });
});

describe('readFeedBytes: the bytes stand for the text, undecoded, when it is their exact UTF-8 (issue 15)', () => {
  it.each([
    { name: 'UTF-8 with BOM: the bytes after it', bytes: concatBytes([0xef, 0xbb, 0xbf], '<rss>é</rss>'), type: null, utf8: '<rss>é</rss>' },
    { name: 'declared UTF-8', bytes: concatBytes('<t>fédéré</t>'), type: 'text/xml; charset=UTF-8', utf8: '<t>fédéré</t>' },
    { name: 'valid UTF-8 with no declaration', bytes: concatBytes('<t>Apprentissage fédéré</t>'), type: null, utf8: '<t>Apprentissage fédéré</t>' },
    { name: 'prolog claiming UTF-16 in ASCII bytes means UTF-8', bytes: concatBytes('<?xml version="1.0" encoding="UTF-16"?><t>é</t>'), type: null, utf8: '<?xml version="1.0" encoding="UTF-16"?><t>é</t>' },
    { name: 'a BOM inside the text is content', bytes: concatBytes('<t>', [0xef, 0xbb, 0xbf], 'x</t>'), type: 'text/xml; charset=utf-8', utf8: '<t>\ufeffx</t>' },
    { name: 'empty body', bytes: new Uint8Array(0), type: null, utf8: '' },
    // Text that is not the bytes' UTF-8: decoded at once, as before.
    { name: 'declared UTF-8 with a stray byte (U+FFFD put in)', bytes: concatBytes('fédéré', [0x92]), type: 'text/xml; charset=utf-8', utf8: null },
    { name: 'invalid UTF-8 with no declaration (windows-1252)', bytes: concatBytes(CP1252_TITLE), type: null, utf8: null },
    { name: 'ASCII bytes declared windows-1252', bytes: concatBytes('<t>ok</t>'), type: 'text/xml; charset=windows-1252', utf8: null },
    { name: 'UTF-16LE BOM', bytes: concatBytes([0xff, 0xfe], encodeUtf16le('<rss>cœur</rss>')), type: null, utf8: null },
  ])('$name', ({ bytes, type, utf8 }) => {
    const read = readFeedBytes(bytes, type);
    expect(read.utf8 === null ? null : Buffer.from(read.utf8).toString('utf8')).toBe(utf8);
    expect({ text: read.text, charset: read.charset }).toEqual(decodeFeedBytes(bytes, type));
    if (read.utf8 !== null) expect(Buffer.from(read.text, 'utf8').equals(read.utf8)).toBe(true);
  });
});
