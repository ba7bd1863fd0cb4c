// VEILLE_NOW fixes the clock with an instant that means the same on every machine.
import { describe, expect, it } from 'vitest';
import { isVeilleError } from '../../src/domain/errors.js';
import { createClock } from '../../src/system/clock.js';

describe('createClock', () => {
  it.each([
    ['2026-11-26T08:00:00Z', '2026-11-26T08:00:00.000Z'],
    ['2026-11-26T09:00:00+01:00', '2026-11-26T08:00:00.000Z'],
    ['2026-11-26T08:00Z', '2026-11-26T08:00:00.000Z'],
    ['2026-11-26T08:00:00.250Z', '2026-11-26T08:00:00.250Z'],
    ['2026-11-26', '2026-11-26T00:00:00.000Z'],
  ])('VEILLE_NOW=%s is %s', (value, expected) => {
    expect(createClock({ VEILLE_NOW: value }).now().toISOString()).toBe(expected);
  });

  it.each([
    ['a time without its offset, read differently on each machine', '2026-11-26T08:00:00'],
    ['a day that does not exist', '2026-02-30'],
    ['an hour that does not exist', '2026-11-26T25:00:00Z'],
    ['words', 'yesterday'],
    ['a timestamp', '1795665484411'],
  ])('refuses %s', (_name, value) => {
    try {
      createClock({ VEILLE_NOW: value });
      expect.unreachable();
    } catch (error) {
      expect(isVeilleError(error, 'USAGE')).toBe(true);
    }
  });

  it('uses the real time without VEILLE_NOW', () => {
    expect(Math.abs(createClock({}).now().getTime() - Date.now())).toBeLessThan(1000);
  });
});
