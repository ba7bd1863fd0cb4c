// The callback's decisions, table by table (W3C WebSub §5.3 verification, §8 signatures) and the
// Link header (RFC 8288 §3) a distribution names its topic with (§7).
import { describe, expect, it } from 'vitest';
import { judgeDistribution, judgeVerification, linksOf } from '../../src/websub/callback.js';
import { isSignedBy, signBody } from '../../src/websub/signature.js';
import type { WebSubSubscription } from '../../src/domain/websub.js';

const SUBSCRIPTION: WebSubSubscription = {
  sourceId: 1,
  callbackId: 'cb',
  hub: 'https://hub.example.net/',
  topic: 'https://example.org/feed.xml',
  secret: 's3cret',
  state: 'active',
  leaseSeconds: 3600,
  expiresAt: null,
  requestedAt: '2026-11-26T08:00:00Z',
  verifiedAt: '2026-11-26T08:00:01Z',
  attempts: 0,
  nextAttemptAt: null,
  lastError: null,
  pushes: 0,
  ignoredPushes: 0,
  lastPushAt: null,
  missedItems: 0,
  missedSince: null,
};

const query = (fields: Record<string, string>) => new URLSearchParams(fields);

describe('signatures (§8)', () => {
  const body = Buffer.from('<rss/>');
  it.each([
    ['sha256, right secret', signBody(body, 's3cret', 'sha256'), true],
    ['sha1, right secret', signBody(body, 's3cret', 'sha1'), true],
    ['upper-case method and digest', signBody(body, 's3cret', 'sha512').toUpperCase(), true],
    ['wrong secret', signBody(body, 'other', 'sha256'), false],
    ['md5, a method §8 does not name', `md5=${'0'.repeat(32)}`, false],
    ['no method', 'abcdef', false],
    ['a digest cut short', signBody(body, 's3cret', 'sha256').slice(0, -2), false],
    ['not hex', 'sha256=zz', false],
  ])('%s', (_name, header, expected) => {
    expect(isSignedBy(header, body, 's3cret')).toBe(expected);
  });
});

describe('verification of intent (§5.3)', () => {
  const base = { 'hub.topic': SUBSCRIPTION.topic, 'hub.challenge': 'c1' };
  it.each([
    ['subscribe on an active subscription (a renewal)', { ...base, 'hub.mode': 'subscribe', 'hub.lease_seconds': '600' }, SUBSCRIPTION, { kind: 'confirm', leaseSeconds: 600 }],
    ['subscribe without a usable lease', { ...base, 'hub.mode': 'subscribe', 'hub.lease_seconds': '-5' }, SUBSCRIPTION, { kind: 'confirm', leaseSeconds: null }],
    ['no challenge', { 'hub.topic': SUBSCRIPTION.topic, 'hub.mode': 'subscribe' }, SUBSCRIPTION, { kind: 'refuse' }],
    ['the topic written another way is the same URL', { ...base, 'hub.topic': 'HTTPS://EXAMPLE.ORG:443/feed.xml', 'hub.mode': 'subscribe' }, SUBSCRIPTION, { kind: 'confirm' }],
    ['an unknown mode', { ...base, 'hub.mode': 'publish' }, SUBSCRIPTION, { kind: 'refuse' }],
    ['subscribe on a denied subscription', { ...base, 'hub.mode': 'subscribe' }, { ...SUBSCRIPTION, state: 'denied' as const }, { kind: 'refuse' }],
    ['unsubscribe veille asked for', { ...base, 'hub.mode': 'unsubscribe' }, { ...SUBSCRIPTION, state: 'unsubscribing' as const }, { kind: 'confirm', mode: 'unsubscribe' }],
    ['no subscription', { ...base, 'hub.mode': 'subscribe' }, null, { kind: 'refuse' }],
  ])('%s', (_name, fields, subscription, expected) => {
    expect(judgeVerification(query(fields), subscription)).toMatchObject(expected);
  });
});

describe('content distribution (§7, §8)', () => {
  const body = Buffer.from('<rss/>');
  const signed = signBody(body, 's3cret');
  it.each([
    ['signed, no Link header', { 'x-hub-signature': signed }, SUBSCRIPTION, 'accept'],
    ['signed, its topic as self', { 'x-hub-signature': signed, link: `<https://hub.example.net/>; rel="hub", <${SUBSCRIPTION.topic}>; rel="self"` }, SUBSCRIPTION, 'accept'],
    ['signed, another self', { 'x-hub-signature': signed, link: '<https://example.org/other>; rel=self' }, SUBSCRIPTION, 'ignore'],
    ['signed, while unsubscribing', { 'x-hub-signature': signed }, { ...SUBSCRIPTION, state: 'unsubscribing' as const }, 'ignore'],
  ])('%s: %s', (_name, headers, subscription, expected) => {
    expect(judgeDistribution({ headers, body }, subscription).kind).toBe(expected);
  });
});

describe('Link headers (RFC 8288 §3)', () => {
  it('reads several links in one header and across headers, rel lists included', () => {
    expect(linksOf(['<https://hub.example.net/>; rel="hub", <https://example.org/a,b>;rel="self alternate"', '<https://x.example/>; title="t"'])).toEqual([
      { url: 'https://hub.example.net/', rels: ['hub'] },
      { url: 'https://example.org/a,b', rels: ['self', 'alternate'] },
      { url: 'https://x.example/', rels: [] },
    ]);
  });
});
