// veille as a WebSub publisher (W3C WebSub §4, and the hub.mode=publish ping hubs take): every
// published feed declares the configured hubs and itself, and each feed whose bytes changed is
// pinged; a feed that did not change is not; a failing hub is retried with a bounded back-off,
// shown in status and /metrics.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderAtom, renderJsonFeed, renderRss } from '../../src/publish/feeds.js';
import { parseFeed } from '../../src/parse/parse-feed.js';
import type { FeedMeta } from '../../src/domain/types.js';
import { readStatus } from '../../src/app/status.js';
import { pingHubs } from '../../src/app/cycle.js';
import { HUB_RETRY } from '../../src/app/websub.js';
import { renderWebSubMetrics } from '../../src/worker/metrics.js';
import { readWebSubStatus } from '../../src/app/websub.js';
import { rssFeed, serveBody, startFeedServer, type FeedServer } from '../helpers/feed-server.js';
import { startLoopbackHub, type LoopbackHub } from './loopback-hub.js';
import { makeWebSubProject, type WebSubProject } from './websub-harness.js';

const META: FeedMeta = {
  title: 'Veille IA',
  description: 'd',
  siteUrl: 'https://veille.example.org/',
  feedUrl: 'https://veille.example.org/feed.xml',
  language: 'fr',
  updatedAt: '2026-11-26T08:00:00Z',
  generator: 'veille',
  hubs: ['https://hub.example.net/', 'https://pubsubhubbub.example.com/'],
};

describe('published feeds declare the hubs and themselves (§4)', () => {
  it.each([
    ['RSS', renderRss, 'application/rss+xml', '<atom:link href="https://hub.example.net/" rel="hub"/>'],
    ['Atom', renderAtom, 'application/atom+xml', '<link rel="hub" href="https://hub.example.net/"/>'],
    ['JSON Feed', renderJsonFeed, 'application/feed+json', '"type": "WebSub"'],
  ] as const)('%s: the hub and self links, read back by veille’s own discovery', async (_format, render, type, expected) => {
    const text = render(META, []);
    expect(text).toContain(expected);
    const parsed = await parseFeed(text, { contentType: type, url: META.feedUrl });
    expect(parsed.websub).toEqual({ hubs: META.hubs, self: META.feedUrl });
  });

  it.each([
    ['RSS', renderRss],
    ['Atom', renderAtom],
    ['JSON Feed', renderJsonFeed],
  ] as const)('%s: no hub link when none is configured', (_format, render) => {
    const text = render({ ...META, hubs: [] }, []);
    expect(text).not.toMatch(/rel="hub"|WebSub|"hubs"/);
  });
});

describe('pings of the configured hub', () => {
  let hub: LoopbackHub;
  let feeds: FeedServer;
  let project: WebSubProject;
  const item = (title: string, guid: string) => ({ title, link: `https://example.org/${guid}`, guid, date: 'Thu, 26 Nov 2026 08:00:00 GMT' });

  beforeEach(async () => {
    hub = await startLoopbackHub();
    feeds = await startFeedServer();
    feeds.setRoute('/feed.xml', serveBody(rssFeed('Source', [item('First story', 'a')]), 'application/rss+xml'));
    project = await makeWebSubProject(`  - { url: "${feeds.base}/feed.xml" }`, { publish: `websub: { hub: "${hub.url}" }` });
  });
  afterEach(async () => {
    await project.cleanup();
    await feeds.close();
    await hub.close();
  });

  it('pings each feed whose bytes changed (hub.mode=publish, hub.url = its self URL), and none when nothing changed', async () => {
    await project.cycle();
    const site = project.config.site.url;
    expect(hub.pings).toEqual(expect.arrayContaining([`${site}feed.xml`, `${site}atom.xml`, `${site}feed.json`]));
    expect(hub.pings.every((topic) => topic.startsWith(site))).toBe(true);
    const first = hub.pings.length;
    project.setNow(new Date('2026-11-26T10:00:00Z'));
    await project.cycle();
    expect(hub.pings).toHaveLength(first);
    feeds.setRoute('/feed.xml', serveBody(rssFeed('Source', [item('First story', 'a'), item('Second story', 'b')]), 'application/rss+xml'));
    project.setNow(new Date('2026-11-26T11:00:00Z'));
    await project.cycle();
    expect(hub.pings.slice(first)).toEqual(expect.arrayContaining([`${site}feed.xml`, `${site}atom.xml`, `${site}feed.json`]));
  });

  it('retries a failing hub with back-off, gives up after a bounded number of tries, and says so in status and /metrics', async () => {
    hub.status = 503;
    await project.cycle();
    const topic = `${project.config.site.url}feed.xml`;
    const ping = () => project.store.websub().pings().find((row) => row.topic === topic);
    expect(ping()).toMatchObject({ pending: true, attempts: 1, nextAttemptAt: '2026-11-26T09:00:30.000Z' });
    // Not due yet: nothing sent.
    const tried = hub.requests.length;
    await pingHubs(project.app);
    expect(hub.requests).toHaveLength(tried);
    let at = Date.parse('2026-11-26T09:00:00Z');
    for (let attempt = 2; attempt <= HUB_RETRY.maxPingAttempts; attempt += 1) {
      at += 2 * 3_600_000;
      project.setNow(new Date(at));
      await pingHubs(project.app);
    }
    expect(ping()).toMatchObject({ pending: false, attempts: HUB_RETRY.maxPingAttempts, failures: HUB_RETRY.maxPingAttempts, sent: 0 });
    const status = readStatus(project.config, new Date(at));
    expect(status.websub.pings.find((row) => row.topic === topic)?.lastError).toContain('HTTP 503');
    expect(renderWebSubMetrics(readWebSubStatus(project.store))).toContain(`veille_websub_pings_total{result="failed"} ${status.websub.pings.reduce((sum, row) => sum + row.failures, 0)}`);
    // The next change of the feed queues it again, and a hub that answers clears it.
    hub.status = 202;
    feeds.setRoute('/feed.xml', serveBody(rssFeed('Source', [item('First story', 'a'), item('Third story', 'c')]), 'application/rss+xml'));
    await project.cycle();
    expect(ping()).toMatchObject({ pending: false, sent: 1 });
  });
});
