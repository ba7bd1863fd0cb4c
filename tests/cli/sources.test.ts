// `veille sources list|add|remove|import|export`: the config file is edited in place (comments
// kept), OPML goes in and out without loss, and a web page's feed is discovered.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOpml } from '../../src/publish/opml.js';
import { makeTempProject, runCli, type TempProject } from '../helpers/cli.js';
import { rssFeed, serveBody, startFeedServer, type FeedServer } from '../helpers/feed-server.js';

describe('veille sources', () => {
  let server: FeedServer;
  let project: TempProject;

  beforeAll(async () => {
    server = await startFeedServer({
      '/feed.xml': serveBody(rssFeed('Le Blog IA', [{ title: 'Un', link: 'https://b.example/1' }], 'fr-FR'), 'application/rss+xml'),
      '/blog/': serveBody(
        '<!doctype html><html><head><link rel="alternate" type="application/rss+xml" title="RSS" href="/feed.xml"></head><body>Blog</body></html>',
        'text/html; charset=utf-8',
      ),
      '/nofeed/': serveBody('<!doctype html><html><head><title>x</title></head><body></body></html>', 'text/html'),
      '/temporary': (_request, response) => response.writeHead(302, { location: '/feed.xml?token=temp123' }).end(),
      '/feed.xml?token=temp123': serveBody(rssFeed('Le Blog IA', [{ title: 'Un', link: 'https://b.example/1' }], 'fr-FR'), 'application/rss+xml'),
      '/moved': (_request, response) => response.writeHead(301, { location: '/new-home.xml' }).end(),
      '/data.json': serveBody('{"items": [1, 2]}', 'application/json'),
      '/logo.png': serveBody(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), 'image/png'),
      '/new-home.xml': serveBody(rssFeed('A &lt;b&gt;bold&lt;/b&gt; title', [{ title: 'Un', link: 'https://b.example/1' }]), 'application/rss+xml'),
    });
    project = makeTempProject();
    project.writeConfig(`# my sources, kept by hand
sources:
  - { url: "https://aihub.org/feed/", name: AIhub, lang: en }   # the first one
storage: { path: data/veille.db }`);
  });

  afterAll(async () => {
    await server.close();
    project.cleanup();
  });

  it('lists the configured sources', async () => {
    const result = await runCli(['sources', 'list', '--config', project.configFile]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/AIhub\s+en\s+https:\/\/aihub\.org\/feed\//);
  });

  it('adds a feed found on a web page, with its title and language, keeping the comments', async () => {
    const result = await runCli(['sources', 'add', `${server.base}/blog/`, '--config', project.configFile]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/added Le Blog IA/);
    const text = readFileSync(project.configFile, 'utf8');
    expect(text).toMatch(/# my sources, kept by hand/);
    expect(text).toMatch(/# the first one/);
    expect(text).toContain(`{ url: ${server.base}/feed.xml, name: Le Blog IA, lang: fr }`);
  });

  it('says so when the source is already there', async () => {
    const result = await runCli(['sources', 'add', `${server.base}/feed.xml`, '--config', project.configFile]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/already a source/);
  });

  it('keeps the URL given when the feed answered through a temporary redirect', async () => {
    const result = await runCli(['sources', 'add', `${server.base}/temporary`, '--config', project.configFile]);
    expect(result.code).toBe(0);
    expect(readFileSync(project.configFile, 'utf8')).toContain(`{ url: ${server.base}/temporary,`);
    expect(readFileSync(project.configFile, 'utf8')).not.toContain('token=temp123');
  });

  it('takes the new URL of a permanent redirect, and the feed title as text', async () => {
    const result = await runCli(['sources', 'add', `${server.base}/moved`, '--config', project.configFile]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`added A bold title <${server.base}/new-home.xml>`);
  });

  it.each([
    ['a bad --lang', ['--no-check', '--lang', 'not a lang'], 2, /sources add: --lang "not a lang": expected a language tag/],
    ['a URL that is not http(s)', ['--no-check'], 2, /is not an http\(s\) URL/],
  ])('refuses %s with a message', async (_name, extra, code, message) => {
    const target = extra.length === 1 ? 'ftp://x.example/feed' : 'https://x.example/feed';
    const result = await runCli(['sources', 'add', target, ...extra, '--config', project.configFile]);
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(message);
  });

  it('refuses a page that links to no feed', async () => {
    const result = await runCli(['sources', 'add', `${server.base}/nofeed/`, '--config', project.configFile]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/links to no feed/);
  });

  // Issue 17, finding 7: both were "a web page that links to no feed".
  it.each([
    ['a JSON that is not a JSON Feed', '/data.json', /data\.json is JSON \(application\/json\) but not a JSON Feed .*veille takes an RSS, Atom or JSON Feed document/],
    ['a PNG', '/logo.png', /logo\.png is image\/png, not a feed; veille takes an RSS, Atom or JSON Feed document, or a web page that links to one/],
  ])('names what %s is, and what veille takes', async (_name, path, message) => {
    const result = await runCli(['sources', 'add', `${server.base}${path}`, '--config', project.configFile]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/is a web page/);
  });

  it('names the source from the feed title when no --name is given', async () => {
    const made = makeTempProject();
    try {
      made.writeConfig('sources:\n  - { url: "https://aihub.org/feed/" }');
      const result = await runCli(['sources', 'add', `${server.base}/feed.xml`, '--config', made.configFile]);
      expect(result.stdout).toMatch(/^added Le Blog IA </);
      expect(readFileSync(made.configFile, 'utf8')).toContain('name: Le Blog IA');
    } finally {
      made.cleanup();
    }
  });

  it('exports OPML 2.0 that imports back without loss', async () => {
    const exported = await runCli(['sources', 'export', '--config', project.configFile]);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/<opml version="2.0">/);
    const sources = parseOpml(exported.stdout, 'export.opml');
    expect(sources.map((source) => [source.url, source.name, source.lang])).toEqual([
      ['https://aihub.org/feed/', 'AIhub', 'en'],
      [`${server.base}/feed.xml`, 'Le Blog IA', 'fr'],
      [`${server.base}/temporary`, 'Le Blog IA', 'fr'],
      [`${server.base}/new-home.xml`, 'A bold title', 'en'],
    ]);

    const other = makeTempProject();
    try {
      other.writeConfig('sources: []');
      const opmlFile = join(other.dir, 'export.opml');
      writeFileSync(opmlFile, exported.stdout);
      const imported = await runCli(['sources', 'import', opmlFile, '--config', other.configFile]);
      expect(imported.code).toBe(0);
      expect(imported.stdout).toMatch(/imported 4 sources/);
      const again = await runCli(['sources', 'export', '--config', other.configFile]);
      expect(parseOpml(again.stdout, 'again.opml')).toEqual(sources);
    } finally {
      other.cleanup();
    }
  });

  it('removes a source, and says when there is no such source', async () => {
    const removed = await runCli(['sources', 'remove', 'https://aihub.org/feed/', '--config', project.configFile]);
    expect(removed.code).toBe(0);
    expect(readFileSync(project.configFile, 'utf8')).not.toContain('aihub.org');
    const missing = await runCli(['sources', 'remove', 'https://aihub.org/feed/', '--config', project.configFile]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no source with the URL/);
  });

  it('edits the OPML file when the config takes its sources from one', async () => {
    const other = makeTempProject();
    try {
      const opmlFile = join(other.dir, 'feeds.opml');
      writeFileSync(
        opmlFile,
        '<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body><outline text="A" xmlUrl="https://a.example/feed"/></body></opml>',
      );
      other.writeConfig('sources: { opml: feeds.opml }');
      const added = await runCli(['sources', 'add', 'https://b.example/feed', '--no-check', '--name', 'B', '--config', other.configFile]);
      expect(added.code).toBe(0);
      expect(parseOpml(readFileSync(opmlFile, 'utf8'), 'feeds.opml').map((source) => source.url)).toEqual([
        'https://a.example/feed',
        'https://b.example/feed',
      ]);
    } finally {
      other.cleanup();
    }
  });
});
