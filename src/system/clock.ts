// The program's clock: real time, or the instant fixed by VEILLE_NOW for tests and reproducible runs.
import { VeilleError } from '../domain/errors.js';
import type { Clock } from '../domain/ports.js';

export const systemClock: Clock = { now: () => new Date() };

/** A date, or a date and time with its offset: an instant that means the same on every machine. */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

export function createClock(env: NodeJS.ProcessEnv): Clock {
  const fixed = env.VEILLE_NOW;
  if (fixed === undefined || fixed === '') return systemClock;
  const instant = parseInstant(fixed);
  if (instant === null) {
    throw new VeilleError(
      'USAGE',
      `VEILLE_NOW: "${fixed}" is not an ISO 8601 instant such as 2026-11-26T08:00:00Z (a time needs its offset, Z or +01:00)`,
    );
  }
  return { now: () => new Date(instant.getTime()) };
}

function parseInstant(text: string): Date | null {
  const match = INSTANT.exec(text);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => (part === undefined ? 0 : Number(part)));
  const calendar = new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1));
  // Date.parse rolls 2026-02-30 over to March 2: refuse days and times that do not exist.
  if (calendar.getUTCMonth() !== (month ?? 1) - 1 || calendar.getUTCDate() !== day) return null;
  if ((hour ?? 0) > 23 || (minute ?? 0) > 59 || (second ?? 0) > 60) return null;
  const instant = new Date(text);
  return Number.isNaN(instant.getTime()) ? null : instant;
}
