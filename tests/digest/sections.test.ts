// A story's section in the weekly issue (issue 18, finding 5): the theme its content is most about,
// "Événements et conférences" only when the event itself is the news (a programme, a call for
// papers, dates, registration). Scores come from the real tagger and taxonomy on the seed's story.
import { describe, expect, it } from 'vitest';
import { buildIssue, type BuildOptions, type ItemTexts } from '../../src/digest/issue.js';
import { weekRange } from '../../src/digest/iso-week.js';
import type { DigestItemRow } from '../../src/domain/digest.js';
import { siteLocale } from '../../src/domain/site-locale.js';
import { createTagger } from '../../src/tag/tagger.js';
import { loadTaxonomy, themeInfos } from '../../src/tag/taxonomy.js';
import { THEMES_FILE } from '../tag/helpers.js';

const taxonomy = loadTaxonomy(THEMES_FILE);
const tagger = createTagger(taxonomy);
const FR = siteLocale('fr', 'Europe/Paris');
const RANGE = weekRange({ year: 2026, week: 48 }, 'Europe/Paris');
const OPTIONS: BuildOptions = { siteTitle: 'Veille IA', locale: FR, themes: themeInfos(taxonomy, 'fr'), maxStoriesPerSection: 25, includeUnthemed: true };

interface Telling {
  readonly id: string;
  readonly title: string;
  readonly summary: string;
  readonly content: string;
  readonly language: string;
}

/** One stored row per telling, its themes and scores as the tag stage gives them. */
function rows(storyId: number, tellings: readonly Telling[]): DigestItemRow[] {
  return tellings.map((telling) => ({
    id: telling.id,
    storyId,
    title: telling.title,
    link: `https://example.org/${telling.id}`,
    summary: telling.summary,
    language: telling.language,
    publishedAt: '2026-11-24T08:00:00.000Z',
    sourceName: telling.id,
    sourceUrl: `https://example.org/${telling.id}/feed`,
    themes: tagger
      .tag({ title: telling.title, summary: telling.summary, content: telling.content, categories: [], language: telling.language })
      .map(({ id, score }) => ({ id, score })),
  }));
}

// The seed's story, as demo/feeds/ tell it (AIhub's recap and the French post that links to it).
const AAAI_RECAP: readonly Telling[] = [
  {
    id: 'aihub',
    title: 'Open source AI and federated learning: a recap of two AAAI workshops',
    summary: 'Two workshops at AAAI looked at open-source AI for mainstream use and at federated learning for decentralized, privacy-preserving training.',
    content:
      'The first workshop, Open Source AI for Mainstream Use, asked what “open” should mean for models whose weights, data and training code are released to different degrees. The second, FLUID: Federated Learning for Unbounded and Intelligent Decentralization, discussed how clients with heterogeneous data and devices can train a shared model without pooling their data.',
    language: 'en',
  },
  {
    id: 'blog',
    title: 'IA open source et apprentissage fédéré : retour sur deux ateliers de l’AAAI',
    summary: 'AIhub a publié une synthèse de deux ateliers de la conférence AAAI : l’un sur l’IA open source pour le grand public, l’autre sur l’apprentissage fédéré (« FLUID »).',
    content:
      'Le premier atelier, « Open Source AI for Mainstream Use », s’interroge sur ce que signifie réellement l’« ouverture » d’un modèle d’IA : poids, données, code d’entraînement. Le second, « FLUID », traite des défis de l’apprentissage fédéré en conditions réelles : confidentialité des données, efficacité, hétérogénéité des participants.',
    language: 'fr',
  },
];

// An event announced: dates, a call for papers, registration.
const FL_WORKSHOP_CFP: readonly Telling[] = [
  {
    id: 'cfp',
    title: 'Call for papers: workshop on federated learning at AAAI 2027',
    summary: 'The workshop on federated learning will be held on 26 February 2027 in Singapore. Submission deadline: 15 December; registration opens in January.',
    content: 'We invite papers on federated learning, decentralised training and privacy-preserving aggregation.',
    language: 'en',
  },
];

function sectionOf(items: readonly DigestItemRow[], options: BuildOptions = OPTIONS): string {
  const issue = buildIssue(RANGE, items, options);
  return issue.sections.map((section) => section.heading).join(', ');
}

describe('the section of a story', () => {
  it('the tagger scores the recap’s French telling highest on events (the finding’s cause)', () => {
    const blog = rows(1, AAAI_RECAP)[1];
    const best = [...(blog?.themes ?? [])].sort((a, b) => b.score - a.score)[0];
    expect(best?.id).toBe('events');
  });

  it('files the AAAI workshops’ recap under what it is about, events among its other themes', () => {
    expect(['Open source', 'Apprentissage fédéré']).toContain(sectionOf(rows(1, AAAI_RECAP)));
    const story = buildIssue(RANGE, rows(1, AAAI_RECAP), OPTIONS).sections[0]?.stories[0];
    expect(story?.themeIds.at(-1)).toBe('events');
  });

  it('files an event announcement under Événements et conférences', () => {
    const items = rows(2, FL_WORKSHOP_CFP);
    expect(items[0]?.themes.map((theme) => theme.id)).toEqual(expect.arrayContaining(['events', 'federated-learning']));
    expect(sectionOf(items)).toBe('Événements et conférences');
  });

  it('reads the texts it needs through loadTexts when the rows come without them, full text included', () => {
    const bare = rows(1, AAAI_RECAP).map((row) => ({ ...row, title: '', summary: '', link: null }));
    const texts = new Map<string, ItemTexts>(
      AAAI_RECAP.map((telling) => [telling.id, { title: telling.title, link: null, summary: telling.summary, fullText: telling.content }]),
    );
    expect(['Open source', 'Apprentissage fédéré']).toContain(sectionOf(bare, { ...OPTIONS, loadTexts: (ids) => new Map(ids.flatMap((id) => (texts.has(id) ? [[id, texts.get(id) as ItemTexts]] : []))) }));
    // The same story whose full text says registration is open is an announcement.
    const announced = new Map([...texts].map(([id, t]) => [id, { ...t, fullText: `${t.fullText ?? ''} Registration for the next edition is open.` }]));
    expect(sectionOf(bare, { ...OPTIONS, loadTexts: (ids) => new Map(ids.flatMap((id) => (announced.has(id) ? [[id, announced.get(id) as ItemTexts]] : []))) })).toBe(
      'Événements et conférences',
    );
  });
});
