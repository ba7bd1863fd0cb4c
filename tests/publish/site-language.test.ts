// The words readers see follow `site.language` (issue 14): a site in English publishes English
// pages, feeds, digests and letters, names French items as such, and never says "(en anglais)".
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempProject, runCli, type TempProject } from '../helpers/cli.js';
import { rssFeed, serveBody, startFeedServer, type FeedServer } from '../helpers/feed-server.js';
import { atomProblems } from './atom-check.js';

const NOW = '2026-11-26T08:00:00Z';

const ENGLISH = rssFeed('AIhub', [
  {
    title: 'Federated learning workshop recap',
    link: 'https://aihub.org/2026/11/16/fl-recap/',
    guid: 'https://aihub.org/?p=1',
    date: 'Tue, 17 Nov 2026 09:12:44 +0000',
    description: '<p>Federated learning lets hospitals train a shared model without pooling their data.</p>',
  },
  // Neither title nor text: readers get the site's word for "untitled".
  { title: '', link: 'https://aihub.org/2026/11/18/untitled/', guid: 'https://aihub.org/?p=2', date: 'Wed, 18 Nov 2026 10:00:00 +0000' },
]);

const FRENCH = rssFeed(
  'Blog IA',
  [
    {
      title: 'La CNIL et les données personnelles',
      link: 'https://blog.example.fr/cnil',
      guid: 'cnil-1',
      date: 'Wed, 18 Nov 2026 07:45:00 +0100',
      description: 'Le RGPD et l’entraînement des modèles : ce que la CNIL attend des entreprises qui entraînent des modèles sur des données personnelles.',
    },
  ],
  'fr-FR',
);

/** The letter's quoted-printable parts as text (RFC 2045 §6.7): soft breaks joined, =XX bytes decoded as UTF-8. */
function decodeQuotedPrintable(text: string): string {
  const bytes = text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_all, hex: string) => `%${hex}`);
  return decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/g, '%25'));
}

/** Every file the site publishes, by path relative to the publish folder. */
function publishedFiles(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    // The compressed forms say what their file says (tests/publish/compressed-forms.test.ts).
    if (!entry.isFile() || entry.name.endsWith('.br') || entry.name.endsWith('.gz')) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(path.slice(dir.length + 1), readFileSync(path, 'utf8'));
  }
  return files;
}

describe.each([
  ['en', 'Europe/London'],
  ['fr', 'Europe/Paris'],
])('a site in %s', (language, timezone) => {
  let server: FeedServer;
  let project: TempProject;
  let files: Map<string, string>;
  let letter: string;

  beforeAll(async () => {
    server = await startFeedServer({
      '/aihub.xml': serveBody(ENGLISH, 'application/rss+xml; charset=utf-8'),
      '/fr.xml': serveBody(FRENCH, 'application/rss+xml; charset=utf-8'),
    });
    project = makeTempProject();
    project.writeConfig(`
site: { title: "AI watch", url: "https://veille.example.org/", language: ${language}, timezone: ${timezone} }
sources:
  - { url: "${server.base}/aihub.xml", name: AIhub, lang: en }
  - { url: "${server.base}/fr.xml", name: Blog IA }
fetch: { perHostDelayMs: 0 }
email: { from: "veille@example.org", recipients: [{ address: "lea@example.org" }], outbox: outbox }
`);
    const env = { VEILLE_NOW: NOW };
    const run = await runCli(['run', '--config', project.configFile], { env });
    expect(run.code, run.stderr).toBe(0);
    const digest = await runCli(['digest', '--week', '2026-W47', '--send', '--config', project.configFile], { env });
    expect(digest.code, digest.stderr).toBe(0);
    files = publishedFiles(join(project.dir, 'public'));
    const outbox = join(project.dir, 'outbox');
    letter = readdirSync(outbox, { recursive: true })
      .map(String)
      .filter((name) => name.endsWith('.eml'))
      .map((name) => readFileSync(join(outbox, name), 'utf8'))
      .join('\n');
  });

  afterAll(async () => {
    await server.close();
    project.cleanup();
  });

  it('publishes every page and feed in the site’s language', () => {
    expect(files.get('index.html')).toContain(`<html lang="${language}">`);
    expect(files.get('digests/2026-W47.html')).toContain(`<html lang="${language}">`);
    expect(files.get('feed.xml')).toContain(`<language>${language}</language>`);
    expect(JSON.parse(files.get('feed.json') ?? '{}')).toMatchObject({ language });
    expect(letter).toMatch(new RegExp(`<html lang=3D"${language}"|<html lang="${language}"`));
  });

  it('publishes Atom files the W3C Feed Validator would pass, an entry without a title included (issue 18)', () => {
    const site = 'https://veille.example.org/';
    const ownFeeds = new Set([...files.keys()].filter((path) => /\.(xml|atom|json)$/.test(path)).map((path) => new URL(path, site).href));
    const atom = [...files].filter(([path]) => path.endsWith('.atom') || path === 'atom.xml');
    expect(atom.length).toBeGreaterThan(2);
    for (const [path, xml] of atom) expect(atomProblems(xml, { url: new URL(path, site).href, ownFeeds }), path).toEqual([]);
  });

  if (language === 'en') {
    it('says nothing in French: no "(en anglais)", no French word of veille’s own', () => {
      for (const [path, text] of [...files, ['the letter', letter] as const]) {
        expect(text, path).not.toMatch(/\(en anglais\)|\(sans titre\)|Sources[ \u202F]: |Aussi[ \u202F]: |Au programme|cette semaine|\u202F|«|Articles récents|En anglais|En français|lettre hebdomadaire|Généré par|Mis à jour/);
      }
    });

    it('names the French item’s language and the English words of the site', () => {
      expect(files.get('feed.xml')).toContain('La CNIL et les données personnelles (in French)');
      expect(files.get('index.html')).toContain('<span class="mark foreign">In French</span>');
      expect(files.get('index.html')).toContain('Subscription feeds');
      expect(files.get('index.html')).toContain('Federated learning'); // the theme's English label
      expect(files.get('digests/2026-W47.html')).toMatch(/AI watch — week of 16 to 22 November 2026/);
      expect(files.get('digests/2026-W47.html')).toContain('3 articles this week: ');
      expect(files.get('feed.xml')).toContain('<title>(untitled)</title>');
    });
  } else {
    it('says "(en anglais)" of the English item, in French words', () => {
      expect(files.get('feed.xml')).toContain('Federated learning workshop recap (en anglais)');
      expect(files.get('feed.xml')).toContain('<title>(sans titre) (en anglais)</title>');
      expect(files.get('index.html')).toContain('<span class="mark foreign">En anglais</span>');
      expect(files.get('index.html')).toContain('Flux d’abonnement');
      expect(files.get('digests/2026-W47.html')).toContain('AI watch — semaine du 16 au 22 novembre 2026');
    });

    it('sets its own words in French typography: a narrow no-break space before a high mark and inside guillemets (issue 18)', () => {
      // The French source's own text is shown as written; everything else is veille's.
      const sourceText = /Le RGPD et l’entraînement des modèles : ce que/g;
      for (const [path, text] of [...files, ['the letter', decodeQuotedPrintable(letter)] as const]) {
        if (path.endsWith('.opml')) continue;
        const own = text.replace(sourceText, '').replace(/<style>[^<]*<\/style>/g, '');
        expect(own.match(/.{0,20}[ \u00A0][:;!?»].{0,10}|«[ \u00A0].{0,10}/gu) ?? [], path).toEqual([]);
      }
      expect(files.get('digests/2026-W47.html')).toContain('3 articles cette semaine\u202F: ');
      expect(decodeQuotedPrintable(letter)).toMatch(/Lire en ligne\u202F: /);
    });
  }
});
