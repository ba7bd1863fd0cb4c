// Teaser detection (issue 16): few words, or a known "read more" ending, folded for case and accents.
import { describe, expect, it } from 'vitest';
import { DEFAULT_READ_MORE_PATTERNS, isTeaser } from '../../src/extract/teaser.js';

const RULE = { minWords: 15, readMore: DEFAULT_READ_MORE_PATTERNS };
const LONG = 'Federated learning lets hospitals train one model together while every patient record stays inside its own hospital network.';

describe('isTeaser', () => {
  it.each([
    ['an empty text', '', true],
    ['a one-line summary', 'AAAI 2025 workshops: a recap.', true],
    ['fifteen words or more, no ending', LONG, false],
    ['a WordPress excerpt ending in […]', `${LONG} […]`, true],
    ['an excerpt ending in [...]', `${LONG} [...]`, true],
    ['"Read more »"', `${LONG} Read more »`, true],
    ['"Continue reading →"', `${LONG} Continue reading →`, true],
    ['"Lire la suite…" (French, accents folded)', `${LONG} Lire la suite…`, true],
    ['"LIRE LA SUITE" in capitals', `${LONG} LIRE LA SUITE`, true],
    ['"read more" inside the text, not at its end', `Read more about it: ${LONG}`, false],
  ])('%s', (_name, text, expected) => {
    expect(isTeaser(text, RULE)).toBe(expected);
  });

  it('takes the phrases from the rule (config data), not only the built-in ones', () => {
    expect(isTeaser(`${LONG} Weiterlesen`, RULE)).toBe(false);
    expect(isTeaser(`${LONG} Weiterlesen`, { minWords: 15, readMore: ['weiterlesen'] })).toBe(true);
  });

  it('with minWords 0, only the endings make a teaser', () => {
    expect(isTeaser('Short.', { minWords: 0, readMore: [] })).toBe(false);
  });
});
