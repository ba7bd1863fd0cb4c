// ISO 8601 weeks in a time zone, across the daylight-saving changes of 2026 in Europe/Paris
// (29 March: 02:00 CET → 03:00 CEST; 25 October: 03:00 CEST → 02:00 CET).
import { describe, expect, it } from 'vitest';
import { isoWeekOfDate, lastCompleteWeek, parseIsoWeek, weekRange, weeksInYear } from '../../src/digest/iso-week.js';
import { siteLocale } from '../../src/domain/site-locale.js';
import { isVeilleError } from '../../src/domain/errors.js';

const PARIS = 'Europe/Paris';

describe('weekRange in Europe/Paris', () => {
  it.each([
    // name, week, start (UTC), end (UTC), hours, French span
    ['winter week', '2026-W48', '2026-11-22T23:00:00.000Z', '2026-11-29T23:00:00.000Z', 168, 'du 23 au 29 novembre 2026'],
    ['summer week', '2026-W27', '2026-06-28T22:00:00.000Z', '2026-07-05T22:00:00.000Z', 168, 'du 29 juin au 5 juillet 2026'],
    ['spring forward inside (29 March)', '2026-W13', '2026-03-22T23:00:00.000Z', '2026-03-29T22:00:00.000Z', 167, 'du 23 au 29 mars 2026'],
    ['the week after spring forward', '2026-W14', '2026-03-29T22:00:00.000Z', '2026-04-05T22:00:00.000Z', 168, 'du 30 mars au 5 avril 2026'],
    ['fall back inside (25 October)', '2026-W43', '2026-10-18T22:00:00.000Z', '2026-10-25T23:00:00.000Z', 169, 'du 19 au 25 octobre 2026'],
    ['the week after fall back', '2026-W44', '2026-10-25T23:00:00.000Z', '2026-11-01T23:00:00.000Z', 168, 'du 26 octobre au 1er novembre 2026'],
    ['week 1 starts in the previous year', '2026-W01', '2025-12-28T23:00:00.000Z', '2026-01-04T23:00:00.000Z', 168, 'du 29 décembre 2025 au 4 janvier 2026'],
    ['week 53 ends in the next year', '2026-W53', '2026-12-27T23:00:00.000Z', '2027-01-03T23:00:00.000Z', 168, 'du 28 décembre 2026 au 3 janvier 2027'],
  ])('%s: %s', (_name, week, start, end, hours, span) => {
    const range = weekRange(parseIsoWeek(week), PARIS);
    expect(range.id).toBe(week);
    expect(range.start.toISOString()).toBe(start);
    expect(range.end.toISOString()).toBe(end);
    expect((range.end.getTime() - range.start.getTime()) / 3_600_000).toBe(hours);
    expect(siteLocale('fr', PARIS).weekSpan(range.firstDay, range.lastDay)).toBe(span);
  });

  it('consecutive weeks of 2026 tile the year with no gap and no overlap', () => {
    for (let week = 1; week < weeksInYear(2026); week += 1) {
      expect(weekRange({ year: 2026, week: week + 1 }, PARIS).start).toEqual(weekRange({ year: 2026, week }, PARIS).end);
    }
  });

  it('works in another zone (America/New_York, DST on 8 March 2026)', () => {
    const range = weekRange({ year: 2026, week: 11 }, 'America/New_York');
    expect(range.start.toISOString()).toBe('2026-03-09T04:00:00.000Z');
    expect(weekRange({ year: 2026, week: 10 }, 'America/New_York').start.toISOString()).toBe('2026-03-02T05:00:00.000Z');
  });
});

describe('lastCompleteWeek', () => {
  it.each([
    ['Thursday', '2026-11-26T08:00:00Z', '2026-W47'],
    // Monday 00:30 in Paris is still Sunday 23:30 UTC: the week that just ended is complete.
    ['Monday just after midnight in Paris', '2026-11-22T23:30:00Z', '2026-W47'],
    ['Sunday evening in Paris', '2026-11-22T22:30:00Z', '2026-W46'],
    ['Monday 07:00 in Paris (the digest schedule)', '2026-11-30T06:00:00Z', '2026-W48'],
    ['first days of January', '2027-01-05T12:00:00Z', '2026-W53'],
    ['after spring forward', '2026-03-30T05:00:00Z', '2026-W13'],
  ])('%s', (_name, now, expected) => {
    const week = lastCompleteWeek(new Date(now), PARIS);
    expect(`${week.year}-W${String(week.week).padStart(2, '0')}`).toBe(expected);
  });
});

describe('parseIsoWeek', () => {
  it.each(['2026-W00', '2026-W54', '2025-W53', '2026W48', '2026-w48', '26-W01', '2026-W4', ''])('refuses %j with a USAGE error', (text) => {
    let error: unknown;
    try {
      parseIsoWeek(text);
    } catch (caught) {
      error = caught;
    }
    expect(isVeilleError(error, 'USAGE')).toBe(true);
  });

  it('accepts week 53 of a long year', () => {
    expect(parseIsoWeek('2026-W53')).toEqual({ year: 2026, week: 53 });
  });

  it.each([
    ['2026-01-01', 2026, 1],
    ['2025-12-29', 2026, 1],
    ['2027-01-03', 2026, 53],
    ['2021-01-03', 2020, 53],
  ])('isoWeekOfDate(%s)', (date, year, week) => {
    expect(isoWeekOfDate(new Date(`${date}T00:00:00Z`))).toEqual({ year, week });
  });
});
