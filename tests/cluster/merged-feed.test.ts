// End to end through the CLI: an AIhub-like English feed and a French blog whose post links back
// to it give one entry in the merged feed, with both sources; its GUID is unchanged after a second
// run in which a third source joins and AIhub re-publishes its item under a new GUID.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempProject, runCli, type TempProject } from '../helpers/cli.js';
import { rssFeed, serveBody, startFeedServer, type FeedServer } from '../helpers/feed-server.js';

const ARTICLE = 'https://aihub.org/2026/11/23/aaai-2025-workshops/';

const recap = (guid: string, title: string) => ({
  title,
  link: `${ARTICLE}?utm_source=rss&amp;utm_medium=rss`,
  guid,
  date: 'Mon, 23 Nov 2026 09:12:44 +0000',
  description:
    '<p>Peter Santhanam, Daniela Annunziata and Marzia Canzaniello summarise two AAAI 2025 workshops: ' +
    '“Open Source AI for Mainstream Use” and “FLUID: Federated Learning for Unbounded and Intelligent Decentralization”.</p>',
  category: 'federated learning',
});
const OTHER = {
  title: 'Robots learn to fold laundry',
  link: 'https://aihub.org/2026/11/20/laundry/',
  guid: 'https://aihub.org/?p=2',
  date: 'Fri, 20 Nov 2026 10:00:00 +0000',
  description: '<p>A new benchmark for household robots.</p>',
};

const FRENCH = rssFeed(
  'Exemple Blog',
  [
    {
      title: 'Deux ateliers AAAI 2025 sur l’IA open source et l’apprentissage fédéré',
      link: 'https://blog.example.fr/2026/11/ateliers-aaai',
      guid: 'fr-1',
      date: 'Tue, 24 Nov 2026 07:45:00 +0100',
      description:
        '<p>Le site AIhub a récemment publié un article qui synthétise deux ateliers de la conférence AAAI 2025 : ' +
        '« Open Source AI for Mainstream Use » et « FLUID », consacré à l’apprentissage fédéré.</p>' +
        `<p><a href="${ARTICLE}">Lire l’article sur AIhub</a></p>`,
    },
  ],
  'fr-FR',
);

const NEWSLETTER = rssFeed('AI Letter', [
  {
    title: 'This week: open-source AI and federated learning at AAAI',
    link: 'https://letter.example.com/issues/42-aaai',
    guid: 'letter-42',
    date: 'Wed, 25 Nov 2026 06:00:00 +0000',
    description: `<p>AIhub has a recap of the AAAI 2025 workshops on open-source AI and FLUID: <a href="${ARTICLE}">read it</a>.</p>`,
  },
]);

interface JsonFeedItem {
  id: string;
  url?: string;
  title: string;
  content_html?: string;
  language?: string;
  tags?: string[];
  _veille: { source: { name: string }; themes: string[]; sources?: { name: string; url?: string }[] };
}

describe('one story, shown once', () => {
  let server: FeedServer;
  let project: TempProject;
  const config = (withLetter: boolean) => `
site: { title: "Veille test", url: "https://veille.example.org/" }
sources:
  - { url: "${server.base}/aihub.xml", name: AIhub, lang: en }
  - { url: "${server.base}/fr.xml", name: Exemple Blog }
${withLetter ? `  - { url: "${server.base}/letter.xml", name: AI Letter, lang: en }\n` : ''}fetch: { perHostDelayMs: 0 }
`;
  const readFeed = (): JsonFeedItem[] =>
    (JSON.parse(readFileSync(join(project.dir, 'public/feed.json'), 'utf8')) as { items: JsonFeedItem[] }).items;
  const storyOf = (items: JsonFeedItem[]) => items.filter((item) => item.url === ARTICLE);

  beforeAll(async () => {
    server = await startFeedServer({
      '/aihub.xml': serveBody(rssFeed('AIhub', [recap('https://aihub.org/?p=1', 'AAAI 2025 workshops: open-source AI and federated learning'), OTHER]), 'application/rss+xml'),
      '/fr.xml': serveBody(FRENCH, 'application/rss+xml'),
      '/letter.xml': serveBody(NEWSLETTER, 'application/rss+xml'),
    });
    project = makeTempProject();
  });

  afterAll(async () => {
    await server.close();
    project.cleanup();
  });

  let guid = '';

  it('publishes the AIhub recap and the French post as one entry crediting both sources', async () => {
    project.writeConfig(config(false));
    const result = await runCli(['run', '--config', project.configFile], { env: { VEILLE_NOW: '2026-11-24T12:00:00Z' } });
    expect(result.code, result.stderr).toBe(0);
    const items = readFeed();
    expect(items).toHaveLength(2); // the story and the laundry robots
    const [story] = storyOf(items);
    expect(story).toBeDefined();
    guid = story!.id;
    // The story is named after its first item: the GUID AIhub's recap would have had alone.
    expect(guid).toMatch(/^urn:veille:item:/);
    expect(story!.language).toBe('fr');
    expect(story!.title).toBe('Deux ateliers AAAI 2025 sur l’IA open source et l’apprentissage fédéré');
    expect(story!._veille.sources?.map((source) => source.name)).toEqual(['AIhub', 'Exemple Blog']);
    expect(story!.content_html).toContain(`<p>Sources\u202F: <a href="${ARTICLE}">AIhub</a>, <a href="https://blog.example.fr/2026/11/ateliers-aaai">Exemple Blog</a></p>`);
    expect(story!._veille.themes).toEqual(expect.arrayContaining(['open-source', 'federated-learning']));
    // Per-theme feeds likewise: the story once, under its GUID.
    const theme = JSON.parse(readFileSync(join(project.dir, 'public/themes/federated-learning.json'), 'utf8')) as { items: JsonFeedItem[] };
    expect(theme.items.map((item) => item.id)).toEqual([guid]);
    // RSS and Atom carry the same entry, with the sources line escaped once.
    const rss = readFileSync(join(project.dir, 'public/feed.xml'), 'utf8');
    expect(rss.match(new RegExp(`<guid isPermaLink="false">${guid}</guid>`, 'g'))).toHaveLength(1);
    expect(rss).toContain('&lt;p&gt;Sources\u202F: &lt;a href=&quot;');
  });

  it('keeps the GUID when a third source joins and AIhub re-publishes under a new GUID', async () => {
    project.writeConfig(config(true));
    server.setRoute(
      '/aihub.xml',
      serveBody(rssFeed('AIhub', [recap('https://aihub.org/?p=1001', 'AAAI 2025 workshops: open-source AI and federated learning (updated)'), OTHER]), 'application/rss+xml'),
    );
    const result = await runCli(['run', '--force', '--config', project.configFile], { env: { VEILLE_NOW: '2026-11-25T12:00:00Z' } });
    expect(result.code, result.stderr).toBe(0);
    const items = readFeed();
    expect(items).toHaveLength(2);
    const [story] = storyOf(items);
    expect(story!.id).toBe(guid);
    expect(story!._veille.sources?.map((source) => source.name)).toEqual(['AIhub', 'Exemple Blog', 'AI Letter']);
  });

  it('lists the story with its members in `veille stories`', async () => {
    const result = await runCli(['stories', '--since', '2026-11-01', '--json', '--config', project.configFile], { env: { VEILLE_NOW: '2026-11-25T13:00:00Z' } });
    expect(result.code, result.stderr).toBe(0);
    const listed = JSON.parse(result.stdout) as { stories: { guid: string; members: { source: string; title: string }[] }[] };
    const story = listed.stories.find((candidate) => candidate.guid === guid);
    expect(story?.members.map((member) => member.source)).toEqual(['AIhub', 'Exemple Blog', 'AI Letter']);
    // The re-published item is the stored one, edited: one AIhub member, with the new title.
    expect(story?.members[0]?.title).toMatch(/\(updated\)$/);
    const text = await runCli(['stories', '--since', '2026-11-01', '--config', project.configFile], { env: { VEILLE_NOW: '2026-11-25T13:00:00Z' } });
    expect(text.stdout).toMatch(/^2 stories since .* \(1 told by several items\)/);
    expect(text.stdout).toContain(`${guid}  (3 items)`);
  });

  // Issue 17, finding 8: "1 stories", and an item alone was `"grouped": true`.
  it('says "1 story", and marks only a story of several items grouped', async () => {
    const env = { VEILLE_NOW: '2026-11-25T13:00:00Z' };
    const json = await runCli(['stories', '--since', '2026-11-01', '--json', '--config', project.configFile], { env });
    const listed = JSON.parse(json.stdout) as { stories: { guid: string; grouped: boolean; members: unknown[] }[] };
    expect(listed.stories.map((story) => [story.members.length, story.grouped])).toEqual(expect.arrayContaining([[3, true], [1, false]]));
    expect(listed.stories.filter((story) => story.grouped !== story.members.length > 1)).toEqual([]);
    const one = await runCli(['stories', '--since', '2026-11-22', '--config', project.configFile], { env });
    expect(one.stdout).toMatch(/^1 story since .* \(1 told by several items\)/);
  });

  it('refuses a --since that is not a date', async () => {
    const result = await runCli(['stories', '--since', 'yesterday', '--config', project.configFile]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/stories: --since "yesterday" is not a date/);
  });
});
