// ISO 8601 weeks in a time zone: "2026-W48" is Monday 00:00 to the next Monday 00:00 local time,
// whatever the UTC offset does in between (daylight saving). Calendar math in UTC, offsets from Intl.
import { VeilleError } from '../domain/errors.js';

export interface IsoWeek {
  readonly year: number;
  readonly week: number;
}

export interface WeekRange {
  readonly week: IsoWeek;
  /** "2026-W48". */
  readonly id: string;
  /** Monday 00:00 local time, as an instant. */
  readonly start: Date;
  /** The next Monday 00:00 local time (exclusive). */
  readonly end: Date;
  /** Local calendar dates of Monday and Sunday, as UTC-midnight dates (for formatting with timeZone UTC). */
  readonly firstDay: Date;
  readonly lastDay: Date;
}

const DAY_MS = 86_400_000;
const WEEK_ID = /^(\d{4})-W(\d{2})$/;

export function formatIsoWeek({ year, week }: IsoWeek): string {
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** "2026-W48" → { year, week }; a USAGE error for anything else or a week the year does not have. */
export function parseIsoWeek(text: string): IsoWeek {
  const match = WEEK_ID.exec(text);
  const year = Number(match?.[1]);
  const week = Number(match?.[2]);
  if (!match || week < 1 || week > weeksInYear(year)) {
    throw new VeilleError('USAGE', `digest: --week "${text}" is not an ISO week such as 2026-W48 (weeks 01 to ${match ? weeksInYear(year) : 53})`);
  }
  return { year, week };
}

/** 52 or 53: a year has 53 ISO weeks when its 28 December falls in week 53. */
export function weeksInYear(year: number): number {
  return isoWeekOfDate(new Date(Date.UTC(year, 11, 28))).week;
}

/** The ISO week of a calendar date given as UTC midnight. */
export function isoWeekOfDate(day: Date): IsoWeek {
  const weekday = (day.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const thursday = new Date(day.getTime() + (3 - weekday) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const firstThursday = Date.UTC(year, 0, 1) + ((11 - new Date(Date.UTC(year, 0, 1)).getUTCDay()) % 7) * DAY_MS;
  return { year, week: 1 + Math.round((thursday.getTime() - firstThursday) / (7 * DAY_MS)) };
}

/** Monday of an ISO week, as UTC midnight. */
function mondayOf({ year, week }: IsoWeek): Date {
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const mondayWeek1 = jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * DAY_MS;
  return new Date(mondayWeek1 + (week - 1) * 7 * DAY_MS);
}

export function weekRange(week: IsoWeek, timeZone: string): WeekRange {
  const monday = mondayOf(week);
  const nextMonday = new Date(monday.getTime() + 7 * DAY_MS);
  return {
    week,
    id: formatIsoWeek(week),
    start: localMidnight(monday, timeZone),
    end: localMidnight(nextMonday, timeZone),
    firstDay: monday,
    lastDay: new Date(nextMonday.getTime() - DAY_MS),
  };
}

/** The last week that is over at `now` in `timeZone`: the one before the current week. */
export function lastCompleteWeek(now: Date, timeZone: string): IsoWeek {
  const today = localDate(now, timeZone);
  return isoWeekOfDate(new Date(today.getTime() - 7 * DAY_MS));
}

/** The local calendar date of an instant, as UTC midnight. */
export function localDate(instant: Date, timeZone: string): Date {
  const parts = partsOf(instant, timeZone);
  return new Date(Date.UTC(parts.year, parts.month - 1, parts.day));
}

/** The instant of 00:00 local time on a calendar date (midnight is never in a DST gap in Europe). */
function localMidnight(day: Date, timeZone: string): Date {
  const guess = day.getTime();
  let instant = guess - offsetAt(guess, timeZone);
  // The offset at the guess may differ from the offset at the result near a change: settle it.
  instant = guess - offsetAt(instant, timeZone);
  return new Date(instant);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsOf(instant: Date | number, timeZone: string) {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  const values: Record<string, number> = {};
  for (const part of formatter.formatToParts(instant)) {
    if (part.type !== 'literal') values[part.type] = Number(part.value);
  }
  return { year: values.year ?? 0, month: values.month ?? 1, day: values.day ?? 1, hour: values.hour ?? 0, minute: values.minute ?? 0, second: values.second ?? 0 };
}

/** Local time minus UTC at an instant, in milliseconds. */
function offsetAt(instant: number, timeZone: string): number {
  const p = partsOf(instant, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}
