// The site locale's Intl formatters are made by their first use (issue 15): building the eight of
// them cost a run 40 to 100 ms under load, and a run that publishes nothing new uses none.
import { afterEach, describe, expect, it, vi } from 'vitest';

const MADE = ['NumberFormat', 'PluralRules', 'DisplayNames', 'DateTimeFormat'] as const;

describe('siteLocale: formatters made on first use', () => {
  // Intl's members are read-only in the types, not at run time.
  const intl = Intl as unknown as Record<(typeof MADE)[number], new (...args: never[]) => object>;
  const originals = Object.fromEntries(MADE.map((name) => [name, intl[name]]));
  afterEach(() => {
    for (const name of MADE) intl[name] = originals[name] as (typeof intl)[typeof name];
    vi.resetModules();
  });

  it('makes none when the locale is built, and each one its first use needs', async () => {
    const made: string[] = [];
    for (const name of MADE) {
      const Original = originals[name] as new (...args: unknown[]) => object;
      intl[name] = class extends Original {
        constructor(...args: unknown[]) {
          super(...args);
          made.push(name);
        }
      } as unknown as (typeof intl)[typeof name];
    }
    vi.resetModules();
    const { siteLocale } = (await import('../../src/domain/site-locale.js')) as typeof import('../../src/domain/site-locale.js');
    const locale = siteLocale('fr', 'Europe/Paris');
    expect(made).toEqual([]);
    expect(locale.longDate('2026-12-07T08:00:00Z')).toBe('7 décembre 2026');
    expect(locale.longDate('2026-12-08T08:00:00Z')).toBe('8 décembre 2026');
    expect(made).toEqual(['DateTimeFormat']);
    expect(locale.count(3, ['source', 'sources'])).toBe('3 sources');
    expect(made).toEqual(['DateTimeFormat', 'NumberFormat', 'PluralRules']);
  });

  it('still refuses a malformed language tag when the locale is built', async () => {
    const { siteLocale } = (await import('../../src/domain/site-locale.js')) as typeof import('../../src/domain/site-locale.js');
    expect(() => siteLocale('de_DE', 'Europe/Paris')).toThrow(RangeError);
  });
});
