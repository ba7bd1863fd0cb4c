// The faithfulness check (issue 16): what a résumé may say, against its sources and the glossary.
import { describe, expect, it } from 'vitest';
import type { ResumeSource } from '../../src/domain/resume.js';
import { checkResume, countWords } from '../../src/summarize/check.js';
import { GOOD_ANSWER } from './model-server.js';

const SOURCES: ResumeSource[] = [
  {
    itemId: 'a',
    sourceName: 'AIhub',
    title: 'Open source AI and federated learning: a recap of two AAAI workshops',
    text: 'Two workshops at AAAI looked at open-source AI for mainstream use. The first workshop, Open Source AI for Mainstream Use, asked what “open” should mean for models whose weights, data and training code are released to different degrees. The second, FLUID: Federated Learning for Unbounded and Intelligent Decentralization, discussed how clients with heterogeneous data and devices can train a shared model without pooling their data. Llama 3.1 was released in 2024; write to press@aihub.org or see https://aihub.org/about.',
    language: 'en',
    link: 'https://aihub.org/recap',
  },
];
const GLOSSARY = [
  { source: 'federated learning', target: 'apprentissage fédéré' },
  { source: 'AI', target: 'IA' },
];
const OPTIONS = { sources: SOURCES, glossary: GLOSSARY, language: 'fr', minWords: 20, maxWords: 200 };
const BODY = 'AIhub publie une synthèse de deux ateliers de la conférence AAAI, consacrés à l’ouverture des modèles et à l’apprentissage fédéré, quand les participants entraînent un modèle commun sans mettre leurs données en commun.';

describe('checkResume', () => {
  it('accepts a faithful French résumé, with the source’s quoted titles translated in brackets', () => {
    const checked = checkResume(GOOD_ANSWER, OPTIONS);
    expect(checked.reasons).toEqual([]);
    expect(checked.title).toBe('IA open source et apprentissage fédéré : deux ateliers de l’AAAI');
    expect(checked.text.split('\n')).toHaveLength(2);
  });

  it.each([
    ['a number no source has', `${BODY} Ils ont réuni 450 chercheurs.`, ['number not in the sources: 450']],
    ['a version no source has', `${BODY} Le modèle Llama 3.2 y est cité.`, ['number not in the sources: 3.2']],
    ['a name mid-sentence', `${BODY} Le tout selon Microsoft et ses partenaires.`, ['name not in the sources: Microsoft']],
    ['a name with inner capitals opening a sentence', `${BODY} OpenAI y participe aussi.`, ['name not in the sources: OpenAI']],
    ['an address no source has', `${BODY} Écrire à contact@evil.example pour en savoir plus.`, ['e-mail address not in the sources: contact@evil.example']],
    ['a URL no source has', `${BODY} Voir https://evil.example/page pour le détail.`, ['URL not in the sources: https://evil.example/page']],
  ])('refuses %s', (_, body, reasons) => {
    expect(checkResume(`Titre\n${body}`, OPTIONS).reasons).toEqual(reasons);
  });

  it.each([
    ['a version, a year, an address and a URL of the source', `${BODY} Llama 3,1 est sorti en 2024 ; écrire à press@aihub.org ou voir https://aihub.org/about.`],
    ['names folded for accents and case', `${BODY} Le second atelier s’appelle Fluid, selon aihub.`],
    ['a glossary term', `${BODY} On parle d’Apprentissage fédéré dans ce cas.`],
  ])('accepts %s', (_, body) => {
    expect(checkResume(`Titre\n${body}`, OPTIONS).reasons).toEqual([]);
  });

  it('refuses English, too short and too long', () => {
    expect(checkResume('Title\nTwo workshops at AAAI looked at open models and at federated learning, where clients train a shared model without pooling their data.', OPTIONS).reasons).toEqual([
      'the résumé is not in fr (detected en)',
    ]);
    expect(checkResume('Titre\nDeux ateliers.', OPTIONS).reasons).toEqual(['the résumé has 2 words (expected 20 to 200)']);
    expect(checkResume(`Titre\n${`${BODY} `.repeat(8)}`, OPTIONS).reasons[0]).toMatch(/^the résumé has \d+ words \(expected 20 to 200\)/);
  });

  it('drops markup, a script with its content, Markdown and link targets', () => {
    const checked = checkResume(`## **Titre**\n\n<p>${BODY} <a href="https://evil.example/">Voir</a> [ici](https://evil.example/x).</p>\n<script>alert("1984")</script>`, OPTIONS);
    expect(checked.title).toBe('Titre');
    expect(checked.text).toBe(`${BODY} Voir ici.`);
    expect(checked.dropped).toEqual(['markup', 'link targets']);
    expect(checked.reasons).toEqual([]);
  });

  it('counts words with inner apostrophes and hyphens as one', () => {
    expect(countWords('l’apprentissage open-source, 2025 et GPT-4.')).toBe(5);
  });
});
