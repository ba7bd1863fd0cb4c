// The language stage in a whole cycle: an item's stored and published language is the detected one
// when detection is confident, else the one its feed declares.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rssFeed, serveBody, startFeedServer, type FeedServer } from '../helpers/feed-server.js';
import { makeCycleProject, type CycleProject } from './cycle-harness.js';

const NOW = new Date('2026-11-26T08:00:00Z');

const FEED = rssFeed(
  'Declared English',
  [
    {
      title: 'Les hôpitaux partagent un modèle sans partager les données de leurs patients',
      link: 'https://example.org/fr',
      guid: 'fr',
      date: 'Tue, 24 Nov 2026 09:00:00 GMT',
      description: 'Les chercheurs ont développé une méthode d’apprentissage décentralisé qui évite de centraliser les dossiers médicaux.',
    },
    { title: 'Attaque', link: 'https://example.org/short', guid: 'short', date: 'Tue, 24 Nov 2026 08:00:00 GMT' },
    {
      title: 'Hospitals share a model without sharing their patients’ data',
      link: 'https://example.org/en',
      guid: 'en',
      date: 'Tue, 24 Nov 2026 07:00:00 GMT',
      description: 'The researchers built a decentralized learning method that avoids gathering medical records in one place.',
    },
  ],
  'en',
);

describe('the language stage in a cycle', () => {
  let server: FeedServer;
  let project: CycleProject;

  beforeAll(async () => {
    server = await startFeedServer({ '/feed.xml': serveBody(FEED, 'application/rss+xml; charset=utf-8') });
    project = makeCycleProject(`sources:\n  - { url: "${server.base}/feed.xml", name: Declared }\nfetch: { perHostDelayMs: 0 }`);
    await project.run(NOW);
  });

  afterAll(async () => {
    project.cleanup();
    await server.close();
  });

  const languageByLink = (): Map<string, string | null> =>
    new Map(project.store.recentItems(10).map((item) => [item.link ?? '', item.language]));

  it.each([
    ['a French item in an English-declared feed becomes French', 'https://example.org/fr', 'fr'],
    ['a short, ambiguous item keeps the declared language', 'https://example.org/short', 'en'],
    ['an English item stays English', 'https://example.org/en', 'en'],
  ])('%s', (_name, link, language) => {
    expect(languageByLink().get(link)).toBe(language);
  });

  it('tags the French item with the French vocabulary', () => {
    const item = project.store.recentItems(10).find((candidate) => candidate.link === 'https://example.org/fr');
    expect(item?.themes.map((theme) => theme.id)).toContain('federated-learning');
  });

  it('publishes the language: xml:lang on Atom entries, `language` on JSON Feed items', () => {
    const atom = readFileSync(join(project.dir, 'public/atom.xml'), 'utf8');
    const langs = [...atom.matchAll(/<entry xml:lang="([^"]+)">[\s\S]*?<link rel="alternate" type="text\/html" href="([^"]+)"/g)].map(
      (match): [string | undefined, string | undefined] => [match[2], match[1]],
    );
    expect(new Map(langs)).toEqual(new Map([['https://example.org/fr', 'fr'], ['https://example.org/short', 'en'], ['https://example.org/en', 'en']]));
    const json = JSON.parse(readFileSync(join(project.dir, 'public/feed.json'), 'utf8')) as { items: { url: string; language?: string }[] };
    expect(new Map(json.items.map((item) => [item.url, item.language]))).toEqual(
      new Map([['https://example.org/fr', 'fr'], ['https://example.org/short', 'en'], ['https://example.org/en', 'en']]),
    );
  });
});
