// The fast path of the language stage: a text plainly in its declared language skips eld, and
// must then give what eld would have given.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectLanguage, detectionWindow } from '../../src/language/detect-language.js';
import { plainlyIn } from '../../src/language/function-words.js';
import { languageSample } from '../../src/language/item-language.js';

const ENGLISH =
  'The researchers published a study on the protection of personal data in hospitals, and they explain how their method works with the code that is on GitHub.';
const FRENCH =
  'Les chercheurs ont publié une étude sur la protection des données personnelles dans les hôpitaux, et ils expliquent comment leur méthode fonctionne avec le code qui est sur GitHub.';

describe('plainlyIn', () => {
  it('vouches for a paragraph in the language asked', () => {
    expect(plainlyIn(ENGLISH, 'en', ['fr', 'en'])).toBe(true);
    expect(plainlyIn(FRENCH, 'fr', ['fr', 'en'])).toBe(true);
  });

  it('does not vouch for a text in another expected language', () => {
    expect(plainlyIn(FRENCH, 'en', ['fr', 'en'])).toBe(false);
    expect(plainlyIn(ENGLISH, 'fr', ['fr', 'en'])).toBe(false);
  });

  it('does not vouch for a mixed text', () => {
    expect(plainlyIn(`${ENGLISH} ${FRENCH}`, 'en', ['fr', 'en'])).toBe(false);
    expect(plainlyIn(`${FRENCH} ${ENGLISH}`, 'fr', ['fr', 'en'])).toBe(false);
  });

  it('does not vouch for a title: too few words to be plain', () => {
    expect(plainlyIn('OpenAI releases the weights of its new model', 'en', ['fr', 'en'])).toBe(false);
  });

  it('cannot rule out an expected language it has no words for, nor vouch for one', () => {
    expect(plainlyIn(ENGLISH, 'en', ['fr', 'en', 'de'])).toBe(false);
    expect(plainlyIn(ENGLISH, 'de', ['de', 'en'])).toBe(false);
  });

  it('vouches only for a language the site expects', () => {
    expect(plainlyIn(ENGLISH, 'en', ['fr'])).toBe(false);
  });
});

/** Real AI-news items (tests/fixtures): whenever the fast path vouches, eld agrees or abstains. */
function realSamples(): string[] {
  const files = [
    'tests/fixtures/ai-news/items.jsonl',
    'tests/fixtures/ai-news/labels-dev.jsonl',
    'tests/fixtures/labels/fr-and-fl.jsonl',
    'tests/fixtures/labels/unseen-2026-11-26.jsonl',
  ];
  return files.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => {
        const item = JSON.parse(line) as { title?: string; summary?: string; content?: string };
        return languageSample(item.title ?? '', item.summary ?? '', item.content ?? '');
      }),
  );
}

describe('plainlyIn on real items', () => {
  const samples = realSamples();

  it.each(['en', 'fr'])('never vouches for %s where eld confidently says otherwise', (language) => {
    let vouched = 0;
    const disagreements: string[] = [];
    for (const sample of samples) {
      const window = detectionWindow(sample);
      if (!plainlyIn(window, language, ['fr', 'en'])) continue;
      vouched += 1;
      const detected = detectLanguage(window, ['fr', 'en']);
      if (detected !== null && detected.confident && detected.language !== language) disagreements.push(window.slice(0, 120));
    }
    expect(disagreements).toEqual([]);
    // The fast path is used, not just safe: hundreds of real items in each language.
    expect(vouched).toBeGreaterThan(language === 'en' ? 1000 : 50);
  });
});
