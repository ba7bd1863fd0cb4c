// `veille extract URL [--json]` (issue 16): what the full-text stage gets from one page, through
// the same fetch policy as a cycle's (the untrusted address policy: loopback only when
// fetch.allowPrivateHosts says so; robots.txt; HTML only).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempProject, runCli, type TempProject } from '../helpers/cli.js';
import { startServer, type TestServer } from '../fetch/servers.js';

const PARAGRAPHS = [
  'Le Parlement européen a adopté le règlement sur l’intelligence artificielle après trois ans de négociations.',
  'Les modèles à usage général devront publier un résumé des données d’entraînement et respecter le droit d’auteur.',
];
const PAGE = `<!doctype html><html lang="fr"><head><title>L’AI Act adopté</title><meta name="author" content="Claire Martin"></head>
<body><nav><a href="/">Accueil</a></nav><article><h1>L’AI Act adopté</h1>
${PARAGRAPHS.map((text) => `<p>${text}</p>`).join('\n')}<p><a href="javascript:alert(1)" onclick="x()">Lien</a><script>alert(2)</script></p>
</article></body></html>`;

describe('veille extract', () => {
  let server: TestServer;
  let project: TempProject;

  beforeAll(async () => {
    server = await startServer({
      '/robots.txt': (_request, response) => response.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nDisallow: /private/\n'),
      '/article': (_request, response) => response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE),
      '/private/article': (_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end(PAGE),
      '/data.json': (_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'),
    });
    project = makeTempProject();
    project.writeConfig('fetch: { allowPrivateHosts: ["127.0.0.1"] }');
  });

  afterAll(async () => {
    project.cleanup();
    await server.close();
  });

  it('--json prints { title, byline, language, text, html }, the HTML cleaned', async () => {
    const run = await runCli(['extract', server.url('/article'), '--json', '--config', project.configFile]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const page = JSON.parse(run.stdout) as Record<string, string>;
    expect(Object.keys(page)).toEqual(['title', 'byline', 'language', 'text', 'html']);
    expect(page).toMatchObject({ title: 'L’AI Act adopté', byline: 'Claire Martin', language: 'fr' });
    expect(page.text?.split('\n')).toEqual(expect.arrayContaining(PARAGRAPHS));
    expect(page.html).toContain(PARAGRAPHS[0]);
    expect(page.html).not.toMatch(/javascript:|onclick|<script/);
  });

  it('prints the title, byline, language and text for a reader', async () => {
    const run = await runCli(['extract', server.url('/article'), '--config', project.configFile]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^title: L’AI Act adopté\nbyline: Claire Martin\nlanguage: fr\nwords: \d+\n\n/);
    expect(run.stdout).toContain(PARAGRAPHS[1]);
  });

  it.each([
    ['a page robots.txt disallows', '/private/article', "the site's robots.txt disallows this page"],
    ['a page that is not HTML', '/data.json', 'not an HTML page (Content-Type application/json)'],
  ])('refuses %s, exit 1', async (_name, path, says) => {
    const run = await runCli(['extract', server.url(path), '--config', project.configFile]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(says);
    expect(run.stdout).toBe('');
  });

  it('keeps to the address policy: loopback is refused without fetch.allowPrivateHosts', async () => {
    const strict = makeTempProject();
    try {
      strict.writeConfig('site: { title: Veille }');
      const run = await runCli(['extract', server.url('/article'), '--config', strict.configFile]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('fetch:');
      expect(run.stderr).toMatch(/loopback|private/);
    } finally {
      strict.cleanup();
    }
  });

  it('needs a URL (usage, exit 2)', async () => {
    const run = await runCli(['extract', '--config', project.configFile]);
    expect(run.code).toBe(2);
  });
});
