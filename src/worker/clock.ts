// The program's clock: real time, or the instant fixed by VEILLE_NOW for tests and reproducible runs.
import { VeilleError } from '../domain/errors.js';
import type { Clock } from '../domain/ports.js';

export const systemClock: Clock = { now: () => new Date() };

export function createClock(env: NodeJS.ProcessEnv): Clock {
  const fixed = env.VEILLE_NOW;
  if (fixed === undefined || fixed === '') return systemClock;
  const instant = new Date(fixed);
  if (!/^\d{4}-\d{2}-\d{2}/.test(fixed) || Number.isNaN(instant.getTime())) {
    throw new VeilleError('USAGE', `VEILLE_NOW: "${fixed}" is not an ISO 8601 date such as 2026-11-26T08:00:00Z`);
  }
  return { now: () => new Date(instant.getTime()) };
}
