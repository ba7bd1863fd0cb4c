// Building the issue: pure, French, grouped by main theme in the taxonomy's order, each story once.
import { describe, expect, it } from 'vitest';
import { buildIssue, selectThemes, type BuildOptions } from '../../src/digest/issue.js';
import { shortSummary } from '../../src/digest/short-summary.js';
import { siteLocale } from '../../src/domain/site-locale.js';
import { weekRange } from '../../src/digest/iso-week.js';
import { renderIssueBody } from '../../src/digest/render-page.js';
import type { DigestItemRow } from '../../src/domain/digest.js';
import { THEMES } from '../publish/sample-site.js';

const RANGE = weekRange({ year: 2026, week: 47 }, 'Europe/Paris');
const FR = siteLocale('fr', 'Europe/Paris');
const OPTIONS: BuildOptions = { siteTitle: 'Veille IA', locale: FR, themes: THEMES, maxStoriesPerSection: 25, includeUnthemed: true };

function row(overrides: Partial<DigestItemRow> & Pick<DigestItemRow, 'id' | 'title'>): DigestItemRow {
  return {
    storyId: null,
    link: `https://example.org/${overrides.id}`,
    summary: 'Un résumé.',
    language: 'fr',
    publishedAt: '2026-11-17T09:00:00.000Z',
    sourceName: 'Le blog',
    sourceUrl: 'https://blog.example.fr/feed.xml',
    themes: [],
    ...overrides,
  };
}

const AAAI_EN = row({
  id: 'aihub',
  storyId: 7,
  title: 'A recap of two AAAI 2025 workshops',
  language: 'en',
  summary: 'AIhub reports on two workshops.',
  sourceName: 'AIhub',
  sourceUrl: 'https://aihub.org/feed/',
  themes: [
    { id: 'open-source', score: 0.9 },
    { id: 'federated-learning', score: 0.8 },
  ],
});
const AAAI_FR = row({
  id: 'blog',
  storyId: 7,
  title: 'Ce qu’il faut retenir de l’atelier FLUID',
  publishedAt: '2026-11-18T10:00:00.000Z',
  themes: [{ id: 'federated-learning', score: 0.95 }],
});
const PRIVACY = row({ id: 'rgpd', title: 'RGPD et modèles', themes: [{ id: 'privacy', score: 0.9 }, { id: 'regulation', score: 0.7 }] });
const UNTAGGED = row({ id: 'misc', title: 'Interview', language: 'en' });

describe('buildIssue', () => {
  const issue = buildIssue(RANGE, [PRIVACY, AAAI_EN, UNTAGGED, AAAI_FR], OPTIONS);

  it('titles the issue with the week in French', () => {
    expect(issue.title).toBe('Veille IA — semaine du 16 au 22 novembre 2026');
    expect(issue.guid).toBe('urn:veille:digest:2026-W47');
  });

  it('counts the articles once, then names their themes in the taxonomy order (issue 18)', () => {
    expect(issue.intro).toBe('3 articles cette semaine\u202F: open source, apprentissage fédéré, confidentialité, régulation.');
  });

  it('says how many articles a theme has when it has more than one', () => {
    const two = buildIssue(RANGE, [PRIVACY, row({ id: 'cnil', title: 'La CNIL', themes: [{ id: 'privacy', score: 0.8 }] }), AAAI_EN], OPTIONS);
    expect(two.intro).toBe('3 articles cette semaine\u202F: open source, apprentissage fédéré, confidentialité (2), régulation.');
  });

  it('shows a story told by two sources once, in French, under its main theme, with both sources', () => {
    const all = issue.sections.flatMap((section) => section.stories.map((story) => [section.heading, story.title]));
    expect(all).toEqual([
      ['Apprentissage fédéré', 'Ce qu’il faut retenir de l’atelier FLUID'],
      ['Confidentialité et données personnelles', 'RGPD et modèles'],
      ['Autres sujets', 'Interview'],
    ]);
    const story = issue.sections[0]?.stories[0];
    expect(story?.sources.map((source) => source.name)).toEqual(['AIhub', 'Le blog']);
    expect(story?.themeIds).toEqual(['federated-learning', 'open-source']);
    expect(story?.date).toBe('mardi 17 novembre 2026');
    expect(story?.languageNote).toBeNull();
  });

  it('says the language of an untranslated title', () => {
    expect(issue.sections[2]?.stories[0]?.languageNote).toBe('(en anglais)');
  });

  it('uses the translated title and summary when the translator has them, and says so', () => {
    const seen: unknown[] = [];
    const translated = buildIssue(RANGE, [UNTAGGED], {
      ...OPTIONS,
      translate: (texts) => {
        seen.push(texts);
        return { title: 'Entretien', summary: 'Un entretien traduit.', from: 'en' };
      },
    });
    expect(seen).toEqual([{ title: UNTAGGED.title, summary: UNTAGGED.summary, language: 'en' }]);
    expect(translated.sections[0]?.stories[0]).toMatchObject({
      title: 'Entretien',
      languageNote: '(traduit de l’anglais)',
      language: 'fr',
      summaryLanguage: 'fr',
      summary: 'Un entretien traduit.',
    });
  });

  it('keeps the original, with its language said, when the translator has nothing yet', () => {
    const untranslated = buildIssue(RANGE, [UNTAGGED], { ...OPTIONS, translate: () => null });
    expect(untranslated.sections[0]?.stories[0]).toMatchObject({ title: UNTAGGED.title, languageNote: '(en anglais)', language: 'en' });
  });

  it('is the same whatever the order of the items', () => {
    expect(buildIssue(RANGE, [AAAI_FR, UNTAGGED, AAAI_EN, PRIVACY], OPTIONS)).toEqual(issue);
  });

  it('leaves untagged stories out when asked', () => {
    const themed = buildIssue(RANGE, [PRIVACY, UNTAGGED], { ...OPTIONS, includeUnthemed: false });
    expect(themed.sections.map((section) => section.heading)).toEqual(['Confidentialité et données personnelles']);
    expect(themed.intro).toBe('1 article cette semaine\u202F: confidentialité, régulation.');
  });

  it('caps a section and counts the rest', () => {
    const many = Array.from({ length: 5 }, (_, i) => row({ id: `p${i}`, title: `P${i}`, themes: [{ id: 'privacy', score: 0.9 }] }));
    const capped = buildIssue(RANGE, many, { ...OPTIONS, maxStoriesPerSection: 2 });
    expect(capped.sections[0]?.stories).toHaveLength(2);
    expect(capped.sections[0]?.omitted).toBe(3);
    expect(capped.storyCount).toBe(5);
    expect(renderIssueBody(capped, FR).toString()).toContain('Et 3 autres articles sur ce thème.');
  });

  it('says so for an empty week', () => {
    const empty = buildIssue(RANGE, [], OPTIONS);
    expect(empty.sections).toEqual([]);
    expect(empty.intro).toBe('Aucun article cette semaine\u202F: rien de nouveau dans les sources suivies.');
  });
});

describe('selectThemes (a recipient’s choice)', () => {
  const issue = buildIssue(RANGE, [PRIVACY, AAAI_EN, UNTAGGED, AAAI_FR], OPTIONS);
  const select = (themes: string[] | undefined) => selectThemes(issue, themes, OPTIONS);

  it.each([
    ['no choice: everything', undefined, ['Apprentissage fédéré', 'Confidentialité et données personnelles', 'Autres sujets']],
    ['regulation only: the privacy story moves under it', ['regulation'], ['Régulation et gouvernance']],
    ['open source: the shared story moves under it', ['open-source'], ['Open source']],
    ['two themes', ['privacy', 'open-source'], ['Open source', 'Confidentialité et données personnelles']],
  ])('%s', (_name, themes, headings) => {
    expect(select(themes).sections.map((section) => section.heading)).toEqual(headings);
  });

  it('recounts the introduction', () => {
    expect(select(['regulation']).intro).toBe('1 article cette semaine\u202F: régulation.');
  });
});

describe('French helpers', () => {
  it.each([
    [0, '0 article'],
    [1, '1 article'],
    [2, '2 articles'],
    [1234, '1\u202f234 articles'],
  ])('countOf(%d)', (count, text) => {
    expect(FR.count(count, ['article', 'articles'])).toBe(text);
  });

  it.each([
    ['en', '(en anglais)'],
    ['de', '(en allemand)'],
    ['fr', null],
    ['fr-CA', null],
    [null, null],
  ])('languageNote(%j)', (language, note) => {
    expect(FR.languageNote(language)).toBe(note);
  });

  it('names a theme the locale has no short name for by its label', () => {
    expect(FR.themeName({ id: 'robotics', label: 'Robotique' })).toBe('Robotique');
  });

  it.each([
    ['short text unchanged', 'Une phrase.', 'Une phrase.'],
    [
      'at most three sentences',
      'Première phrase assez longue pour compter. Deuxième phrase, elle aussi assez longue. Troisième phrase encore plus longue que les autres. Quatrième phrase de trop.',
      'Première phrase assez longue pour compter. Deuxième phrase, elle aussi assez longue. Troisième phrase encore plus longue que les autres.',
    ],
  ])('shortSummary: %s', (_name, text, expected) => {
    expect(shortSummary(text, 'fr')).toBe(expected);
  });

  it('cuts one very long sentence with an ellipsis', () => {
    const summary = shortSummary('mot '.repeat(400), 'fr');
    expect(summary.length).toBeLessThanOrEqual(481);
    expect(summary.endsWith('…')).toBe(true);
  });
});
