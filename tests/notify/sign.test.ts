// The signature a receiver checks (issue 21): X-Veille-Signature: t=<unix seconds>,v1=<hex>, the
// HMAC-SHA256 of "<t>.<body>" (Stripe's scheme), verified in constant time within a tolerance.
import * as crypto from 'node:crypto';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { matrixTransactionId, ntfyParts, renderNotification } from '../../src/notify/messages.js';
import { signBody, verifySignature } from '../../src/notify/sign.js';
import { siteLocale } from '../../src/domain/site-locale.js';
import type { NotifyEvent } from '../../src/domain/notify.js';

const BODY = '{"type":"story.new"}';
const T = 1_796_544_000;

describe('signBody and verifySignature', () => {
  it('signs "<t>.<body>" with HMAC-SHA256, as the README tells a receiver', () => {
    const expected = createHmac('sha256', 'secret').update(`${T}.${BODY}`).digest('hex');
    expect(signBody('secret', BODY, T)).toBe(`t=${T},v1=${expected}`);
  });

  it.each([
    ['the right secret and body', 'secret', BODY, T + 10, true],
    ['another secret', 'other', BODY, T, false],
    ['a changed body', 'secret', `${BODY} `, T, false],
    ['a timestamp older than the tolerance (a replay)', 'secret', BODY, T + 301, false],
  ])('%s → %s', (_name, secret, body, now, valid) => {
    expect(verifySignature(secret, body, signBody('secret', BODY, T), now)).toBe(valid);
  });

  it('refuses a header with no v1 or a v1 of another length', () => {
    expect(verifySignature('secret', BODY, `t=${T}`, T)).toBe(false);
    expect(verifySignature('secret', BODY, `t=${T},v1=abcd`, T)).toBe(false);
  });
});

describe('renderNotification', () => {
  const event: NotifyEvent = {
    type: 'story.new',
    key: 'urn:veille:item:abc',
    story: { guid: 'urn:veille:item:abc', title: 'x'.repeat(400), url: 'https://example.org/a', summary: 's', language: 'en', publishedAt: '2026-12-06T07:00:00.000Z', themes: [], sources: [] },
    newSource: null,
  };
  const fr = siteLocale('fr', 'Europe/Paris');
  const en = siteLocale('en', 'Europe/Paris');

  it('cuts a Discord embed title to 256 characters', () => {
    const body = JSON.parse(renderNotification(event, { format: 'discord', url: 'https://discord.com/api/webhooks/1/t' }, fr).body) as { embeds: { title: string }[] };
    expect(Array.from(body.embeds[0]?.title ?? '')).toHaveLength(256);
    expect(body.embeds[0]?.title.endsWith('…')).toBe(true);
  });

  it('speaks the site language', () => {
    expect(JSON.parse(renderNotification(event, { format: 'json', url: 'https://h.example/' }, en).body)).toMatchObject({ text: 'New story' });
    expect(JSON.parse(renderNotification(event, { format: 'json', url: 'https://h.example/' }, fr).body)).toMatchObject({ text: 'Nouvel article' });
  });

  it('puts a Matrix message at …/send/m.room.message/{txnId}, one id per key, with PUT', () => {
    const rendered = renderNotification(event, { format: 'matrix', url: 'https://m.example/_matrix/client/v3/rooms/!r:m.example/send/m.room.message' }, fr);
    expect(rendered.method).toBe('PUT');
    expect(rendered.url).toBe(`https://m.example/_matrix/client/v3/rooms/!r:m.example/send/m.room.message/${matrixTransactionId(event.key)}`);
    expect(matrixTransactionId(event.key)).not.toBe(matrixTransactionId('another'));
  });

  it('publishes ntfy JSON to the server root, the topic in the body', () => {
    expect(ntfyParts('https://ntfy.example/sub/veille-ia')).toEqual({ root: 'https://ntfy.example/sub/', topic: 'veille-ia' });
    const rendered = renderNotification(event, { format: 'ntfy', url: 'https://ntfy.sh/veille-ia' }, fr);
    expect(rendered.url).toBe('https://ntfy.sh/');
    expect(JSON.parse(rendered.body)).toMatchObject({ topic: 'veille-ia', title: 'Nouvel article', click: 'https://example.org/a' });
  });
});

describe("the README's verification snippet", () => {
  // The snippet a receiver copies (README, "Webhooks"), run as written against veille's signature.
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('### Webhooks'));
  const start = section.indexOf('```js\n') + '```js\n'.length;
  const code = section.slice(start, section.indexOf('\n```', start));
  const isFromVeille = new Function('crypto', `${code.replace(/^import \{([^}]*)\} from 'node:crypto';$/m, 'const {$1} = crypto;')}\nreturn isFromVeille;`)(crypto) as (
    secret: string,
    rawBody: string,
    header: string,
  ) => boolean;

  it.each([
    ['accepts a request veille signed now', 'secret', BODY, true],
    ['refuses another secret', 'other', BODY, false],
    ['refuses a changed body', 'secret', '{"type":"story.source"}', false],
  ])('%s', (_name, secret, body, valid) => {
    expect(code).toContain('function isFromVeille');
    expect(isFromVeille(secret, body, signBody('secret', BODY, Math.floor(Date.now() / 1000)))).toBe(valid);
  });

  it('refuses a signature an hour old', () => {
    expect(isFromVeille('secret', BODY, signBody('secret', BODY, Math.floor(Date.now() / 1000) - 3600))).toBe(false);
  });
});
