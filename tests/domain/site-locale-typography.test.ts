// French typography in veille's own words (issue 18, finding 3): a narrow no-break space (U+202F)
// before « : ; ! ? » and inside « », ’ for apostrophes; an English site keeps English typography.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { NARROW_NBSP, siteLocale } from '../../src/domain/site-locale.js';
import { loadTaxonomy, themeInfos } from '../../src/tag/taxonomy.js';

const FR = siteLocale('fr', 'Europe/Paris');
const EN = siteLocale('en', 'Europe/London');

/** Every sentence a locale can make: its plain words and its functions called with sample arguments. */
function everyPhrase(locale: ReturnType<typeof siteLocale>): string[] {
  const words = locale.words as unknown as Record<string, unknown>;
  const out: string[] = [];
  for (const value of Object.values(words)) {
    if (typeof value === 'string') out.push(value);
    else if (Array.isArray(value)) out.push(...value.map(String));
    else if (value !== null && typeof value === 'object') {
      // A table of words (the theme names, the subscription pages'): its strings and pairs; its functions are called below.
      for (const inner of Object.values(value as Record<string, unknown>)) {
        if (typeof inner === 'string') out.push(inner);
        else if (Array.isArray(inner)) out.push(...inner.map(String));
      }
    }
  }
  const subscribers = locale.words.subscribers;
  const days = locale.count(3, subscribers.day);
  out.push(subscribers.checkMailboxText(days), subscribers.confirmSubject('Veille IA'), ...subscribers.confirmLetter('Veille IA', days));
  out.push(
    locale.translatedFrom('en'),
    locale.translatedFrom('qaa'),
    locale.translatedNote('it'),
    locale.languageNote('en') ?? '',
    locale.quote('Open source'),
    locale.words.intro(locale.count(4, locale.words.article), ['a (2)', 'b']),
    locale.words.moreInSection(locale.count(3, locale.words.otherArticle)),
    locale.weekSpan(new Date('2026-11-16T00:00:00Z'), new Date('2026-11-22T00:00:00Z')),
    locale.dateTime('2026-11-24T08:30:00Z'),
    locale.fullDate('2026-11-24T08:30:00Z'),
    locale.number(1234567),
  );
  return out;
}

/** The faults a French reader sees: a breakable or missing space before a high mark, after «, before », a straight apostrophe. */
export function frenchTypographyFaults(text: string): string[] {
  const faults: string[] = [];
  for (const match of text.matchAll(/[^\u202F]([:;!?»])|«[^\u202F]|'/g)) {
    const at = match.index;
    const context = text.slice(Math.max(0, at - 12), at + 4);
    // A mark glued to a word is fine in a URL, a time or a number ("https:", "09:30"); only spaced marks are faults.
    if (match[0] === "'" || match[0].startsWith('«') || /\s/.test(match[0].charAt(0))) faults.push(context);
  }
  return faults;
}

describe('French words', () => {
  it.each(everyPhrase(FR).map((text) => [text]))('%j is set in French typography', (text) => {
    expect(frenchTypographyFaults(text)).toEqual([]);
  });

  it('writes the colon and the guillemets with narrow no-break spaces', () => {
    expect(FR.words.colon).toBe(`${NARROW_NBSP}: `);
    expect(FR.quote('Open source')).toBe(`«${NARROW_NBSP}Open source${NARROW_NBSP}»`);
  });
});

describe('English words', () => {
  it.each(everyPhrase(EN).map((text) => [text]))('%j has no French spacing or guillemets', (text) => {
    expect(text).not.toMatch(/[\u202F«»]| [:;!?]/);
  });
});

describe('typeset: the operator’s text in the site’s typography', () => {
  it.each([
    ['a plain space before a colon', 'en français : open source', `en français${NARROW_NBSP}: open source`],
    ['a no-break space before ? and !', 'Quoi\u00A0? Enfin !', `Quoi${NARROW_NBSP}? Enfin${NARROW_NBSP}!`],
    ['inside guillemets, runs of spaces', '«  IA  » ; fin', `«${NARROW_NBSP}IA${NARROW_NBSP}»${NARROW_NBSP}; fin`],
    ['glued marks left alone', 'https://a.example/?q=1 à 09:30', 'https://a.example/?q=1 à 09:30'],
    ['spaces elsewhere kept', 'un  deux ', 'un  deux '],
  ])('%s', (_name, text, expected) => {
    expect(FR.typeset(text)).toBe(expected);
  });

  it('leaves an English site’s text as written', () => {
    expect(EN.typeset('Note : yes')).toBe('Note : yes');
  });

  it('takes linear time on a long run of spaces (one pass)', () => {
    const text = `${' '.repeat(200_000)}x`;
    expect(FR.typeset(text)).toBe(text);
  });
});

describe('the shipped configuration', () => {
  it('describes the site in French typography', () => {
    const config = readFileSync(new URL('../../config/veille.yaml', import.meta.url), 'utf8');
    const description = /^ {2}description: "(.*)"$/m.exec(config)?.[1] ?? '';
    expect(description).not.toBe('');
    expect(frenchTypographyFaults(FR.typeset(description))).toEqual([]);
  });

  it.each(themeInfos(loadTaxonomy(new URL('../../config/themes.yaml', import.meta.url).pathname), 'fr').map((theme) => [theme.id, theme]))(
    'defines the theme %s in French typography',
    (_id, theme) => {
      expect(frenchTypographyFaults(FR.typeset(`${theme.label} ${theme.definition ?? ''}`))).toEqual([]);
    },
  );
});
