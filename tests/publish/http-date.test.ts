// HTTP-date (RFC 9110 §5.6.7): the three forms a recipient accepts, and nothing else.
import { describe, expect, it } from 'vitest';
import { parseHttpDate } from '../../src/publish/http-date.js';

const NOW = new Date('2026-11-26T08:00:00Z');
const NOV_6_1994 = Date.UTC(1994, 10, 6, 8, 49, 37);

describe('parseHttpDate', () => {
  it.each([
    ['IMF-fixdate', 'Sun, 06 Nov 1994 08:49:37 GMT', NOV_6_1994],
    ['RFC 850', 'Sunday, 06-Nov-94 08:49:37 GMT', NOV_6_1994],
    ['asctime', 'Sun Nov  6 08:49:37 1994', NOV_6_1994],
    ['RFC 850, a two-digit year up to 50 years ahead is this century', 'Friday, 01-Jan-49 00:00:00 GMT', Date.UTC(2049, 0, 1)],
    ['RFC 850, a two-digit year further ahead is the past century', 'Thursday, 01-Jan-80 00:00:00 GMT', Date.UTC(1980, 0, 1)],
  ])('reads %s', (_name, value, expected) => {
    expect(parseHttpDate(value, NOW)).toBe(expected);
  });

  it.each([
    ['a year alone', '3000'],
    ['a month and year', 'Dec 2099'],
    ['a numeric zone', 'Sun, 06 Nov 1994 08:49:37 +0000'],
    ['another zone name', 'Sun, 06 Nov 1994 08:49:37 UTC'],
    ['ISO 8601', '1994-11-06T08:49:37Z'],
    ['a one-digit day in IMF-fixdate', 'Sun, 6 Nov 1994 08:49:37 GMT'],
    ['lower-case month', 'Sun, 06 nov 1994 08:49:37 GMT'],
    ['31 February', 'Sun, 31 Feb 1994 08:49:37 GMT'],
    ['hour 24', 'Sun, 06 Nov 1994 24:00:00 GMT'],
    ['two dates', 'Sun, 06 Nov 1994 08:49:37 GMT, Sun, 06 Nov 1994 08:49:37 GMT'],
    ['empty', ''],
  ])('refuses %s', (_name, value) => {
    expect(parseHttpDate(value, NOW)).toBeNull();
  });
});
