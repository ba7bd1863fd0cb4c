// `veille sources add PAGE`: the page the user typed is trusted; a feed link it advertises on
// another origin is fetched untrusted, so a page cannot point veille at loopback or private
// addresses, unless fetch.allowPrivateHosts allows them.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempProject, runCli, type TempProject } from '../helpers/cli.js';
import { rssFeed, serveBody, startFeedServer, type FeedServer } from '../helpers/feed-server.js';

describe('veille sources add: discovery and private addresses', () => {
  let server: FeedServer;
  const projects: TempProject[] = [];

  beforeAll(async () => {
    server = await startFeedServer({ '/feed.xml': serveBody(rssFeed('Flux', [{ title: 'Un', link: 'https://b.example/1' }]), 'application/rss+xml') });
    const port = new URL(server.base).port;
    const page = (href: string) =>
      serveBody(`<!doctype html><html><head><link rel="alternate" type="application/rss+xml" href="${href}"></head></html>`, 'text/html');
    server.setRoute('/same-origin/', page('/feed.xml'));
    // Another origin (a host name) that resolves to loopback.
    server.setRoute('/other-origin/', page(`http://localhost:${port}/feed.xml`));
    // A link on the page's own origin that redirects to the CGNAT range, where cloud metadata lives
    // (refused on its address, before any connection: the test never leaves loopback).
    server.setRoute('/redirecting-link/', page('/feed-elsewhere.xml'));
    server.setRoute('/feed-elsewhere.xml', (_request, response) => response.writeHead(302, { location: 'http://100.100.100.200/latest/meta-data/' }).end());
  });

  afterAll(async () => {
    await server.close();
    for (const project of projects) project.cleanup();
  });

  function project(fetchYaml: string): TempProject {
    const made = makeTempProject();
    made.writeConfig(`sources: []\nstorage: { path: data/veille.db }\n${fetchYaml}`);
    projects.push(made);
    return made;
  }

  it.each([
    { name: 'a link on the same origin as the typed page is trusted', path: '/same-origin/', fetch: '', added: (base: string) => `${base}/feed.xml` },
    {
      name: 'a link to another origin on loopback is allowed by fetch.allowPrivateHosts',
      path: '/other-origin/',
      fetch: 'fetch: { allowPrivateHosts: [localhost] }',
      added: (base: string) => `http://localhost:${new URL(base).port}/feed.xml`,
    },
  ])('$name', async ({ path, fetch, added }) => {
    const made = project(fetch);
    const result = await runCli(['sources', 'add', `${server.base}${path}`, '--config', made.configFile]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(readFileSync(made.configFile, 'utf8')).toContain(added(server.base));
  });

  it.each([
    ['the typed URL', '/feed-elsewhere.xml'],
    ['a link on the same origin as the typed page', '/redirecting-link/'],
  ])('judges a redirect of %s to another origin like a link: the metadata range is refused', async (_name, path) => {
    const made = project('');
    const result = await runCli(['sources', 'add', `${server.base}${path}`, '--config', made.configFile]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^veille: fetch: http:\/\/127\.0\.0\.1:\d+\/feed-elsewhere\.xml: redirected to a host that may not be reached/);
    expect(result.stderr).not.toContain('100.100.100.200');
    expect(readFileSync(made.configFile, 'utf8')).not.toContain('feed-elsewhere');
  });

  it('refuses a link to another origin that resolves to loopback, saying how to allow it', async () => {
    const made = project('');
    const result = await runCli(['sources', 'add', `${server.base}/other-origin/`, '--config', made.configFile]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^veille: fetch: http:\/\/localhost:\d+\/feed\.xml: localhost resolves to (127\.0\.0\.1|::1), which is a loopback .*fetch\.allowPrivateHosts/);
    expect(readFileSync(made.configFile, 'utf8')).not.toContain('feed.xml');
  });
});
