// A store seeded with one week of items (2026-W47, 16–22 November 2026, Europe/Paris) for the
// digest and email tests: the AAAI 2025 story told by AIhub (English) and a French blog, a privacy
// item, an untagged item, and one item just outside the week on each side.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Item, ThemeMatch } from '../../src/domain/types.js';
import { Store } from '../../src/store/store.js';
import { THEMES_FILE } from '../helpers/cli.js';

/** Thursday of the week after: the last complete week is 2026-W47. */
export const NOW = '2026-11-26T08:00:00Z';
export const WEEK = '2026-W47';

export function item(overrides: Partial<Item> & Pick<Item, 'id' | 'title' | 'publishedAt'>): Item {
  return {
    guid: overrides.id,
    link: `https://example.org/${overrides.id}`,
    summary: 'Un résumé.',
    contentHtml: '<p>Un contenu.</p>',
    author: null,
    updatedAt: null,
    dateMissing: false,
    categories: [],
    language: 'fr',
    links: [],
    imageUrl: null,
    ...overrides,
  };
}

function themes(...ids: Array<[string, number]>): ThemeMatch[] {
  return ids.map(([id, score]) => ({ id, score, evidence: [] }));
}

export const AIHUB_URL = 'https://aihub.org/feed/';
export const BLOG_URL = 'https://blog.example.fr/feed.xml';

export const WEEK_ITEMS: Array<{ source: string; item: Item; themes: ThemeMatch[] }> = [
  {
    source: AIHUB_URL,
    item: item({
      id: 'aihub-aaai',
      title: 'Open source AI and federated learning: a recap of two AAAI 2025 workshops',
      summary:
        'AIhub reports on two AAAI 2025 workshops. The first, "Open Source AI for Mainstream Use", looked at open models. The second, FLUID, was about federated learning. Both drew large crowds. A fourth sentence that the digest leaves out.',
      language: 'en',
      publishedAt: '2026-11-17T09:00:00.000Z',
    }),
    themes: themes(['open-source', 0.9], ['federated-learning', 0.8], ['events', 0.6]),
  },
  {
    source: BLOG_URL,
    item: item({
      id: 'blog-fluid',
      title: 'Apprentissage fédéré : ce qu’il faut retenir de l’atelier FLUID',
      summary: 'Un billet en français sur l’atelier FLUID de l’AAAI 2025, d’après AIhub.',
      publishedAt: '2026-11-18T10:00:00.000Z',
      // The French post links back to AIhub's recap (data/seed-post-fr.txt in DESIGN.md).
      links: ['https://example.org/aihub-aaai'],
    }),
    themes: themes(['federated-learning', 0.95], ['open-source', 0.7]),
  },
  {
    source: BLOG_URL,
    item: item({
      id: 'blog-rgpd',
      title: 'RGPD et modèles de langage : la CNIL publie ses recommandations',
      summary: 'La CNIL précise comment le RGPD s’applique à l’entraînement des modèles.',
      // Sunday 22 November, 23:30 in Paris: still in the week.
      publishedAt: '2026-11-22T22:30:00.000Z',
    }),
    themes: themes(['privacy', 0.9], ['regulation', 0.7]),
  },
  {
    source: AIHUB_URL,
    item: item({ id: 'aihub-misc', title: 'Interview with a robotics researcher', language: 'en', publishedAt: '2026-11-16T00:30:00.000Z' }),
    themes: [],
  },
  {
    source: AIHUB_URL,
    // Sunday 15 November, 23:30 in Paris: the week before.
    item: item({ id: 'aihub-before', title: 'Before the week', publishedAt: '2026-11-15T22:30:00.000Z' }),
    themes: themes(['security', 0.9]),
  },
  {
    source: BLOG_URL,
    // Monday 23 November, 00:30 in Paris: the week after.
    item: item({ id: 'blog-after', title: 'After the week', publishedAt: '2026-11-22T23:30:00.000Z' }),
    themes: themes(['security', 0.9]),
  },
];

export interface DigestProject {
  readonly dir: string;
  readonly configFile: string;
  cleanup(): void;
}

/** A folder with a config (extra YAML appended) and a store holding WEEK_ITEMS. */
export function makeDigestProject(extraYaml = ''): DigestProject {
  const dir = mkdtempSync(join(tmpdir(), 'veille-digest-'));
  const configFile = join(dir, 'veille.yaml');
  writeFileSync(
    configFile,
    [
      'site: { title: Veille IA, url: "https://veille.example.org/" }',
      `sources:\n  - { url: "${AIHUB_URL}", name: AIhub, lang: en }\n  - { url: "${BLOG_URL}", name: "Le blog de l’IA ouverte", lang: fr }`,
      `themes: ${JSON.stringify(THEMES_FILE)}`,
      'storage: { path: data/veille.db }',
      'publish: { dir: public }',
      'log: { level: warn }',
      // The stored items link to the web: no article page is fetched (no test touches the network).
      /^fullText:/m.test(extraYaml) ? '' : 'fullText: { maxPerCycle: 0 }',
      extraYaml,
      '',
    ].join('\n'),
  );
  const store = Store.open(join(dir, 'data/veille.db'));
  const sources = store.syncSources(
    [
      { url: AIHUB_URL, name: 'AIhub', lang: 'en' },
      { url: BLOG_URL, name: 'Le blog de l’IA ouverte', lang: 'fr' },
    ],
    NOW,
  );
  for (const source of sources) {
    const mine = WEEK_ITEMS.filter((entry) => entry.source === source.url);
    store.saveItems(source.id, mine.map(({ item, themes }) => ({ item, themes })), NOW);
  }
  store.close();
  return { dir, configFile, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
