// The repositories added with webhooks, WebSub and subscribers (issues 21, 23) on this run's
// backend: SQLite under npm test, PostgreSQL under npm run test:pg (the same tests).
import { describe, expect, it } from 'vitest';
import { openTestStore } from './backend.js';

const NOW = '2026-12-07T08:00:00.000Z';
const LATER = '2026-12-07T09:00:00.000Z';

describe(`webhook queue`, () => {
  it('queues each key once per target, moves the cursor, and keeps a delivery until it is sent', () => {
    const store = openTestStore();
    const notify = store.notify();
    const one = { target: 'chat', key: 'guid-1', event: 'story.new' as const, storyGuid: 'guid-1', body: '{"a":1}' };
    expect(notify.enqueue([one, { ...one, key: 'guid-2', storyGuid: 'guid-2' }], NOW, NOW)).toBe(2);
    expect(notify.enqueue([one], LATER, LATER)).toBe(0);
    expect(notify.cursor()).toBe(LATER);
    const pending = notify.pending('chat', 10);
    expect(pending.map((delivery) => delivery.key)).toEqual(['guid-1', 'guid-2']);
    expect(typeof pending[0]?.id).toBe('number');
    notify.markSent(pending[0]!, LATER);
    expect(notify.pending('chat', 10).map((delivery) => delivery.key)).toEqual(['guid-2']);
    const state = notify.markFailed(pending[1]!, { error: 'HTTP 500', retryAt: LATER, now: NOW, pauseBefore: '2026-12-06T08:00:00.000Z' });
    expect(state).toMatchObject({ name: 'chat', failures: 1, lastError: 'HTTP 500' });
    expect(notify.targetStates(['chat'])[0]).toMatchObject({ delivered: 1, pending: 1 });
  });
});

describe('WebSub state', () => {
  it('keeps discovered hubs, subscriptions and pings', () => {
    const store = openTestStore();
    const [source] = store.syncSources([{ url: 'https://aihub.org/feed/', name: 'AIhub', lang: 'en' }], NOW);
    const websub = store.websub();
    websub.recordDiscovery(source!.id, { hub: 'https://hub.example/', topic: 'https://aihub.org/feed/' }, NOW);
    expect(websub.discovered()).toHaveLength(1);
    websub.addSubscription({ sourceId: source!.id, callbackId: 'cb1', hub: 'https://hub.example/', topic: 'https://aihub.org/feed/', secret: 's', requestedAt: NOW });
    websub.activate('cb1', 3600, NOW);
    expect(websub.subscription('cb1')).toMatchObject({ state: 'active', leaseSeconds: 3600 });
    websub.queuePings(['https://hub.example/'], ['https://veille.example/feed.xml'], NOW);
    websub.queuePings(['https://hub.example/'], ['https://veille.example/feed.xml'], NOW);
    expect(websub.duePings(LATER)).toHaveLength(1);
    websub.recordPingSent('https://hub.example/', 'https://veille.example/feed.xml', LATER);
    expect(websub.duePings(LATER)).toHaveLength(0);
  });
});

describe('subscribers', () => {
  it('keeps sign-ups, unsubscriptions and their history, with one secret', () => {
    const store = openTestStore();
    const book = store.subscribers();
    const secret = book.secret();
    expect(book.secret()).toBe(secret);
    const reader = book.subscribe('reader@example.org', { origin: 'signup', themes: ['privacy'], how: 'signup' }, NOW);
    expect(typeof reader.id).toBe('number');
    expect(book.byPublicId(reader.publicId)?.address).toBe('reader@example.org');
    expect(book.unsubscribe(reader.id, 'one-click', LATER)).toBe(true);
    expect(book.get('reader@example.org')).toMatchObject({ state: 'unsubscribed' });
    expect(book.events().map((event) => event.kind)).toEqual(['subscribed', 'unsubscribed']);
    book.addSignupRequest({ id: 'req1', address: 'new@example.org', themes: [], createdAt: NOW, expiresAt: LATER, confirmedAt: null });
    expect(book.countSignupRequests('new@example.org', NOW)).toBe(1);
    expect(book.confirmSignup('req1', NOW)).toMatchObject({ address: 'new@example.org', state: 'subscribed' });
  });
});
