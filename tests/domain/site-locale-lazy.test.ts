// The site locale's Intl formatters are made by their first use (issue 15): building the eight of
// them cost a run 40 to 100 ms under load, and a run that publishes nothing new uses none.
import { afterEach, describe, expect, it } from 'vitest';
import { watchIntl } from '../helpers/watch-intl.js';

describe('siteLocale: formatters made on first use', () => {
  const intl = watchIntl(['NumberFormat', 'PluralRules', 'DisplayNames', 'DateTimeFormat']);
  const made = intl.built;
  afterEach(() => intl.restore());

  it('makes none when the locale is built, and each one its first use needs', async () => {
    intl.watch();
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
