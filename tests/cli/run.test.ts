// `veille run` end to end on loopback: good sources published, failing ones recorded with
// their code, exit codes of DESIGN.md, and GUIDs that never change.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempProject, runCli, type TempProject } from '../helpers/cli.js';
import { rssFeed, serveBody, serveStatus, startFeedServer, type FeedServer } from '../helpers/feed-server.js';

const NOW = '2026-11-26T08:00:00Z';

const AIHUB = rssFeed('AIhub', [
  {
    title: 'Federated learning workshop recap',
    link: 'https://aihub.org/2026/11/23/fl-recap/?utm_source=rss&amp;utm_medium=rss#more',
    guid: 'https://aihub.org/?p=1',
    date: 'Mon, 23 Nov 2026 09:12:44 +0000',
    description: '<p>Federated learning lets hospitals train a shared model without pooling their data.</p>',
    category: 'federated learning',
  },
  {
    title: 'An open-source model for <em>everyone</em>',
    link: 'https://aihub.org/2026/11/20/open-model/',
    guid: 'https://aihub.org/?p=2',
    date: 'Fri, 20 Nov 2026 10:00:00 +0000',
    description: '<p>Weights released under Apache 2.0.</p><script>alert(1)</script>',
  },
]);

const FRENCH = rssFeed(
  'Blog IA',
  [
    {
      title: 'La CNIL et les données personnelles',
      link: 'https://blog.example.fr/cnil',
      guid: 'cnil-1',
      date: 'Tue, 24 Nov 2026 07:45:00 +0100',
      description: 'Le RGPD et l’entraînement des modèles.',
    },
    { title: 'Sans date', link: 'https://blog.example.fr/sans-date', guid: 'nodate-1', description: 'Un article sans date.' },
  ],
  'fr-FR',
);

describe('veille run', () => {
  let server: FeedServer;
  let project: TempProject;

  beforeAll(async () => {
    server = await startFeedServer({
      '/aihub.xml': serveBody(AIHUB, 'application/rss+xml; charset=utf-8'),
      '/fr.xml': serveBody(FRENCH, 'application/rss+xml; charset=utf-8'),
      '/gone.xml': serveStatus(404),
      '/broken.xml': serveStatus(500),
      '/page.html': serveBody('<!doctype html><html><head><title>Blog</title></head><body><p>Hello</p></body></html>', 'text/html'),
    });
    project = makeTempProject();
    project.writeConfig(`
site: { title: "Veille test", url: "https://veille.example.org/" }
sources:
  - { url: "${server.base}/aihub.xml", name: AIhub, lang: en }
  - { url: "${server.base}/fr.xml", name: Blog IA }
  - { url: "${server.base}/gone.xml", name: Gone }
  - { url: "${server.base}/broken.xml", name: Broken }
  - { url: "${server.base}/page.html", name: Page }
  - { url: "http://127.0.0.1:9/refused.xml", name: Refused }
storage: { path: data/veille.db }
publish: { dir: public, maxItems: 3 }
fetch: { perHostDelayMs: 0, connectTimeoutMs: 2000, headersTimeoutMs: 2000, bodyTimeoutMs: 3000 }
`);
  });

  afterAll(async () => {
    await server.close();
    project.cleanup();
  });

  it('completes with exit 0, records each failure with its code, and publishes the good sources', async () => {
    const result = await runCli(['run', '--config', project.configFile], { env: { VEILLE_NOW: NOW } });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/FETCH_HTTP_STATUS/);
    expect(result.stderr).toMatch(/FETCH_REFUSED/);
    expect(result.stderr).toMatch(/FETCH_NOT_A_FEED/);

    const feed = JSON.parse(readFileSync(join(project.dir, 'public/feed.json'), 'utf8')) as {
      language: string;
      title: string;
      items: { id: string; url: string; title: string; date_published: string; tags?: string[] }[];
    };
    expect(feed.language).toBe('fr');
    expect(feed.title).toBe('Veille test');
    // maxItems 3, newest first; the undated item takes the fetch time (VEILLE_NOW) and comes first.
    expect(feed.items.map((item) => item.title)).toEqual([
      'Sans date',
      'La CNIL et les données personnelles',
      'Federated learning workshop recap (en anglais)',
    ]);
    expect(Date.parse(feed.items[0]?.date_published ?? '')).toBe(Date.parse(NOW));
    expect(feed.items[2]?.url).toBe('https://aihub.org/2026/11/23/fl-recap/');
    expect(feed.items[2]?.tags).toContain('Apprentissage fédéré');
    for (const file of ['feed.xml', 'atom.xml', 'feed.json', 'sources.opml', 'index.html', 'themes/privacy.xml']) {
      expect(existsSync(join(project.dir, 'public', file)), file).toBe(true);
    }
    expect(readFileSync(join(project.dir, 'public/feed.xml'), 'utf8')).not.toMatch(/<script/i);
  });

  it('shows each source in status, failures with their error', async () => {
    const result = await runCli(['status', '--json', '--config', project.configFile], { env: { VEILLE_NOW: NOW } });
    expect(result.code).toBe(0);
    const status = JSON.parse(result.stdout) as { sources: { name: string; state: string; lastErrorCode: string | null; items: number; nextFetchAt: string | null }[] };
    const byName = Object.fromEntries(status.sources.map((source) => [source.name, source]));
    expect(byName.AIhub).toMatchObject({ state: 'ok', items: 2, lastErrorCode: null });
    expect(byName['Blog IA']).toMatchObject({ state: 'ok', items: 2 });
    expect(byName.Gone).toMatchObject({ state: 'failing', lastErrorCode: 'FETCH_HTTP_STATUS' });
    expect(byName.Broken).toMatchObject({ state: 'failing', lastErrorCode: 'FETCH_HTTP_STATUS' });
    expect(byName.Page).toMatchObject({ state: 'failing', lastErrorCode: 'FETCH_NOT_A_FEED' });
    expect(byName.Refused).toMatchObject({ state: 'failing', lastErrorCode: 'FETCH_REFUSED' });
    // A failing source backs off: its next attempt is after the next cycle's tick.
    expect(Date.parse(byName.Gone?.nextFetchAt ?? '')).toBeGreaterThan(Date.parse(NOW));

    const table = await runCli(['status', '--config', project.configFile], { env: { VEILLE_NOW: NOW } });
    expect(table.stdout).toMatch(/AIhub\s+ok/);
    expect(table.stdout).toMatch(/Gone\s+failing.*FETCH_HTTP_STATUS/);
    expect(table.stdout).toMatch(/6 sources, 4 failing/);
  });

  // Issue 17, finding 8: the table cut each error, advice included, at 70 characters.
  it('prints each last error whole below the table, wrapped, not cut', async () => {
    const json = await runCli(['status', '--json', '--config', project.configFile], { env: { VEILLE_NOW: NOW } });
    const errors = (JSON.parse(json.stdout) as { sources: { name: string; lastError: string | null }[] }).sources.filter((source) => source.lastError !== null);
    expect(errors.length).toBe(4);
    expect(errors.some((source) => (source.lastError ?? '').length > 70)).toBe(true);
    const table = await runCli(['status', '--config', project.configFile], { env: { VEILLE_NOW: NOW } });
    expect(table.stdout).not.toContain('…');
    const below = table.stdout.slice(table.stdout.indexOf('Last errors:'));
    const words = (text: string) => text.split(/\s+/u).filter((word) => word !== '').join(' ');
    for (const source of errors) expect(words(below)).toContain(words(source.lastError ?? ''));
    for (const line of table.stdout.split('\n').filter((line) => line.startsWith('    '))) expect(line.length).toBeLessThanOrEqual(100);
  });

  it('keeps every GUID when the same items are fetched again', async () => {
    const before = JSON.parse(readFileSync(join(project.dir, 'public/feed.json'), 'utf8')) as { items: { id: string; title: string }[] };
    const result = await runCli(['run', '--force', '--config', project.configFile], { env: { VEILLE_NOW: '2026-11-26T09:00:00Z' } });
    expect(result.code).toBe(0);
    const after = JSON.parse(readFileSync(join(project.dir, 'public/feed.json'), 'utf8')) as { items: { id: string; title: string }[] };
    const ids = (feed: typeof before) => Object.fromEntries(feed.items.map((item) => [item.title, item.id]));
    expect(ids(after)['Federated learning workshop recap']).toBe(ids(before)['Federated learning workshop recap']);
    expect(ids(after)['La CNIL et les données personnelles']).toBe(ids(before)['La CNIL et les données personnelles']);
  });

  it('fetches only due sources without --force', async () => {
    const count = server.requests.length;
    const result = await runCli(['run', '--config', project.configFile], { env: { VEILLE_NOW: '2026-11-26T09:01:00Z' } });
    expect(result.code).toBe(0);
    expect(server.requests.length).toBe(count);
  });
});

describe('exit codes', () => {
  it.each([
    ['an unknown command', ['frobnicate'], 2, /unknown command "frobnicate"/],
    ['an unknown option', ['run', '--frob'], 2, /run: unknown option --frob/],
    ['a missing config file', ['run', '--config', '/nonexistent/veille.yaml'], 2, /cannot read \/nonexistent\/veille\.yaml: no such file/],
    ['a bad VEILLE_NOW', ['status', '--config', '/nonexistent/veille.yaml'], 2, /VEILLE_NOW: "yesterday" is not an ISO 8601 instant/],
  ])('%s gives its exit code and a message', async (_name, argv, code, message) => {
    const result = await runCli(argv, { env: { VEILLE_NOW: argv[0] === 'status' ? 'yesterday' : NOW } });
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(message);
  });

  it('stops on an invalid config before fetching anything', async () => {
    const server = await startFeedServer({ '/feed.xml': serveBody(AIHUB, 'application/rss+xml') });
    const project = makeTempProject();
    try {
      project.writeConfig(`sources:\n  - { url: "${server.base}/feed.xml" }\nschedule: { fetch: "every minute" }`);
      const result = await runCli(['run', '--config', project.configFile]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/veille\.yaml:\d+: schedule\.fetch: expected a cron expression/);
      expect(server.requests).toEqual([]);
      expect(existsSync(join(project.dir, 'public'))).toBe(false);
    } finally {
      await server.close();
      project.cleanup();
    }
  });

  it('reads status before any run without creating the database', async () => {
    const project = makeTempProject();
    try {
      project.writeConfig('sources:\n  - { url: "https://aihub.org/feed/", name: AIhub }');
      const result = await runCli(['status', '--config', project.configFile]);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/AIhub\s+new/);
      expect(existsSync(join(project.dir, 'data'))).toBe(false);
    } finally {
      project.cleanup();
    }
  });

  it('prints the help with exit 0', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Usage: veille <command>/);
    expect(result.stdout).toMatch(/sources import FILE\.opml/);
  });
});
