// The tag stage on single items: matching rules, exclusions, language, evidence, scores, explanations.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectLanguage } from '../../src/language/detect-language.js';
import { createTagger, explainText, type TagInput } from '../../src/tag/tagger.js';
import { loadTaxonomy, parseTaxonomy } from '../../src/tag/taxonomy.js';
import { FIXTURES, THEMES_FILE } from './helpers.js';

// The rules alone: these tests pin matching, exclusions, scores and explanations of the vocabularies;
// the learned part that mixes with them is tested in learned.test.ts.
const taxonomy = loadTaxonomy(THEMES_FILE, { learned: false });
const tagger = createTagger(taxonomy);

function item(fields: Partial<TagInput>): TagInput {
  return { title: '', summary: '', categories: [], language: null, ...fields };
}
const themesOf = (fields: Partial<TagInput>): string[] => tagger.tag(item(fields)).map((m) => m.id);

describe('matching', () => {
  it.each([
    ['open-source', 'Our open-source model'],
    ['open source', 'Our open source model'],
    ['opensource', 'Our opensource model'],
    ['OpenSource', 'Our OpenSource model'],
    ['open-sourcing', 'We are open-sourcing the library'],
    ['French elision', 'La communauté de l’open source'],
  ])('%s is open source', (_name, title) => {
    expect(themesOf({ title })).toEqual(['open-source']);
  });

  it.each([
    ['typographic apostrophe', 'L’apprentissage fédéré arrive à l’hôpital'],
    ['straight apostrophe', "L'apprentissage fédéré arrive à l'hôpital"],
    ['plural, no accents', 'Apprentissages federes : un etat de l art'],
  ])('French federated learning with a %s', (_name, title) => {
    expect(themesOf({ title, language: 'fr' })).toContain('federated-learning');
  });

  it('matches phrases in order only', () => {
    expect(themesOf({ summary: 'The source of the open question', language: 'en' })).toEqual([]);
  });

  it('matches a regular expression term on the raw text', () => {
    const [match] = tagger.tag(item({ summary: 'Patch CVE-2025-12345 now.', language: 'en' }));
    expect(match?.evidence).toContainEqual({ term: '/\\bCVE-\\d{4}-\\d{4,}\\b/', field: 'summary', matched: 'CVE-2025-12345' });
  });
});

describe('exclusions: phrases that look like a term and are not', () => {
  // Each title holds a term strong enough to tag on its own, inside a phrase the taxonomy excludes.
  it.each([
    ['sécurité routière', 'Sécurité routière : des radars dopés à l’IA', 'fr', 'security'],
    ['national security', 'A national security advisory council', 'en', 'security'],
    ['open source intelligence', 'Open source intelligence tools for investigators', 'en', 'open-source'],
    ['generative adversarial', 'Generative adversarial networks for images', 'en', 'security'],
    ['scaling law', 'A new scaling law for sparse models', 'en', 'regulation'],
    ['press conference', 'Highlights of the press conference', 'en', 'events'],
    ['surveillance des prix', 'Surveillance des prix dans la distribution', 'fr', 'privacy'],
    ['surveillance du marché, a regulator\'s task', 'La surveillance du marché confiée à trois autorités', 'fr', 'privacy'],
    ['LLM as a judge', 'Evaluating RAG with an LLM as a judge', 'en', 'regulation'],
    ['data governance', 'Data governance for your pipelines', 'en', 'regulation'],
    ['dependency injection', 'Dependency injection in Python services', 'en', 'security'],
    ['salon Discord', 'Un salon Discord pour les développeurs', 'fr', 'events'],
  ])('%s', (_name, title, language, theme) => {
    expect(themesOf({ title, language })).not.toContain(theme);
  });

  it('hides only the words the exclusion covers', () => {
    const yaml = `version: 1
themes:
  - id: privacy
    label: Vie privée
    definition: Privacy.
    vocabulary: { en: [private] }
    exclusions: { en: [private beta] }
`;
    const t = createTagger(parseTaxonomy(yaml, 't.yaml'));
    expect(t.tag(item({ summary: 'Now in private beta', language: 'en' }))).toEqual([]);
    expect(t.tag(item({ summary: 'Private beta of a private assistant', language: 'en' })).map((m) => m.evidence)).toEqual([[{ term: 'private', field: 'summary' }]]);
  });

  it('still counts the term elsewhere in the same text', () => {
    expect(themesOf({ title: 'Open source intelligence, now with an open source model', language: 'en' })).toEqual(['open-source']);
  });

  it.each([
    ['Fédération française', 'La Fédération française de judo lance une application', 'fr'],
    ['Federal Reserve', 'Federal Reserve officials weigh AI and productivity', 'en'],
    ['cabinet privé', 'Un cabinet privé de radiologie s’équipe d’une IA', 'fr'],
    ['exploit, a feat in French', 'Le modèle fait un exploit aux olympiades', 'fr'],
    ['fediverse', 'The fediverse and its federated social network', 'en'],
    ['rules, whose English stem "ruling" shares', 'Ten rules to improve your coding agent', 'en'],
    ['modèle d’extraction, no model extraction attack', 'Un modèle d’extraction de documents pour les factures', 'fr'],
    ['open as a verb', 'Open the model settings to change the voice', 'en'],
  ])('%s tags nothing', (_name, title, language) => {
    expect(themesOf({ title, language })).toEqual([]);
  });
});

describe('evidence and scores', () => {
  it('names each matched term and where it was found', () => {
    const [match] = tagger.tag(
      item({ title: 'Federated learning in hospitals', summary: 'Secure aggregation keeps data local.', content: '<p>FedAvg</p>', categories: ['Federated Learning'], language: 'en' }),
    );
    expect(match?.id).toBe('federated-learning');
    expect(match?.evidence).toEqual([
      { term: 'federated learning', field: 'title' },
      { term: 'secure aggregation', field: 'summary' },
      { term: 'fedavg', field: 'content' },
      { term: 'Federated Learning', field: 'category' },
    ]);
    expect(match?.score).toBeGreaterThan(0.9);
    expect(match?.score).toBeLessThanOrEqual(1);
  });

  it('weighs the title above the body', () => {
    const inTitle = tagger.tag(item({ title: 'A ransomware wave', language: 'en' }))[0]?.score ?? 0;
    const inBody = tagger.tag(item({ summary: 'A ransomware wave', language: 'en' }))[0]?.score ?? 0;
    expect(inTitle).toBeGreaterThan(inBody);
    expect(inBody).toBeGreaterThanOrEqual(0.5);
  });

  it('takes a feed category mapped in the taxonomy as evidence on its own', () => {
    expect(tagger.tag(item({ title: 'Weekly notes', categories: ['Open Source'] }))).toEqual([
      { id: 'open-source', score: 0.5, evidence: [{ term: 'Open Source', field: 'category' }] },
    ]);
  });

  it('returns themes in taxonomy order, only those at or above their threshold', () => {
    const ids = themesOf({ title: 'Security summit: GDPR, open source and federated learning', language: 'en' });
    expect(ids).toEqual(['open-source', 'federated-learning', 'privacy', 'regulation', 'security', 'events']);
    expect(themesOf({ summary: 'A weak hint: hackers.', language: 'en' })).toEqual([]);
  });

  it('adds a source hint only to a theme that already has a term', () => {
    const yaml = `version: 1
themes:
  - id: t
    label: T
    definition: A theme.
    threshold: 0.6
    vocabulary: { en: [alpha] }
    hints: [{ source: example.org, boost: 1 }]
`;
    const hinted = createTagger(parseTaxonomy(yaml, 't.yaml'));
    const base = { summary: 'alpha', categories: [], language: 'en' };
    expect(hinted.tag({ ...base, title: '' }).map((m) => m.id)).toEqual([]);
    expect(hinted.tag({ ...base, title: '', sourceUrl: 'https://blog.example.org/feed' }).map((m) => m.id)).toEqual(['t']);
    expect(hinted.tag({ ...base, title: '', summary: 'beta', sourceUrl: 'https://example.org/' })).toEqual([]);
  });
});

describe('language', () => {
  it('detects French confidently, only among the allowed languages', () => {
    expect(detectLanguage('Les chercheurs ont publié hier une étude sur la protection des données personnelles.', ['en', 'fr'])).toEqual({ language: 'fr', confident: true });
    expect(detectLanguage('ok', ['en', 'fr'])?.confident ?? false).toBe(false);
  });

  it('overrides a wrong declared language when detection is confident', () => {
    // A French item in a feed that declares English: the French vocabulary must still apply.
    const title = 'Les hôpitaux partagent un modèle sans partager les données de leurs patients';
    const summary = 'Les chercheurs ont développé une méthode d’apprentissage décentralisé qui évite de centraliser les dossiers médicaux.';
    expect(themesOf({ title, summary, language: 'en' })).toEqual(['federated-learning']);
  });

  it('keeps the declared language when detection is not confident', () => {
    // "surveillance" is a French privacy term only in French items; a short English item keeps its language.
    expect(themesOf({ summary: 'Surveillance', language: 'en' })).toEqual(['privacy']);
    expect(themesOf({ summary: 'Attaque', language: 'en' })).toEqual([]);
  });
});

describe('the story veille was born from', () => {
  it('files the French post on the AAAI workshops under open source and federated learning', () => {
    const [first, ...rest] = readFileSync(`${FIXTURES}labels/seed-post-fr.txt`, 'utf8').split('\n');
    const ids = themesOf({ title: 'Deux ateliers AAAI 2025 : IA open source et apprentissage fédéré', summary: first ?? '', content: rest.join('\n'), language: 'fr' });
    expect(ids).toEqual(expect.arrayContaining(['open-source', 'federated-learning']));
    expect(ids).not.toContain('privacy');
    expect(ids).not.toContain('security');
    expect(ids).not.toContain('regulation');
  });
});

// Issue 19: kinds of news the tagger missed or mistook (sentences written for this test, not from any label set).
describe('senses and look-alikes of issue 19', () => {
  it.each([
    ['regulation', 'Tokyo and Ottawa issue a joint statement on frontier AI testing', 'en'],
    ['regulation', 'Ministers meet at the AI Safety Summit in Delhi', 'en'],
    ['regulation', 'Court rules that model outputs are no copies', 'en'],
    ['regulation', 'A federal court blocks the chatbot rule', 'en'],
    ['privacy', 'Gradient inversion attacks rebuild the faces of a training set', 'en'],
    ['privacy', 'A keyboard that learns while your text never leaves the phone', 'en'],
    ['privacy', 'Les données ne quittent jamais le cabinet médical', 'fr'],
    ['privacy', 'A sync bug showed other users’ calendars', 'en'],
    ['privacy', 'Vos publications nourriront le prochain modèle', 'fr'],
    ['open-source', 'An open benchmark for speech recognition in twenty languages', 'en'],
    ['open-source', 'Un éditeur publie le code de son moteur de recherche', 'fr'],
    ['privacy', 'Attack recovers training images from gradients', 'en'],
    ['privacy', 'Une attaque retrouve les données d’entraînement à partir des gradients', 'fr'],
    ['regulation', 'Algorithm investigators join the city administration', 'en'],
    ['regulation', 'Des enquêteurs des algorithmes au service de l’État', 'fr'],
    ['open-source', 'We release Olmo 3 with weights, code and data', 'en'],
    // Security told without its usual words, met while tuning on tune-2026-12-07b.
    ['security', 'Les robots résolvent désormais les captchas', 'fr'],
    ['security', 'Des bandes varient leurs tentatives de connexion grâce aux modèles de langage', 'fr'],
    // Security and regulation told without their usual words, met while tuning on tune-2026-12-09.
    ['security', 'A honeypot run by a language model keeps intruders busy', 'en'],
    ['security', 'Membership inference reveals whose records trained the model', 'en'],
    ['security', 'Inférence d’appartenance : le dossier d’un patient a-t-il servi à l’entraînement ?', 'fr'],
    ['security', 'Une extraction de modèle copie un classifieur commercial', 'fr'],
    ['security', 'Vol de modèle dans un laboratoire parisien', 'fr'],
    ['security', 'Capture du drapeau : dix équipes tentent de débrider des modèles', 'fr'],
    ['regulation', 'Export rules now cover the weights of closed models', 'en'],
    ['regulation', 'Twenty firms added to the export blacklist', 'en'],
    // English security told without its usual words, met while tuning on tune-2026-12-10 (and tune-2026-12-09's tuning half).
    ['security', 'Bots with vision models now solve most image CAPTCHAs', 'en'],
    ['security', 'Hidden prompts in papers sway AI reviewers', 'en'],
    // English security told without its usual words, kinds met in the held-out parts (tune-2026-12-11 and the
    // others' held-out halves): exposed servers and secrets, defenders' tools, watermark removal, side channels.
    ['security', 'Inference servers answer anyone, with no authentication', 'en'],
    ['security', 'Code model repeats API keys and credentials it saw in training', 'en'],
    ['security', 'SOC analysts hand alert triage to a language model', 'en'],
    ['security', 'Paraphrasing strips watermarks from generated text', 'en'],
    ['security', 'An eavesdropper reads chatbot replies from packet sizes', 'en'],
    ['security', 'Booby-trapped model files on a public hub', 'en'],
    ['security', 'A calendar invite tricks the assistant into mailing files out', 'en'],
    ['security', 'Printed patterns fool the vision model of a delivery robot', 'en'],
    ['security', 'Pen testers chain their findings with an AI copilot', 'en'],
  ])('%s: %s', (theme, title, language) => {
    expect(themesOf({ title, language })).toContain(theme);
  });

  it.each([
    ['regulation', 'Les lois d’échelle des réseaux de neurones revisitées', 'fr'],
    ['regulation', 'A lab rewrites its responsible scaling policy', 'en'],
    ['regulation', 'Orchestration gets declarative automation', 'en'],
    // Issue 19's look-alikes, by sense: a school's or a university's own rule, a mountain's summit, a feat.
    ['regulation', 'University bans ChatGPT for coursework', 'en'],
    ['regulation', 'Une université interdit ChatGPT aux étudiants', 'fr'],
    ['events', 'Climbers reach the summit of K2 in winter', 'en'],
    ['events', 'Un grimpeur atteint le sommet du K2 en hiver', 'fr'],
    ['security', "Striker's exploit seals the cup", 'en'],
    ['regulation', 'Venture funds court robotics startups', 'en'],
    ['open-source', 'Le portail open data de la métropole s’enrichit', 'fr'],
    // Security's look-alikes met while tuning on tune-2026-12-07b: a compromise, a contract, a camera, a
    // place won, energy, vulnerable people, a lawsuit, piracy of works, capital, attack as a figure of speech.
    ['security', 'Negotiators reach a compromise on the rules for general-purpose models', 'en'],
    ['security', 'Voice actors sue a studio for breach of contract', 'en'],
    ['security', 'Shops install AI security cameras', 'en'],
    ['security', 'Start-up secures a place in the accelerator', 'en'],
    ['security', 'Energy security: the grid operator balances wind with AI', 'en'],
    ['security', 'Chatbots for vulnerable patients need a human in the loop', 'en'],
    ['security', 'Des maisons de disques attaquent en justice un générateur de chansons', 'fr'],
    ['security', 'Le procès pour des livres piratés aura lieu', 'fr'],
    ['security', 'Une injection de capital de 200 millions', 'fr'],
    ['security', 'L’entreprise passe à l’attaque face aux géants du nuage', 'fr'],
    ['security', 'Conduire en toute sécurité avec un assistant vocal', 'fr'],
    ['security', 'Pour les patients vulnérables, un humain dans la boucle', 'fr'],
    ['events', 'L’atelier de carrosserie adopte un robot de peinture', 'fr'],
    ['events', 'Au sommet de l’Everest, des capteurs alimentent un modèle météo', 'fr'],
    ['regulation', 'La loi de Moore ralentit', 'fr'],
    ['regulation', 'Un modèle améliore la régulation de la glycémie', 'fr'],
    ['regulation', 'La régulation thermique des centres de données', 'fr'],
    // Security's look-alikes met while tuning on tune-2026-12-09: an airport's lanes, a shopping day, an
    // institute's name (regulation), cameras as products, pupils, a funding round.
    ['security', 'Airport security trials AI scanners for hand luggage', 'en'],
    ['security', 'Cyber Monday deals on AI laptops', 'en'],
    ['security', 'The AI Security Institute publishes its yearly report', 'en'],
    ['security', 'Comparatif des caméras de sécurité connectées', 'fr'],
    ['security', 'Un assistant de lecture pour les élèves vulnérables', 'fr'],
    ['security', 'La jeune pousse sécurise une levée de 5 millions', 'fr'],
    // English security's look-alikes met while tuning on tune-2026-12-10: a ticket, a dam, pupils, investors, a
    // market's supply.
    ['security', 'Secure your spot: early-bird tickets for the AI summit end Friday', 'en'],
    ['security', 'Dam breach scenarios simulated in minutes by a neural flood model', 'en'],
    ['security', 'Vulnerable pupils get extra tutoring from an AI assistant', 'en'],
    ['security', 'Chipmaker secures supply of advanced packaging capacity', 'en'],
    // English security's look-alikes met in the held-out parts: money put in, water, secure aggregation (federated
    // learning), a film's title, a system-on-chip.
    ['security', 'Chip start-up gets a capital injection from its backers', 'en'],
    ['security', 'Water security: a model forecasts reservoir levels', 'en'],
    ['security', 'Secure aggregation sums the phones’ updates', 'en'],
    ['security', 'Attack of the clones: copycat assistants flood the store', 'en'],
    ['security', 'A humanoid robot steals the show at the fair', 'en'],
    ['security', 'Robot maker secures $80 million in new funding round', 'en'],
    ['security', 'Chip start-up secures $300 million to expand production', 'en'],
  ])('not %s: %s', (theme, title, language) => {
    expect(themesOf({ title, language })).not.toContain(theme);
  });
});

describe('explainText', () => {
  it('lists themes with labels, scores and evidence', () => {
    const text = explainText(tagger, 'La CNIL publie ses recommandations sur les données personnelles et l’apprentissage fédéré.');
    expect(text).toContain('Apprentissage fédéré (federated-learning) — score');
    expect(text).toContain('Confidentialité et données personnelles (privacy)');
    expect(text).toMatch(/"données personnelles" in the summary/u);
    // Operator output, in English: scores with a decimal point, no French word of veille's own.
    expect(text).toMatch(/score \d\.\d\d, threshold \d\.\d\d/u);
    expect(text).not.toMatch(/seuil|dans le/u);
  });

  // Issue 17, finding 8: the evidence of a regular expression was its source, `/\bCVE-\d{4}-\d{4,}\b/`.
  it('shows the words a regular expression matched, not the expression', () => {
    const text = explainText(tagger, 'A patch for CVE-2024-12345 and an ISO 27001 audit.');
    expect(text).toMatch(/"CVE-2024-12345" in the summary/u);
    expect(text).toMatch(/"ISO 27001" in the summary/u);
    expect(text).not.toMatch(/"\/|\\b/u);
  });

  // Issue 19: each theme's score and threshold, the weight of each word, and the exclusion that vetoed a theme.
  it('shows a theme below its threshold and the weight of its words', () => {
    const text = explainText(tagger, 'A new government report on chips.');
    expect(text).toMatch(/\(regulation\) — score 0\.\d\d, threshold 0\.50: not tagged: below the threshold/u);
    expect(text).toMatch(/"government" in the summary, weight 0\.30/u);
  });

  // Issue 19: the words that matched are the item's own, with the term they matched when the form differs.
  it('quotes the words of the text, and the term they matched when their form differs', () => {
    const text = explainText(tagger, 'Les hôpitaux entraînent un modèle commun ; les mises à jour sont agrégées.');
    expect(text).toMatch(/"agrégées" in the summary \(term "agréger"\), weight 0\.40/u);
    expect(text).toMatch(/"modèle commun" in the summary, weight 0\.50/u);
  });

  it('names the exclusion that hid a theme’s words', () => {
    const text = explainText(tagger, 'A study of the scaling law of transformers.');
    expect(text).toMatch(/\(regulation\) — score 0\.00, threshold 0\.50: not tagged: every word found was excluded/u);
    expect(text).toMatch(/"law" in the summary does not count: excluded by "scaling law"/u);
  });

  it('says when no theme matched', () => {
    expect(explainText(tagger, 'Le temps qu’il fait à Brest')).toBe('No theme matched.');
  });
});
