// The language stage: detection among the expected languages wins only when it is confident;
// otherwise the declared language stays.
import { describe, expect, it } from 'vitest';
import { expectedLanguages, languageSample, settleLanguage } from '../../src/language/item-language.js';

const FRENCH =
  'Les chercheurs ont publié hier une étude sur la protection des données personnelles dans les hôpitaux.';
const ENGLISH = 'The researchers published a study yesterday on the protection of personal data in hospitals.';

describe('settleLanguage', () => {
  it.each([
    ['a French text in a feed that declares English', 'en', FRENCH, ['fr', 'en'], 'fr'],
    ['an English text in a feed that declares French', 'fr', ENGLISH, ['fr', 'en'], 'en'],
    ['a text in its declared language', 'en', ENGLISH, ['fr', 'en'], 'en'],
    ['a declared region is kept when detection agrees', 'fr-CA', FRENCH, ['fr', 'en'], 'fr-CA'],
    ['a declared region goes when detection disagrees', 'en-GB', FRENCH, ['fr', 'en'], 'fr'],
    ['a short, ambiguous text keeps the declared language', 'en', 'Attaque', ['fr', 'en'], 'en'],
    ['an empty text keeps the declared language', 'fr', '', ['fr', 'en'], 'fr'],
    ['no declared language and a confident detection', null, FRENCH, ['fr', 'en'], 'fr'],
    ['no declared language and nothing to tell', null, 'ok', ['fr', 'en'], null],
    // Only the languages the site expects: German text is no reason to leave the declared one.
    ['a language outside the expected ones', 'en', 'Die Forscher haben gestern eine Studie über den Schutz persönlicher Daten veröffentlicht.', ['fr', 'en'], 'en'],
    ['one expected language: nothing to choose', 'en', FRENCH, ['fr'], 'en'],
  ])('%s', (_name, declared, text, allowed, expected) => {
    expect(settleLanguage(declared, text, allowed)).toBe(expected);
  });
});

describe('languageSample', () => {
  it('reads the title, the summary and the content, one per line', () => {
    expect(languageSample('T', 'S', 'C')).toBe('T\nS\nC');
  });
});

describe('expectedLanguages', () => {
  it("is the site's language, English and the sources' own, as primary subtags", () => {
    expect(expectedLanguages('fr-FR', ['en', null, 'de_CH', 'fr'])).toEqual(['fr', 'en', 'de']);
  });
});
