// Retry-After (RFC 9110 §10.2.3): a number of seconds or an HTTP date, read against the injected
// clock; one parser for feeds and translation providers alike.
import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../src/fetch/retry-after.js';

const NOW = new Date('2026-11-26T08:00:00Z');

describe('parseRetryAfter', () => {
  it.each([
    ['seconds', '120', 120_000],
    ['seconds with spaces around', ' 7 ', 7_000],
    ['zero', '0', 0],
    ['an IMF-fixdate, read against the clock given', 'Thu, 26 Nov 2026 08:00:30 GMT', 30_000],
    ['a date already past: no wait, never negative', 'Thu, 26 Nov 2026 07:59:00 GMT', 0],
    ['neither seconds nor a date', 'soon', null],
    ['absent', null, null],
  ])('reads %s', (_name, value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });
});
