// `veille retag`: a changed taxonomy reaches the stored items and the published feeds at once.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { THEMES_FILE, makeTempProject, runCli, type TempProject } from '../helpers/cli.js';
import { rssFeed, serveBody, startFeedServer, type FeedServer } from '../helpers/feed-server.js';

const FEED = rssFeed('Lab', [
  { title: 'Cobalt-7 ships', link: 'https://lab.example/cobalt', guid: 'c1', date: 'Mon, 23 Nov 2026 09:00:00 +0000', description: 'The Cobalt-7 weights are out.' },
  { title: 'Federated learning at the hospital', link: 'https://lab.example/fl', guid: 'f1', date: 'Mon, 23 Nov 2026 10:00:00 +0000', description: 'Hospitals train together.' },
]);

describe('veille retag', () => {
  let server: FeedServer;
  let project: TempProject;
  let themes: string;

  beforeAll(async () => {
    server = await startFeedServer({ '/feed.xml': serveBody(FEED, 'application/rss+xml') });
    project = makeTempProject();
    themes = join(project.dir, 'themes.yaml');
    copyFileSync(THEMES_FILE, themes);
    copyFileSync(THEMES_FILE.replace(/themes\.yaml$/u, 'themes.learned.json'), join(project.dir, 'themes.learned.json'));
    writeFileSync(
      project.configFile,
      [`sources:\n  - { url: "${server.base}/feed.xml", name: Lab, lang: en }`, 'storage: { path: data/veille.db }', 'publish: { dir: public }', 'themes: themes.yaml', 'log: { level: warn }', ''].join('\n'),
    );
  });
  afterAll(async () => {
    project.cleanup();
    await server.close();
  });

  const retag = () => runCli(['retag', '--config', project.configFile]);
  const categories = (link: string): string[] => {
    const feed = JSON.parse(readFileSync(join(project.dir, 'public', 'feed.json'), 'utf8')) as { items: { url: string; tags?: string[] }[] };
    return feed.items.find((item) => item.url === link)?.tags ?? [];
  };

  it('changes nothing when the taxonomy is unchanged', async () => {
    expect((await runCli(['run', '--config', project.configFile])).code).toBe(0);
    const result = await retag();
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Retagged 2 items in \d+\.\d s: 0 changed; 2 entries published in /);
    expect(categories('https://lab.example/cobalt')).toEqual([]);
  });

  it('applies an edited vocabulary to the stored items and publishes it', async () => {
    // A new English open-source term, as an editor would add it.
    writeFileSync(themes, readFileSync(themes, 'utf8').replace('        - { term: code and weights }\n', '        - { term: code and weights }\n        - { term: Cobalt-7 }\n'));
    const result = await retag();
    expect(result.stdout).toMatch(/: 1 changed \(open-source \+1 −0\)/);
    expect(result.stdout).toMatch(/Published digest issues keep their content/);
    expect(categories('https://lab.example/cobalt')).toEqual(['Open source']);
    expect(categories('https://lab.example/fl')).toEqual(['Apprentissage fédéré']);
    expect((await retag()).stdout).toMatch(/: 0 changed;/);
  });

  it('refuses a broken taxonomy before touching anything', async () => {
    writeFileSync(themes, 'version: 1\nthemes:\n  - id: x\n');
    const result = await retag();
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/themes\.yaml/);
    expect(categories('https://lab.example/cobalt')).toEqual(['Open source']);
  });
});
