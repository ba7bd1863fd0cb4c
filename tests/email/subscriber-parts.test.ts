// The parts of issue 23's routes that stand alone: the sign-up limiter's bounded memory, the
// address check, the RFC 8058 body in both form encodings, the routes' HTTP guarantees, and the
// store's epochs and history.
import { afterEach, describe, expect, it } from 'vitest';
import type { EndpointRequest } from '../../src/publish/server.js';
import { startServer, type RunningServer } from '../../src/publish/server.js';
import { createRateLimiter } from '../../src/email/rate-limit.js';
import { formFields, isMailAddress, LETTERS_PER_ADDRESS_PER_DAY, subscriberEndpoints } from '../../src/email/subscriber-endpoints.js';
import { unsubscribeToken } from '../../src/email/subscriber-token.js';
import { randomId } from '../../src/system/random-id.js';
import { siteLocale } from '../../src/domain/site-locale.js';
import { silentLogger } from '../../src/domain/ports.js';
import { Store } from '../../src/store/store.js';

describe('sign-up limiter', () => {
  it('allows `limit` requests a window per key, and a new window after it', () => {
    const limiter = createRateLimiter({ limit: 3, windowMs: 1000, maxKeys: 10 });
    expect([1, 2, 3, 4].map(() => limiter.allow('a', 0))).toEqual([true, true, true, false]);
    expect(limiter.allow('b', 10)).toBe(true);
    expect(limiter.allow('a', 1000)).toBe(true);
  });

  it('keeps at most maxKeys keys whatever the number of clients', () => {
    const limiter = createRateLimiter({ limit: 1, windowMs: 60_000, maxKeys: 100 });
    for (let i = 0; i < 10_000; i += 1) limiter.allow(`client-${i}`, i);
    expect(limiter.size).toBe(100);
  });
});

describe('isMailAddress', () => {
  it.each([
    ['lea@example.org', true],
    ['a.b+c@sub.example.fr', true],
    ['no-at.example.org', false],
    ['@example.org', false],
    ['lea@localhost', false],
    ['lea@example..org', false],
    ['.lea@example.org', false],
    ['lea@example.org\r\nBcc: x@example.org', false],
    [`${'a'.repeat(65)}@example.org`, false],
    [`a@${'b'.repeat(250)}.org`, false],
  ])('%j → %s', (address, expected) => {
    expect(isMailAddress(address)).toBe(expected);
  });
});

function post(body: string, contentType: string): EndpointRequest {
  return { method: 'POST', path: '/unsubscribe/x', query: new URLSearchParams(), headers: { 'content-type': contentType }, body: Buffer.from(body), remoteAddress: '127.0.0.1' };
}

describe('formFields (RFC 8058 §3.1: urlencoded or multipart/form-data)', () => {
  it('reads the one-click field in both encodings', () => {
    expect(formFields(post('List-Unsubscribe=One-Click', 'application/x-www-form-urlencoded')).get('List-Unsubscribe')).toBe('One-Click');
    const multipart = '--XyZ\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--XyZ--\r\n';
    expect(formFields(post(multipart, 'multipart/form-data; boundary=XyZ')).get('List-Unsubscribe')).toBe('One-Click');
  });
});

describe('the readers’ routes on the server', () => {
  let server: RunningServer;
  let store: Store;
  afterEach(async () => {
    await server.close();
    store.close();
  });

  async function start(signup: Parameters<typeof subscriberEndpoints>[0]['signup'] = null): Promise<void> {
    store = Store.open(':memory:');
    server = await startServer({
      dir: '/nonexistent',
      host: '127.0.0.1',
      port: 0,
      endpoints: subscriberEndpoints({
        book: store.subscribers(),
        secret: () => 'a-test-secret-of-enough-length',
        publicUrl: 'https://veille.example.org/',
        locale: siteLocale('fr', 'Europe/Paris'),
        siteTitle: 'Veille IA',
        siteUrl: 'https://veille.example.org/',
        themes: [{ id: 'privacy', label: 'Confidentialité', definition: null }],
        now: () => new Date('2026-11-26T08:00:00Z'),
        logger: silentLogger,
        signup,
      }),
    });
  }

  it('keep the server’s guarantees: other methods 405 with Allow, a large body 413, no sign-up without subscribe.enabled', async () => {
    await start();
    const put = await fetch(`${server.url}unsubscribe/abc`, { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST, HEAD');
    const big = await fetch(`${server.url}unsubscribe/abc`, { method: 'POST', body: 'x'.repeat(5000) });
    expect(big.status).toBe(413);
    expect((await fetch(`${server.url}subscribe`)).status).toBe(404);
    const page = await fetch(`${server.url}unsubscribe/abc`);
    expect(page.headers.get('content-security-policy')).toContain("form-action 'self'");
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('set-cookie')).toBeNull();
  });

  it(`sends at most ${LETTERS_PER_ADDRESS_PER_DAY} confirmation letters a day to one address, whoever asks, and answers each the same`, async () => {
    const sent: string[] = [];
    await start({
      from: 'Veille IA <veille@example.org>',
      confirmDays: 3,
      limiter: createRateLimiter({ limit: 100, windowMs: 60_000, maxKeys: 10 }),
      send: (message) => {
        sent.push(message.to);
        return Promise.resolve();
      },
    });
    const answers = new Set<string>();
    for (let i = 0; i < 5; i += 1) {
      const response = await fetch(`${server.url}subscribe`, { method: 'POST', body: 'address=lea%40example.org', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(response.status).toBe(200);
      answers.add(await response.text());
    }
    expect(answers.size).toBe(1);
    expect(sent).toEqual(Array.from({ length: LETTERS_PER_ADDRESS_PER_DAY }, () => 'lea@example.org'));
  });

  it('a re-subscription starts a new epoch: the old token no longer unsubscribes; history keeps how each change was made', async () => {
    await start();
    const book = store.subscribers();
    const first = book.ensure('lea@example.org', '2026-11-01T00:00:00Z');
    const oldToken = unsubscribeToken('a-test-secret-of-enough-length', 'https://veille.example.org/', first);
    book.unsubscribe(first.id, 'one-click', '2026-11-02T00:00:00Z');
    const again = book.subscribe('lea@example.org', { origin: 'operator', themes: null, how: 'operator' }, '2026-11-03T00:00:00Z');
    expect(again.epoch).toBe(first.epoch + 1);
    const replay = await fetch(`${server.url}unsubscribe/${oldToken}`, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(replay.status).toBe(200);
    expect(book.get('lea@example.org')?.state).toBe('subscribed');
    expect(book.events().map((event) => `${event.kind}:${event.how}`)).toEqual(['subscribed:config', 'unsubscribed:one-click', 'subscribed:operator']);
    // The secret made on first use is kept.
    expect(book.secret()).toBe(book.secret());
  });
});

describe('randomId', () => {
  // The id opens every unsubscribe token; one opening with "-" was read as an option by
  // `veille recipients remove TOKEN` (a CI run drew one: one token in 64).
  it('never opens with "-", and keeps base64url’s shape and length', () => {
    const ids = Array.from({ length: 5_000 }, () => randomId());
    expect(ids.filter((id) => id.startsWith('-'))).toEqual([]);
    expect(ids.every((id) => /^[A-Za-z0-9_-]{12}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
