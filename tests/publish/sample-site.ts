// A small published site for the publish and end-to-end tests: the AAAI 2025 story told by
// AIhub (English) and a French blog, plus a privacy item. Fixed clock, no randomness.

import { siteLocale } from '../../src/domain/site-locale.js';
import type { FeedEntry, FeedMeta, ThemeInfo } from '../../src/domain/types.js';
import type { OpmlSource } from '../../src/publish/opml.js';
import type { SiteSnapshot } from '../../src/publish/publish-site.js';

export const BUILT_AT = new Date('2025-04-07T06:00:00Z');

export const THEMES: readonly ThemeInfo[] = [
  { id: 'open-source', label: 'Open source', definition: 'Modèles, jeux de données et outils ouverts.' },
  { id: 'federated-learning', label: 'Apprentissage fédéré', definition: null },
  { id: 'privacy', label: 'Confidentialité et données personnelles', definition: null },
  { id: 'regulation', label: 'Régulation et gouvernance', definition: null },
  { id: 'security', label: 'Sécurité', definition: null },
  { id: 'events', label: 'Événements et conférences', definition: null },
];

function theme(id: string): ThemeInfo {
  const found = THEMES.find((t) => t.id === id);
  if (found === undefined) throw new Error(`no theme ${id}`);
  return found;
}

const AIHUB = { name: 'AIhub', url: 'https://aihub.org/feed/', siteUrl: 'https://aihub.org/' };
const BLOG = { name: 'Le blog de l’IA ouverte', url: 'https://blog.example.fr/feed.xml', siteUrl: null };

export function entry(overrides: Partial<FeedEntry> & Pick<FeedEntry, 'guid' | 'title'>): FeedEntry {
  return {
    link: `https://example.org/${encodeURIComponent(overrides.guid)}`,
    summary: 'Un résumé.',
    contentHtml: '<p>Un contenu.</p>',
    author: null,
    publishedAt: '2025-04-01T08:00:00Z',
    updatedAt: '2025-04-01T08:00:00Z',
    language: 'fr',
    source: BLOG,
    themes: [],
    imageUrl: null,
    ...overrides,
  };
}

export const ENTRIES: readonly FeedEntry[] = [
  entry({
    guid: 'urn:veille:item:fr-aaai',
    title: 'Deux ateliers de l’AAAI 2025 : l’IA open source et l’apprentissage fédéré',
    link: 'https://blog.example.fr/2025/04/aaai-ateliers',
    summary: 'AIhub revient sur deux ateliers de l’AAAI 2025 consacrés à l’IA « open source » & à FLUID.',
    contentHtml: '<p>AIhub revient sur <a href="https://aihub.org/2025/04/03/aaai-workshops/">deux ateliers</a>.</p>\n<p>Suite &amp; fin.</p>',
    publishedAt: '2025-04-05T09:30:00Z',
    updatedAt: '2025-04-05T10:00:00Z',
    themes: [theme('open-source'), theme('federated-learning'), theme('events')],
  }),
  entry({
    guid: 'urn:veille:item:aihub-aaai',
    title: 'Open Source AI for Mainstream Use and FLUID: two AAAI 2025 workshops',
    link: 'https://aihub.org/2025/04/03/aaai-workshops/',
    summary: 'A recap of the “Open Source AI for Mainstream Use” and FLUID workshops at AAAI 2025.',
    contentHtml: '<p>A recap of two workshops held at <strong>AAAI 2025</strong>.</p>',
    author: 'Lucy Smith',
    publishedAt: '2025-04-03T14:00:00Z',
    updatedAt: '2025-04-03T14:00:00Z',
    language: 'en',
    source: AIHUB,
    themes: [theme('open-source'), theme('federated-learning'), theme('events')],
    imageUrl: 'https://aihub.org/wp-content/uploads/aaai.png',
  }),
  entry({
    guid: 'urn:veille:item:aihub-privacy',
    title: 'Differential privacy in practice',
    link: 'https://aihub.org/2025/03/28/dp/',
    summary: 'How differential privacy protects personal data in training sets.',
    contentHtml: '',
    author: 'Ana Lee',
    publishedAt: '2025-03-28T07:15:00Z',
    updatedAt: '2025-03-28T07:15:00Z',
    language: 'en',
    source: AIHUB,
    themes: [theme('privacy')],
  }),
];

export const SOURCES: readonly OpmlSource[] = [
  { url: AIHUB.url, name: AIHUB.name, lang: 'en', siteUrl: AIHUB.siteUrl, category: 'Recherche' },
  { url: BLOG.url, name: BLOG.name, lang: 'fr', siteUrl: null, category: null },
];

export const SITE_URL = 'https://veille.example.org/';

export function sampleSnapshot(overrides: Partial<SiteSnapshot> = {}): SiteSnapshot {
  return {
    meta: {
      title: 'Veille IA',
      description: 'L’actualité de l’IA, en français, par thème.',
      siteUrl: SITE_URL,
      generator: 'veille 0.1.0',
      locale: siteLocale('fr', 'Europe/Paris'),
    },
    entries: ENTRIES,
    themes: THEMES,
    sources: SOURCES,
    builtAt: BUILT_AT,
    ...overrides,
  };
}

export function sampleMeta(overrides: Partial<FeedMeta> = {}): FeedMeta {
  return {
    title: 'Veille IA',
    description: 'L’actualité de l’IA, en français, par thème.',
    siteUrl: SITE_URL,
    feedUrl: `${SITE_URL}feed.xml`,
    language: 'fr',
    updatedAt: '2025-04-05T10:00:00Z',
    generator: 'veille 0.1.0',
    ...overrides,
  };
}
