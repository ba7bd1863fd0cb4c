// The reading pages from the stored stories (issue 18, findings 1 and 2): the AAAI story told by
// AIhub (English) and a French blog is shown once, in French, naming and linking both sources, and
// each theme has its page.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { load } from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupStoredStories } from '../../src/app/group-stored-stories.js';
import { publishFromStore, inSiteLanguage } from '../../src/app/publish.js';
import { loadConfig } from '../../src/config/load-config.js';
import { siteLocale } from '../../src/domain/site-locale.js';
import { Store } from '../../src/store/store.js';
import { loadTaxonomy } from '../../src/tag/taxonomy.js';
import { makeDigestProject, NOW, type DigestProject } from '../digest/digest-fixture.js';
import { THEMES_FILE } from '../helpers/cli.js';
import { entry } from '../publish/sample-site.js';

let project: DigestProject;
const FR = siteLocale('fr', 'Europe/Paris');

beforeAll(async () => {
  project = makeDigestProject();
  const config = loadConfig(project.configFile);
  const store = Store.open(join(project.dir, 'data/veille.db'));
  try {
    // As a cycle does: the French post links to AIhub's recap, so both are one story.
    groupStoredStories(store, new Date(NOW));
    await publishFromStore({ config, store, taxonomy: loadTaxonomy(THEMES_FILE), builtAt: new Date(NOW) });
  } finally {
    store.close();
  }
});

afterAll(() => project?.cleanup());

async function page(path: string) {
  return load(await readFile(join(project.dir, 'public', path), 'utf8'));
}

describe('the home page from the store', () => {
  it('shows the AAAI story once, its French title, both sources linked and its mark', async () => {
    const $ = await page('index.html');
    const titles = $('article h3').toArray().map((h) => $(h).text());
    expect(titles).toContain('Apprentissage fédéré : ce qu’il faut retenir de l’atelier FLUID');
    // AIhub's English telling is not shown on its own.
    expect(titles.filter((title) => title.includes('AAAI 2025 workshops'))).toEqual([]);
    const story = $('article').filter((_i, article) => $(article).find('h3').text().includes('atelier FLUID'));
    expect(story.length).toBe(1);
    const sources = story.find('p.meta a').toArray().map((a) => [$(a).text(), $(a).attr('href')]);
    expect(sources).toEqual([
      ['AIhub', 'https://example.org/aihub-aaai'],
      ['Le blog de l’IA ouverte', 'https://example.org/blog-fluid'],
    ]);
    expect(story.find('.mark').text()).toBe('En français');
    expect(story.find('ul.themes a').toArray().map((a) => $(a).attr('href'))).toContain('themes/federated-learning.html');
  });

  it('counts the sources it follows', async () => {
    expect((await page('index.html'))('header p.meta').text()).toMatch(/^2 sources suivies · Mis à jour le 26 novembre 2026 à 09:00/);
  });

  it('writes one page per theme holding that theme’s stories only', async () => {
    const $ = await page('themes/privacy.html');
    expect($('h1').text()).toBe('Confidentialité et données personnelles');
    const titles = $('article h3').toArray().map((h) => $(h).text());
    expect(titles.length).toBeGreaterThan(0);
    for (const article of $('article').toArray()) {
      expect($(article).find('ul.themes a').toArray().map((a) => $(a).attr('href'))).toContain('../themes/privacy.html');
    }
    const federated = await page('themes/federated-learning.html');
    expect(federated('article h3').toArray().map((h) => federated(h).text())).toContain('Apprentissage fédéré : ce qu’il faut retenir de l’atelier FLUID');
  });
});

describe('inSiteLanguage keeps the texts as written for the pages’ mark', () => {
  const english = entry({ guid: 'en', title: 'Differential privacy', summary: 'How it works.', language: 'en' });

  it('an untranslated text: the note in the title, the texts without it in `reading`', () => {
    const shown = inSiteLanguage(english, () => null, FR);
    expect(shown.title).toBe('Differential privacy (en anglais)');
    expect(shown.reading).toEqual({ mark: 'foreign', from: 'en', title: 'Differential privacy', summary: 'How it works.' });
  });

  it('a translated text: the translation without its note in `reading`', () => {
    const shown = inSiteLanguage(english, () => ({ title: 'Confidentialité différentielle', summary: 'Comment elle marche.', from: 'en' }), FR);
    expect(shown.reading).toEqual({ mark: 'translated', from: 'en', title: 'Confidentialité différentielle', summary: 'Comment elle marche.' });
  });

  it('a text in the site’s language has no reading', () => {
    expect(inSiteLanguage(entry({ guid: 'fr', title: 'Titre' }), () => null, FR).reading).toBeUndefined();
  });
});
