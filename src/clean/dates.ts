// Feed dates to UTC: RFC 822/2822 (and the malformed variants feeds publish, French names included),
// ISO 8601 / RFC 3339 and W3CDTF partial dates. Never uses Date.parse, whose guesses depend on the host.

/** RFC 822 §5.1 zones plus the common "UTC"; values are offsets in minutes east of UTC. */
const ZONES: Readonly<Record<string, number>> = {
  CDT: -5 * 60,
  CEST: 2 * 60,
  CET: 60,
  CST: -6 * 60,
  EDT: -4 * 60,
  EST: -5 * 60,
  GMT: 0,
  MDT: -6 * 60,
  MST: -7 * 60,
  PDT: -7 * 60,
  PST: -8 * 60,
  UT: 0,
  UTC: 0,
  Z: 0,
};

/** Month names and abbreviations, English and French, lowercase, accents removed. Sorted by month. */
const MONTHS: Readonly<Record<string, number>> = {
  jan: 1, january: 1, janv: 1, janvier: 1,
  feb: 2, february: 2, fev: 2, fevr: 2, fevrier: 2,
  mar: 3, march: 3, mars: 3,
  apr: 4, april: 4, avr: 4, avril: 4,
  may: 5, mai: 5,
  jun: 6, june: 6, juin: 6,
  jul: 7, july: 7, juil: 7, juillet: 7,
  aug: 8, august: 8, aou: 8, aout: 8,
  sep: 9, sept: 9, september: 9, septembre: 9,
  oct: 10, october: 10, octobre: 10,
  nov: 11, november: 11, novembre: 11,
  dec: 12, december: 12, decembre: 12,
};

const RFC822 =
  /^(?:[a-z]+\.?,?\s*)?(\d{1,2})(?:er)?[\s-]+([a-z]+)\.?[\s-]+(\d{4}|\d{2})(?:[\st,]+(\d{1,2})[:h](\d{2})(?::(\d{2})(?:\.\d+)?)?)?(\D.*)?$/;

const ISO8601 =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T\s](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?$/i;

/** Parses a feed date to a Date in UTC, or null when it is missing or not a date. */
export function parseFeedDate(raw: string | null | undefined): Date | null {
  if (typeof raw !== 'string') return null;
  const value = raw.trim();
  if (value === '' || value.length > 100) return null;
  return parseIso(value) ?? parseRfc822(value);
}

function parseIso(value: string): Date | null {
  const m = ISO8601.exec(value);
  if (m === null) return null;
  const [, year, month = '1', day = '1', hour = '0', minute = '0', second = '0', fraction, zone] = m;
  const offset = zone === undefined ? 0 : parseOffset(zone);
  if (offset === null) return null;
  const millis = fraction === undefined ? 0 : Math.floor(Number(`0.${fraction}`) * 1000);
  return build(Number(year), Number(month), Number(day), Number(hour), Number(minute), Number(second), millis, offset);
}

/** Any character outside ASCII: only then can folding (NFD, accents dropped) change a date's text. */
const NON_ASCII = /[\u0080-\uffff]/;

function parseRfc822(value: string): Date | null {
  // Most feeds' dates are ASCII ("Tue, 24 Nov 2026 09:00:00 GMT"), which NFD leaves as it is: the
  // test spares ICU's normalization on them (issue 15: 17,680 dates, 25 → 1.5 ms warm).
  const lower = value.toLowerCase();
  const folded = NON_ASCII.test(lower) ? lower.normalize('NFD').replace(/[\u0300-\u036f]/g, '') : lower;
  const m = RFC822.exec(folded);
  if (m === null) return null;
  const [, day, monthName = '', yearText = '', hour = '0', minute = '0', second = '0', zoneText = ''] = m;
  const month = MONTHS[monthName];
  if (month === undefined) return null;
  let year = Number(yearText);
  // RFC 2822 §4.3: two-digit years 00–49 are 20xx, 50–99 are 19xx.
  if (yearText.length === 2) year += year < 50 ? 2000 : 1900;
  const offset = zoneText.trim() === '' ? 0 : parseZone(zoneText.trim());
  if (offset === null) return null;
  return build(year, month, Number(day), Number(hour), Number(minute), Number(second), 0, offset);
}

/** "+0200", "-05:00", "+02", "GMT", "EST", "GMT+2", "UTC+01:00"; minutes east of UTC. */
function parseZone(text: string): number | null {
  const upper = text.toUpperCase();
  const named = ZONES[upper];
  if (named !== undefined) return named;
  const prefixed = /^(?:GMT|UTC|UT)([+-].+)$/.exec(upper);
  if (prefixed?.[1] !== undefined) return parseOffset(prefixed[1]);
  return parseOffset(upper);
}

function parseOffset(text: string): number | null {
  if (text.toUpperCase() === 'Z') return 0;
  const m = /^([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(text);
  if (m === null) return null;
  const hours = Number(m[2]);
  const minutes = Number(m[3] ?? '0');
  if (hours > 14 || minutes > 59) return null;
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

function build(
  year: number, month: number, day: number, hour: number, minute: number, second: number, millis: number,
  offsetMinutes: number,
): Date | null {
  if (year < 1000 || year > 9999 || month < 1 || month > 12 || day < 1 || day > 31) return null;
  if (hour > 24 || minute > 59 || second > 60 || (hour === 24 && (minute > 0 || second > 0))) return null;
  const leap = second === 60 ? 59 : second; // a leap second is the last second of its minute
  const local = Date.UTC(year, month - 1, day, hour, minute, leap, millis);
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCDate() !== day) return null; // 31 April, 29 February of a common year
  const date = new Date(local - offsetMinutes * 60_000);
  return Number.isNaN(date.getTime()) ? null : date;
}
