// Which content coding and byte range a file request gets: Accept-Encoding (RFC 9110 §12.5.3),
// Range and If-Range (RFC 9110 §14, §13.1.5).

import { describe, expect, it } from 'vitest';
import { chooseCoding, parseRange, rangeStillApplies } from '../../src/publish/content-negotiation.js';

describe('chooseCoding', () => {
  const BOTH = ['br', 'gzip'] as const;
  it.each<[string, string | undefined, readonly ('br' | 'gzip')[], string | null]>([
    ['no header: identity', undefined, BOTH, 'identity'],
    ['empty header: identity only (§12.5.3)', '', BOTH, 'identity'],
    ['gzip', 'gzip', BOTH, 'gzip'],
    ['x-gzip is gzip', 'x-gzip', BOTH, 'gzip'],
    ['case does not matter', 'GZip', BOTH, 'gzip'],
    ['br over gzip at equal weight', 'gzip, deflate, br', BOTH, 'br'],
    ['the higher weight wins', 'br;q=0.5, gzip;q=0.9', BOTH, 'gzip'],
    ['spaces around the weight', 'br ; q=0.5 , gzip ; q=1', BOTH, 'gzip'],
    ['q=0 refuses a coding', 'br;q=0, gzip', BOTH, 'gzip'],
    ['a coding not on offer', 'br', ['gzip'], 'identity'],
    ['deflate and zstd only: identity', 'deflate, zstd', BOTH, 'identity'],
    ['* accepts every coding', '*', BOTH, 'br'],
    ['*;q=0 with gzip named', 'gzip, *;q=0', BOTH, 'gzip'],
    ['identity named higher than gzip', 'identity;q=1, gzip;q=0.5', BOTH, 'identity'],
    ['identity;q=0 with a form on offer', 'identity;q=0, gzip', BOTH, 'gzip'],
    ['identity;q=0 and no form: nothing acceptable', 'identity;q=0', [], null],
    ['*;q=0 and no form: nothing acceptable', '*;q=0', [], null],
    ['*;q=0 refuses every form, identity too', 'br;q=0, gzip;q=0, *;q=0', BOTH, null],
    ['a malformed weight ignores its coding', 'br;q=2, gzip;q=abc', BOTH, 'identity'],
    ['a weight with four decimals is malformed', 'gzip;q=0.5000', BOTH, 'identity'],
    ['empty members are skipped', ', ,gzip,', BOTH, 'gzip'],
  ])('%s', (_name, header, available, expected) => {
    expect(chooseCoding(header, available)).toBe(expected);
  });

  it('reads a long header in linear time (a 16 KB list of codings)', () => {
    expect(chooseCoding(`${'a;q=0.1, '.repeat(1800)}gzip`, BOTH)).toBe('gzip');
  });
});

describe('parseRange', () => {
  it.each<[string, string | undefined, ReturnType<typeof parseRange>]>([
    ['none', undefined, null],
    ['first ten bytes', 'bytes=0-9', { start: 0, end: 9 }],
    ['from an offset to the end', 'bytes=90-', { start: 90, end: 99 }],
    ['the last five bytes', 'bytes=-5', { start: 95, end: 99 }],
    ['a suffix longer than the file', 'bytes=-500', { start: 0, end: 99 }],
    ['an end past the file is cut', 'bytes=50-1000', { start: 50, end: 99 }],
    ['a start past the file: 416', 'bytes=100-', 'unsatisfiable'],
    ['an empty suffix: 416', 'bytes=-0', 'unsatisfiable'],
    ['several ranges: the whole file', 'bytes=0-1,5-6', null],
    ['another unit: the whole file', 'items=0-1', null],
    ['end before start: ignored', 'bytes=9-0', null],
    ['no numbers', 'bytes=-', null],
    ['not numbers', 'bytes=a-b', null],
  ])('%s', (_name, header, expected) => {
    expect(parseRange(header, 100)).toEqual(expected);
  });
});

describe('rangeStillApplies (If-Range, RFC 9110 §13.1.5)', () => {
  const ETAG = '"abc"';
  const DATE = 'Mon, 07 Apr 2025 06:00:00 GMT';
  it.each<[string, string | undefined, boolean]>([
    ['no If-Range', undefined, true],
    ['the same ETag', '"abc"', true],
    ['another ETag', '"other"', false],
    ['a weak ETag never matches', 'W/"abc"', false],
    ['the same date', DATE, true],
    ['another date', 'Sun, 06 Apr 2025 06:00:00 GMT', false],
  ])('%s', (_name, header, expected) => {
    expect(rangeStillApplies(header, ETAG, DATE)).toBe(expected);
  });
});
