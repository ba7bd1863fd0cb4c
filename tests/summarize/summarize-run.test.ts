// `veille run` with a résumé model on loopback (issue 16): the seed's AAAI story becomes one French
// entry that reads like the seed post, and every kind of model (good, inventing, English, markup,
// slow, 429, 5xx) ends as the issue says while the cycle publishes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTempProject, runCli, type TempProject } from '../helpers/cli.js';
import { serveBody, startFeedServer, type FeedServer } from '../helpers/feed-server.js';
import { surfaceViolations } from '../security/surface-check.js';
import type { SurfaceKind } from '../security/pipeline.js';
import { ENGLISH_ANSWER, GOOD_ANSWER, INVENTING_ANSWER, MARKUP_ANSWER, startModelServer, type ModelServer } from './model-server.js';

const NOW = '2026-11-26T08:00:00Z';
const FIXTURES = join(import.meta.dirname, '../fixtures/summarize');

interface JsonFeedItem {
  title: string;
  summary?: string;
  content_html?: string;
  language?: string;
  url?: string;
  tags?: string[];
  _veille: { resume?: { model: string; original_title: string } };
}

describe('résumés in the pipeline', () => {
  let feeds: FeedServer;
  let model: ModelServer;
  let project: TempProject;

  beforeAll(async () => {
    feeds = await startFeedServer({
      '/aihub.xml': serveBody(readFileSync(join(FIXTURES, 'aihub-aaai.xml')), 'application/rss+xml; charset=utf-8'),
      '/blog.xml': serveBody(readFileSync(join(FIXTURES, 'blog-ia-fr-aaai.xml')), 'application/rss+xml; charset=utf-8'),
    });
    model = await startModelServer();
  });
  afterAll(async () => {
    await feeds.close();
    await model.close();
  });
  beforeEach(() => {
    project = makeTempProject();
    model.queue({ status: 500 });
  });
  afterEach(() => project.cleanup());

  function configure(summarize: string): void {
    project.writeConfig(`
site: { title: "Veille test", url: "https://veille.example.org/" }
sources:
  - { url: "${feeds.base}/aihub.xml", name: AIhub, lang: en }
  - { url: "${feeds.base}/blog.xml", name: Blog IA, lang: fr }
summarize: ${summarize}
`);
  }
  const withModel = (extra = '') => `{ provider: openai, url: "${model.url}", model: test-model, retry: { delayMs: 1 }${extra} }`;
  const run = (args: string[] = []) => runCli(['run', ...args, '--config', project.configFile], { env: { VEILLE_NOW: NOW } });
  const items = (): JsonFeedItem[] => (JSON.parse(readFileSync(join(project.dir, 'public', 'feed.json'), 'utf8')) as { items: JsonFeedItem[] }).items;
  const stories = async () => {
    const result = await runCli(['stories', '--json', '--since', '2026-11-01', '--config', project.configFile], { env: { VEILLE_NOW: NOW } });
    return (JSON.parse(result.stdout) as { stories: { guid: string; resume: { state: string; text?: string; reasons?: string[] } }[] }).stories;
  };

  it('turns the AAAI recap into one French entry that reads like the seed post, checked against both sources', async () => {
    configure(withModel());
    model.queue({ answer: GOOD_ANSWER });
    expect((await run()).code).toBe(0);
    const published = items();
    expect(published).toHaveLength(1);
    const [entry] = published;
    expect(entry?.title).toBe('IA open source et apprentissage fédéré : deux ateliers de l’AAAI');
    expect(entry?.language).toBe('fr');
    expect(entry?.tags).toEqual(expect.arrayContaining(['Open source', 'Apprentissage fédéré']));
    expect(entry?.content_html).toContain('<p>AIhub publie une synthèse de deux ateliers');
    expect(entry?.content_html).toContain('>Lire l’article sur AIhub</a></p>');
    expect(entry?.content_html).toContain('>Lire l’article sur Blog IA</a></p>');
    expect(entry?.content_html).toContain('Résumé écrit par un modèle de langue (test-model) à partir de AIhub et Blog IA.');
    expect(entry?._veille.resume).toEqual({ model: 'test-model', original_title: 'Open source AI and federated learning: a recap of two AAAI workshops', original_language: 'en' });
    // One request, written from both members' texts.
    expect(model.requests).toHaveLength(1);
    const asked = model.requests[0]?.messages.map((message) => message.content).join('\n') ?? '';
    expect(asked).toContain('Source: AIhub');
    expect(asked).toContain('Source: Blog IA');
    expect(asked).toContain('heterogeneous data and devices');
    expect((await stories())[0]?.resume.state).toBe('written');
    // Steady state: nothing changed, no request.
    expect((await run(['--force'])).code).toBe(0);
    expect(model.requests).toHaveLength(1);
    expect((await stories())[0]?.resume.state).toBe('cached');
    const page = readFileSync(join(project.dir, 'public', 'index.html'), 'utf8');
    expect(page).toContain('<div class="resume"><p>AIhub publie une synthèse');
    expect(page).toContain('>Lire l’article sur AIhub</a></p>');
    expect(page).toContain('Titre original\u202F: «\u202F<span lang="en">Open source AI and federated learning: a recap of two AAAI workshops</span>\u202F»');
    expect(page).not.toContain('Articles dans une autre langue');
    const atom = readFileSync(join(project.dir, 'public', 'atom.xml'), 'utf8');
    expect(atom).toContain('<title type="text">IA open source et apprentissage fédéré : deux ateliers de l’AAAI</title>');
  });

  it.each([
    ['invents a number and a name', INVENTING_ANSWER, [/number not in the sources: 450/, /name not in the sources: Microsoft/]],
    ['answers in English', ENGLISH_ANSWER, [/the résumé is not in fr \(detected en\)/]],
  ])('a model that %s is asked once more with what failed, then rejected; the story keeps its own text', async (_, answer, reasons) => {
    configure(withModel());
    model.queue({ answer });
    expect((await run()).code).toBe(0);
    expect(model.requests).toHaveLength(2);
    const retry = model.requests[1]?.messages.at(-1)?.content ?? '';
    for (const reason of reasons) expect(retry).toMatch(reason);
    const [entry] = items();
    expect(entry?.title).toBe('IA open source et apprentissage fédéré : retour sur deux ateliers de l’AAAI');
    expect(entry?._veille.resume).toBeUndefined();
    const [story] = await stories();
    expect(story?.resume.state).toBe('rejected');
    for (const reason of reasons) expect(story?.resume.reasons?.join('\n')).toMatch(reason);
    const status = await runCli(['status', '--json', '--config', project.configFile], { env: { VEILLE_NOW: NOW } });
    expect((JSON.parse(status.stdout) as { resumes: { rejected: number } }).resumes.rejected).toBe(1);
    // Rejected for these inputs: not asked again while nothing changes.
    await run(['--force']);
    expect(model.requests).toHaveLength(2);
  });

  it('drops markup, a <script> and the link a prompt injection asked for; veille’s own links stay', async () => {
    configure(withModel());
    model.queue({ answer: MARKUP_ANSWER });
    expect((await run()).code).toBe(0);
    const [entry] = items();
    expect(entry?.title).toBe('IA open source et apprentissage fédéré : deux ateliers de l’AAAI');
    expect(entry?.content_html).not.toMatch(/<script|evil\.example|<h1|\*\*/);
    expect(entry?.content_html).toContain('Cliquez ici');
    expect(entry?.url).toBe('https://aihub.org/2026/11/23/open-source-ai-and-federated-learning-a-recap-of-two-aaai-workshops/');
    expect((await runCli(['digest', '--week', '2026-W48', '--config', project.configFile], { env: { VEILLE_NOW: '2026-11-30T08:00:00Z' } })).code).toBe(0);
    const surfaces: [string, SurfaceKind][] = [
      ['feed.xml', 'rss'],
      ['atom.xml', 'atom'],
      ['feed.json', 'json'],
      ['index.html', 'html'],
      ['digests/2026-W48.html', 'html'],
      ['digest.xml', 'rss'],
    ];
    for (const [file, kind] of surfaces) {
      const text = readFileSync(join(project.dir, 'public', file), 'utf8');
      expect(surfaceViolations({ name: file, kind, text }), file).toEqual([]);
      expect(text, file).not.toContain('evil.example');
    }
  });

  it('waits out a 429 with Retry-After, then writes the résumé', async () => {
    configure(withModel());
    model.queue({ status: 429, headers: { 'retry-after': '0' } }, { answer: GOOD_ANSWER });
    expect((await run()).code).toBe(0);
    expect(model.requests).toHaveLength(2);
    expect(items()[0]?._veille.resume?.model).toBe('test-model');
  });

  it.each([
    ['answers 5xx', '', [{ status: 503 }]],
    ['is slow', ', timeoutMs: 200', [{ delayMs: 5_000, answer: GOOD_ANSWER }]],
  ])('a model that %s delays the résumé and the cycle publishes', async (_, extra, behaviours) => {
    configure(withModel(extra));
    model.queue(...behaviours);
    const result = await run();
    expect(result.code).toBe(0);
    const [entry] = items();
    expect(entry?._veille.resume).toBeUndefined();
    expect(entry?.title).toBe('IA open source et apprentissage fédéré : retour sur deux ateliers de l’AAAI');
    expect((await stories())[0]?.resume.state).toBe('pending');
    model.queue({ answer: GOOD_ANSWER });
    await run(['--force']);
    expect(items()[0]?._veille.resume?.model).toBe('test-model');
  });

  it('summarize --story writes one on demand and prints the check; --dry-run stores nothing', async () => {
    configure(withModel());
    model.queue({ status: 503 });
    await run();
    const [story] = await stories();
    const cli = (args: string[]) => runCli(['summarize', '--story', story?.guid ?? '', ...args, '--config', project.configFile], { env: { VEILLE_NOW: NOW } });
    model.queue({ answer: INVENTING_ANSWER }, { answer: GOOD_ANSWER });
    const dry = await cli(['--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(': written (dry run: nothing stored), 2 request(s) to test-model');
    expect(dry.stdout).toMatch(/answer 1: refused[^\n]*\n {2}- number not in the sources: 450/);
    expect(dry.stdout).toContain('answer 2: passed the check');
    expect((await stories())[0]?.resume.state).toBe('pending');
    model.queue({ answer: GOOD_ANSWER });
    const real = await cli([]);
    expect(real.code).toBe(0);
    expect(real.stdout).toContain('1 entries published');
    expect(items()[0]?.title).toBe('IA open source et apprentissage fédéré : deux ateliers de l’AAAI');
    expect((await runCli(['summarize', '--story', 'nope', '--config', project.configFile])).code).toBe(2);
  });

  it('without a provider nothing pretends: status and the page say how many entries are in another language and how to turn résumés on', async () => {
    project.writeConfig(`
site: { title: "Veille test", url: "https://veille.example.org/" }
sources:
  - { url: "${feeds.base}/aihub.xml", name: AIhub, lang: en }
`);
    expect((await run()).code).toBe(0);
    expect(model.requests).toHaveLength(0);
    const [entry] = items();
    expect(entry?.title).toBe('Open source AI and federated learning: a recap of two AAAI workshops (en anglais)');
    const page = readFileSync(join(project.dir, 'public', 'index.html'), 'utf8');
    expect(page).toContain('<p>Articles dans une autre langue que le français\u202F: 1 sur 1. Les résumés en français s’activent avec le bloc «\u202Fsummarize\u202F» de la configuration (un modèle local comme Ollama suffit).</p>');
    const status = await runCli(['status', '--config', project.configFile], { env: { VEILLE_NOW: NOW } });
    expect(status.stdout).toContain("1 of 1 published entries are not in the site's language; résumés are off: set summarize: { provider: openai, url: http://127.0.0.1:11434/v1, model: MODEL }");
    const [story] = await stories();
    expect(story?.resume).toEqual({ state: 'off' });
  });

  it('the digest and its letter show the résumé’s title and text, saying a model wrote it', async () => {
    configure(withModel());
    model.queue({ answer: GOOD_ANSWER });
    await run();
    const digest = await runCli(['digest', '--week', '2026-W48', '--send', '--config', project.configFile], { env: { VEILLE_NOW: '2026-11-30T08:00:00Z' } });
    expect(digest.code).toBe(0);
    const page = readFileSync(join(project.dir, 'public', 'digests', '2026-W48.html'), 'utf8');
    expect(page).toContain('IA open source et apprentissage fédéré : deux ateliers de l’AAAI</a> <small>(résumé écrit par un modèle)</small>');
    expect(page).toContain('AIhub publie une synthèse de deux ateliers');
    // As the seed post ends: one "Lire l’article sur …" per source, veille's own links.
    expect(page).toMatch(/<a href="[^"]+">Lire l’article sur AIhub<\/a> · <a href="[^"]+">Lire l’article sur Blog IA<\/a>/);
    expect(model.requests).toHaveLength(1);
  });
});
