// veille as a WebSub subscriber against a hub on loopback written from the W3C Recommendation
// (https://www.w3.org/TR/websub/): discovery (§4), subscription (§5.1), verification of intent
// (§5.3), denial (§5.2), renewal before the lease ends, unsubscription when the source goes, and
// content distribution (§7) accepted only when signed with the subscription's secret (§8).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFeedServer, serveBody, type FeedServer } from '../helpers/feed-server.js';
import { startLoopbackHub, type LoopbackHub } from './loopback-hub.js';
import { hubFeed, makeWebSubProject, type WebSubProject } from './websub-harness.js';
import { readStatus } from '../../src/app/status.js';
import { SIGNATURE_METHODS } from '../../src/websub/signature.js';

describe('WebSub subscriber', () => {
  let hub: LoopbackHub;
  let feeds: FeedServer;
  let project: WebSubProject;
  let topic: string;

  beforeEach(async () => {
    hub = await startLoopbackHub();
    feeds = await startFeedServer();
    topic = `${feeds.base}/feed.xml`;
    feeds.setRoute('/feed.xml', serveBody(hubFeed(topic, hub.url, [{ title: 'First story', guid: 'a' }]), 'application/rss+xml'));
    project = await makeWebSubProject(`  - { url: "${topic}", name: Hub source }`);
    await project.cycle();
  });
  afterEach(async () => {
    await project.cleanup();
    await feeds.close();
    await hub.close();
  });

  /** Subscribes and lets the hub verify. */
  async function subscribe(): Promise<string> {
    await project.maintain();
    await hub.settled();
    const [subscription] = project.store.websub().subscriptions();
    return `${project.server.url}websub/${subscription?.callbackId ?? ''}`;
  }

  it('subscribes to the hub the feed declares (§4, §5.1): callback under server.publicUrl, the self URL as topic, a secret, a lease', async () => {
    await project.maintain();
    await hub.settled();
    const request = hub.requests.find((form) => form.get('hub.mode') === 'subscribe');
    expect(request?.get('hub.topic')).toBe(topic);
    expect(request?.get('hub.callback')).toMatch(new RegExp(`^${project.server.url}websub/[A-Za-z0-9_-]{20,}$`));
    expect(request?.get('hub.secret')?.length).toBeGreaterThanOrEqual(32);
    expect(request?.get('hub.lease_seconds')).toBe(String(10 * 24 * 3600));
    // §5.3: veille echoed the challenge; the hub granted its own lease, which veille records.
    expect(hub.verifications).toEqual([expect.objectContaining({ mode: 'subscribe', status: 200, echoed: true })]);
    const [subscription] = project.store.websub().subscriptions();
    expect(subscription).toMatchObject({ state: 'active', leaseSeconds: 3600, expiresAt: '2026-11-26T10:00:00.000Z' });
  });

  it('keeps a secret of its own per subscription, never the same twice', async () => {
    await subscribe();
    const secrets = hub.requests.map((form) => form.get('hub.secret'));
    expect(new Set(secrets).size).toBe(secrets.length);
  });

  it.each([
    ['a callback veille never gave', (callback: string) => `${callback.slice(0, -4)}zzzz`, 'subscribe', 'topic'],
    ['another topic on its callback', (callback: string) => callback, 'subscribe', 'https://example.org/other.xml'],
    ['an unsubscribe veille did not ask for', (callback: string) => callback, 'unsubscribe', 'topic'],
  ])('answers 404 to a verification of %s (§5.3.1)', async (_name, callbackOf, mode, topicOf) => {
    const callback = await subscribe();
    const verification = await hub.verify(callbackOf(callback), mode, topicOf === 'topic' ? topic : topicOf);
    expect(verification.status).toBe(404);
    expect(verification.echoed).toBe(false);
    expect(project.store.websub().subscriptions()[0]?.state).toBe('active');
  });

  it('renews the lease before it ends, on the same callback, and not before it is due', async () => {
    const callback = await subscribe();
    project.setNow(new Date('2026-11-26T09:30:00Z'));
    await project.maintain();
    expect(hub.requests.filter((form) => form.get('hub.mode') === 'subscribe')).toHaveLength(1);
    // Less than a tenth of the hour left.
    project.setNow(new Date('2026-11-26T09:55:00Z'));
    await project.maintain();
    await hub.settled();
    const renewals = hub.requests.filter((form) => form.get('hub.mode') === 'subscribe');
    expect(renewals.map((form) => form.get('hub.callback'))).toEqual([callback, callback]);
    expect(project.store.websub().subscriptions()[0]).toMatchObject({ state: 'active', expiresAt: '2026-11-26T10:55:00.000Z' });
  });

  it('renews a short lease at least 5 minutes before it ends (the worker looks each minute)', async () => {
    hub.grantSeconds = 600;
    await subscribe();
    project.setNow(new Date('2026-11-26T09:04:59Z'));
    await project.maintain();
    expect(hub.requests.filter((form) => form.get('hub.mode') === 'subscribe')).toHaveLength(1);
    project.setNow(new Date('2026-11-26T09:05:00Z'));
    await project.maintain();
    await hub.settled();
    expect(hub.requests.filter((form) => form.get('hub.mode') === 'subscribe')).toHaveLength(2);
  });

  it('unsubscribes when the source is removed, and forgets the subscription once the hub verifies it', async () => {
    const callback = await subscribe();
    project.store.syncSources([], '2026-11-26T09:10:00Z');
    await project.maintain();
    await hub.settled();
    expect(hub.requests.at(-1)?.get('hub.mode')).toBe('unsubscribe');
    expect(hub.verifications.at(-1)).toMatchObject({ mode: 'unsubscribe', callback, status: 200, echoed: true });
    expect(hub.subscriptions.size).toBe(0);
    expect(project.store.websub().subscriptions()).toEqual([]);
  });

  it('waits out its back-off before asking a failing hub again to unsubscribe', async () => {
    await subscribe();
    project.store.syncSources([], '2026-11-26T09:10:00Z');
    hub.status = 500;
    await project.maintain();
    await project.maintain();
    expect(hub.requests.filter((form) => form.get('hub.mode') === 'unsubscribe')).toHaveLength(1);
    hub.status = 202;
    project.setNow(new Date('2026-11-26T09:00:30Z'));
    await project.maintain();
    await hub.settled();
    expect(project.store.websub().subscriptions()).toEqual([]);
  });

  it('records a denial (§5.2) and shows it in status', async () => {
    const callback = await subscribe();
    expect(await hub.deny(callback, topic, 'too many subscribers')).toBe(200);
    expect(project.store.websub().subscriptions()[0]).toMatchObject({ state: 'denied', lastError: 'denied by the hub: too many subscribers' });
    expect(readStatus(project.config, new Date('2026-11-26T09:10:00Z')).websub.subscriptions[0]).toMatchObject({ state: 'denied' });
    expect(JSON.stringify(readStatus(project.config, new Date()).websub)).not.toContain(hub.requests[0]?.get('hub.secret') ?? 'none');
  });

  it('retries a subscription the hub refused (HTTP 500) with back-off', async () => {
    hub.status = 500;
    await project.maintain();
    expect(project.store.websub().subscriptions()[0]).toMatchObject({ state: 'requested', attempts: 1, nextAttemptAt: '2026-11-26T09:00:30.000Z' });
    await project.maintain();
    expect(hub.requests).toHaveLength(1);
    hub.status = 202;
    project.setNow(new Date('2026-11-26T09:01:00Z'));
    await project.maintain();
    await hub.settled();
    expect(project.store.websub().subscriptions()[0]).toMatchObject({ state: 'active', attempts: 0 });
  });

  it.each(SIGNATURE_METHODS)('takes a body signed with %s and the subscription secret (§8), then processes it as a fetched one', async (method) => {
    const callback = await subscribe();
    const body = hubFeed(topic, hub.url, [{ title: 'Pushed story', guid: 'b' }]);
    expect(await hub.distribute(callback, body, { method })).toBe(202);
    expect(project.pushed).toHaveLength(1);
    const [push] = project.pushed;
    const fetchesBefore = feeds.requests.length;
    await project.cycle({ pushed: new Map([[push?.sourceId ?? 0, push?.feed ?? { text: '', contentType: null, receivedBytes: 0 }]]) });
    expect(feeds.requests.length).toBe(fetchesBefore);
    expect(project.publishedTitles().filter((title) => title.startsWith('Pushed story'))).toHaveLength(1);
    expect(project.store.websub().subscriptions()[0]).toMatchObject({ pushes: 1, ignoredPushes: 0 });
  });

  it.each([
    ['unsigned', { signature: 'none' as const }],
    ['signed with another secret', { signature: 'wrong' as const }],
    ['for a topic that is not the source', { self: 'https://example.org/another-feed.xml' }],
  ])('answers 2xx to a body %s and ignores it (§8)', async (_name, options) => {
    const callback = await subscribe();
    const status = await hub.distribute(callback, hubFeed(topic, hub.url, [{ title: 'Forged story', guid: 'f' }]), options);
    expect(status).toBeGreaterThanOrEqual(200);
    expect(status).toBeLessThan(300);
    expect(project.pushed).toEqual([]);
    expect(project.store.websub().subscriptions()[0]).toMatchObject({ pushes: 0, ignoredPushes: 1 });
  });

  it('answers 410 Gone to a distribution on a callback it does not know (§7)', async () => {
    await subscribe();
    const status = await hub.distribute(`${project.server.url}websub/unknown`, 'x');
    expect(status).toBe(410);
  });

  it('polls a pushed source at the slowest interval, and notices a hub that stopped pushing', async () => {
    await subscribe();
    project.setNow(new Date('2026-11-26T09:20:00Z'));
    feeds.setRoute('/feed.xml', serveBody(hubFeed(topic, hub.url, [{ title: 'First story', guid: 'a' }, { title: 'Missed story', guid: 'm' }]), 'application/rss+xml'));
    await project.cycle();
    const [source] = project.store.listSources({ activeOnly: true });
    // fetch.maxIntervalMinutes: 24 h.
    expect(source?.nextFetchAt).toBe('2026-11-27T09:20:00.000Z');
    const status = readStatus(project.config, new Date('2026-11-26T09:21:00Z'));
    expect(status.websub.subscriptions[0]).toMatchObject({ hubSilent: true, missedItems: 1 });
  });
});
