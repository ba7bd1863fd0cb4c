// The full-text step in a cycle (issue 16), against loopback pages: a teaser feed's article page is
// fetched once, its text tagged and stored, the feed's content still published (fullText: auto);
// a failing page is counted and the cycle publishes; the pages per cycle are bounded; an item
// edited upstream is fetched again at most once a day; fullText: always publishes the page.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CycleSummary } from '../../src/app/pipeline.js';
import { readStatus } from '../../src/app/status.js';
import { createCycleMetrics, recordFullText, renderMetrics } from '../../src/worker/metrics.js';
import { rssFeed } from '../helpers/feed-server.js';
import { startServer, type TestServer } from '../fetch/servers.js';
import { makeCycleProject, type CycleProject } from '../worker/cycle-harness.js';

const NOW = new Date('2026-12-06T08:00:00Z');
const HOUR = 3_600_000;

const FL_PARAGRAPHS = [
  'The FLUID workshop gathered researchers working on federated learning for unbounded and intelligent decentralisation.',
  'Hospitals and phone makers described how models are trained where the data lives, with only updates leaving each site.',
  'Several talks measured the cost of secure aggregation and the accuracy lost when clients hold very different data.',
];

function articlePage(title: string, paragraphs: readonly string[]): string {
  return `<!doctype html><html lang="en"><head><title>${title}</title></head><body><nav><a href="/">Home</a></nav>
<article><h1>${title}</h1>${paragraphs.map((text) => `<p>${text}</p>`).join('\n')}
<p>Read the <a href="https://aaai.org/conference/aaai-25/">AAAI 2025 programme</a>.</p></article></body></html>`;
}

function sendHtml(response: ServerResponse, body: string): void {
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
}

describe('runCycle: full text of teaser items', () => {
  let server: TestServer;
  let project: CycleProject;
  const summaries: CycleSummary[] = [];
  let teaserA = 'AAAI 2025 workshops: a recap […]';
  const LONG = Array.from({ length: 12 }, () => 'A long feed text that carries the whole article in the feed itself.').join(' ');

  beforeAll(async () => {
    server = await startServer({
      '/teasers.xml': (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed('Teasers', [
          { title: 'AAAI 2025 workshops recap', link: server.url('/a'), guid: 'a', description: teaserA },
          { title: 'A page that fails', link: server.url('/b'), guid: 'b', description: 'Short teaser.' },
          { title: 'A full item', link: server.url('/c'), guid: 'c', description: LONG },
          { title: 'A third teaser', link: server.url('/d'), guid: 'd', description: 'Another short teaser.' },
        ]));
      },
      '/always.xml': (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed('Always', [
          { title: 'Always the page', link: server.url('/e'), guid: 'e', description: 'An always-source keeps its own feed summary here.' },
        ]));
      },
      '/robots.txt': (_request, response) => response.writeHead(404).end(),
      '/a': (_request, response) => sendHtml(response, articlePage('AAAI 2025 workshops recap', FL_PARAGRAPHS)),
      '/b': (_request, response) => response.writeHead(500, { 'content-type': 'text/plain' }).end('oops'),
      '/c': (_request, response) => sendHtml(response, articlePage('Never asked', FL_PARAGRAPHS)),
      '/d': (_request, response) => sendHtml(response, articlePage('A third teaser', FL_PARAGRAPHS.slice(1))),
      '/e': (_request, response) => sendHtml(response, articlePage('Always the page', ['The page of an always source, published as it is cleaned.', ...FL_PARAGRAPHS])),
    });
    project = makeCycleProject([
      'sources:',
      `  - { url: "${server.url('/teasers.xml')}", name: Teasers, lang: en }`,
      `  - { url: "${server.url('/always.xml')}", name: Always, lang: en, fullText: always }`,
      'fetch: { perHostDelayMs: 0, allowPrivateHosts: ["127.0.0.1"] }',
      'fullText: { maxPerCycle: 3 }',
    ].join('\n'));
  });

  afterAll(async () => {
    project.cleanup();
    await server.close();
  });

  const pageRequests = () => server.requests.map((request) => request.path).filter((path) => /^\/[a-e]$/.test(path)).sort();
  const item = (guid: string) => project.store.recentItems(100).find((stored) => stored.guid === guid);
  const published = () => JSON.parse(readFileSync(join(project.dir, 'public/feed.json'), 'utf8')) as { items: { title: string; content_html?: string }[] };

  it('fetches the pages of teasers and always-sources, within fullText.maxPerCycle; a failure is counted and the cycle publishes', async () => {
    const { summary } = await project.run(NOW);
    summaries.push(summary);
    expect(summary.failed).toBe(0);
    // Four candidates (a, b, d: teasers; e: always), three allowed: one waits.
    expect(summary.fullText.fetched + summary.fullText.failed).toBe(3);
    expect(summary.fullText.waiting).toBe(1);
    expect(pageRequests()).not.toContain('/c');
    expect(published().items.length).toBeGreaterThan(0);
  });

  it('fetches the page that waited on the next cycle, and no page twice', async () => {
    server.requests.length = 0;
    const { summary } = await project.run(new Date(NOW.getTime() + HOUR), { force: true });
    summaries.push(summary);
    expect(summary.fullText).toMatchObject({ waiting: 0 });
    expect(summary.fullText.fetched + summary.fullText.failed).toBe(1);
    server.requests.length = 0;
    const third = await project.run(new Date(NOW.getTime() + 2 * HOUR), { force: true });
    expect(third.summary.fullText).toEqual({ fetched: 0, failed: 0, waiting: 0, failures: {} });
    expect(pageRequests()).toEqual([]);
  });

  it('stores the text, tags the item from it, and publishes the feed\'s own content (auto)', () => {
    const a = item('a');
    expect(a?.fullText?.split('\n')).toEqual(expect.arrayContaining(FL_PARAGRAPHS));
    expect(a?.themes.map((theme) => theme.id)).toContain('federated-learning');
    const entry = published().items.find((entry) => entry.title.includes('AAAI 2025 workshops recap'));
    expect(entry?.content_html).not.toContain('secure aggregation');
    expect(item('c')?.fullText).toBeNull();
  });

  it('leaves the feed\'s content of a failed page, counted by code in status and /metrics', () => {
    expect(item('b')?.fullText).toBeNull();
    expect(item('b')?.contentHtml).toBe('Short teaser.');
    expect(readStatus(project.config, NOW).fullText).toEqual({ ok: 3, failed: 1, notNeeded: 1, failuresByCode: { FETCH_UNTRUSTED_FAILED: 1 } });
    const metrics = createCycleMetrics();
    for (const summary of summaries) recordFullText(metrics.fullText, summary.fullText);
    const text = renderMetrics(metrics, [], { now: NOW, staleAfterDays: 30 });
    expect(text).toContain('veille_fulltext_pages_total{result="ok"} 3');
    expect(text).toContain('veille_fulltext_pages_total{result="FETCH_UNTRUSTED_FAILED"} 1');
    expect(text).toContain('veille_fulltext_waiting_total 1');
  });

  it('publishes the cleaned page instead of the feed\'s content for a source with fullText: always', () => {
    const entry = published().items.find((entry) => entry.title.startsWith('Always the page'));
    expect(entry?.content_html).toContain('The page of an always source, published as it is cleaned.');
  });

  it('fetches an item edited upstream again, but not before a day has passed since its last fetch', async () => {
    teaserA = 'AAAI 2025 workshops: an updated recap […]';
    server.requests.length = 0;
    await project.run(new Date(NOW.getTime() + 3 * HOUR), { force: true });
    expect(pageRequests()).toEqual([]);
    // Edited upstream, its themes still come from the page's text.
    expect(item('a')?.themes.map((theme) => theme.id)).toContain('federated-learning');
    await project.run(new Date(NOW.getTime() + 25 * HOUR), { force: true });
    expect(pageRequests()).toEqual(['/a']);
    server.requests.length = 0;
    await project.run(new Date(NOW.getTime() + 26 * HOUR), { force: true });
    expect(pageRequests()).toEqual([]);
  });
});

describe('runCycle: an article page answering 429 with Retry-After', () => {
  let feeds: TestServer;
  let pages: TestServer;
  let project: CycleProject;

  beforeAll(async () => {
    pages = await startServer({
      '/robots.txt': (_request, response) => response.writeHead(404).end(),
      '/busy': (_request, response) => response.writeHead(429, { 'retry-after': '600', 'content-type': 'text/plain' }).end('slow down'),
      '/later': (_request, response) => sendHtml(response, articlePage('Later', FL_PARAGRAPHS)),
    });
    feeds = await startServer({
      '/feed.xml': (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed('Busy', [
          { title: 'Busy page', link: pages.url('/busy'), guid: 'busy', description: 'Teaser one.' },
          { title: 'Later page', link: pages.url('/later'), guid: 'later', description: 'Teaser two.' },
        ]));
      },
    });
    project = makeCycleProject([
      'sources:',
      `  - { url: "${feeds.url('/feed.xml')}", lang: en }`,
      'fetch: { perHostDelayMs: 0, perHostConcurrency: 1, allowPrivateHosts: ["127.0.0.1"] }',
      'fullText: { maxPerCycle: 10 }',
    ].join('\n'));
  });

  afterAll(async () => {
    project.cleanup();
    await Promise.all([feeds.close(), pages.close()]);
  });

  it('leaves the host alone until then, in this cycle and the next ones (RFC 9110 §10.2.3)', async () => {
    const { summary } = await project.run(NOW);
    expect(summary.fullText.failures).toEqual({ FETCH_UNTRUSTED_FAILED: 1 });
    const host = new URL(pages.origin).host;
    expect(project.store.listHostDeferrals(NOW.toISOString())).toEqual([
      expect.objectContaining({ host, notBefore: new Date(NOW.getTime() + 600_000).toISOString() }),
    ]);
    pages.requests.length = 0;
    const next = await project.run(new Date(NOW.getTime() + 60_000), { force: true });
    expect(pages.requests).toEqual([]);
    expect(next.summary.fullText.fetched + next.summary.fullText.failed).toBe(0);
  });
});

describe('runCycle: the article page\'s links group the story', () => {
  let server: TestServer;
  let project: CycleProject;

  beforeAll(async () => {
    server = await startServer({
      '/aihub.xml': (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed('AIhub', [
          { title: 'AAAI 2025 workshops recap', link: server.url('/aihub/recap'), guid: 'recap', description: FL_PARAGRAPHS.join(' ') + ' ' + FL_PARAGRAPHS.join(' ') },
        ]));
      },
      '/blog.xml': (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed('Blog', [
          { title: 'Deux ateliers de l’AAAI', link: server.url('/blog/ateliers'), guid: 'ateliers', description: 'Un billet sur deux ateliers […]' },
        ], 'fr'));
      },
      '/robots.txt': (_request, response) => response.writeHead(404).end(),
      '/blog/ateliers': (_request, response) => sendHtml(response, `<!doctype html><html lang="fr"><head><title>Deux ateliers</title></head><body><article>
<p>AIhub a publié un compte rendu de deux ateliers de la conférence AAAI 2025, l’un sur l’IA open source, l’autre sur l’apprentissage fédéré.</p>
<p>Les deux ateliers concluent qu’il faut des bancs d’essai partagés. <a href="${server.url('/aihub/recap')}">Lire l’article sur AIhub</a></p></article></body></html>`),
    });
    project = makeCycleProject([
      'sources:',
      `  - { url: "${server.url('/aihub.xml')}", name: AIhub, lang: en, fullText: never }`,
      `  - { url: "${server.url('/blog.xml')}", name: Blog, lang: fr }`,
      'fetch: { perHostDelayMs: 0, allowPrivateHosts: ["127.0.0.1"] }',
      'fullText: { maxPerCycle: 5 }',
    ].join('\n'));
  });

  afterAll(async () => {
    project.cleanup();
    await server.close();
  });

  it('joins the blog\'s teaser to the AIhub item its page links to (the teaser itself links nowhere)', async () => {
    await project.run(NOW);
    const stories = project.store.recentStories(10);
    expect(stories.map((story) => story.members.map((member) => member.guid).sort())).toEqual([['ateliers', 'recap']]);
  });
});
