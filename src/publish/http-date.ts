// HTTP-date as RFC 9110 §5.6.7 defines it: IMF-fixdate, or one of the two obsolete forms a
// recipient must still accept (RFC 850, asctime). Anything else is not a date: Date.parse would
// read "3000" or "Dec 2099" as one.

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH = MONTHS.join('|');
const DAY = 'Mon|Tue|Wed|Thu|Fri|Sat|Sun';
const DAY_LONG = 'Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday';
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';

/** Sun, 06 Nov 1994 08:49:37 GMT */
const IMF_FIXDATE = new RegExp(`^(?:${DAY}), (\\d{2}) (${MONTH}) (\\d{4}) ${TIME} GMT$`);
/** Sunday, 06-Nov-94 08:49:37 GMT */
const RFC_850 = new RegExp(`^(?:${DAY_LONG}), (\\d{2})-(${MONTH})-(\\d{2}) ${TIME} GMT$`);
/** Sun Nov  6 08:49:37 1994 */
const ASCTIME = new RegExp(`^(?:${DAY}) (${MONTH}) ([ \\d]\\d) ${TIME} (\\d{4})$`);

/** Milliseconds since the epoch, or null when `value` is not an HTTP-date. `now` settles RFC 850's two-digit year. */
export function parseHttpDate(value: string, now: Date = new Date()): number | null {
  const text = value.trim();
  let match = IMF_FIXDATE.exec(text);
  if (match) return toTime(Number(match[3]), match[2], match[1], match[4], match[5], match[6]);
  match = ASCTIME.exec(text);
  if (match) return toTime(Number(match[6]), match[1], match[2]?.trim(), match[3], match[4], match[5]);
  match = RFC_850.exec(text);
  if (match) {
    // RFC 9110 §5.6.7: a two-digit year more than 50 years in the future is in the past century.
    const currentYear = now.getUTCFullYear();
    let year = Math.floor(currentYear / 100) * 100 + Number(match[3]);
    if (year > currentYear + 50) year -= 100;
    return toTime(year, match[2], match[1], match[4], match[5], match[6]);
  }
  return null;
}

function toTime(year: number, monthName = '', day = '', hours = '', minutes = '', seconds = ''): number | null {
  const month = MONTHS.indexOf(monthName);
  const [d, h, m, s] = [Number(day), Number(hours), Number(minutes), Number(seconds)];
  // §5.6.7: second 60 is a leap second; Date cannot hold it, so it reads as the next second.
  if (month < 0 || d < 1 || h > 23 || m > 59 || s > 60) return null;
  const time = Date.UTC(year, month, d, h, m, s);
  // 31 Feb and the like roll over into the next month: not a date.
  return new Date(time).getUTCDate() === d || s === 60 ? time : null;
}
