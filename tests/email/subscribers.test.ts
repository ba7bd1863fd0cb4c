// Issue 23 end to end, with a real SMTP server and veille's own HTTP server on loopback: the
// one-click unsubscribe URL of a letter (RFC 8058) removes exactly its recipient from the next
// issue, and nothing else does; a sign-up is added only when its confirmation link is followed and
// then gets the next issue with its themes; no URL or page carries an address not typed into it.
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { composeApp, configureApp, type App } from '../../src/app/app.js';
import { buildDigest, createMailer, sendDigest } from '../../src/app/digest.js';
import { addRecipient, digestAudience, SIGNUPS_PER_CLIENT_PER_HOUR, subscriberRoutes } from '../../src/app/subscribers.js';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/domain/ports.js';
import { startServer, type RunningServer } from '../../src/publish/server.js';
import { Store } from '../../src/store/store.js';
import { loadTaxonomy } from '../../src/tag/taxonomy.js';
import { makeDigestProject, NOW, type DigestProject } from '../digest/digest-fixture.js';
import { SMTP_PASSWORD, SMTP_USER, startSmtpServer, type TestSmtpServer } from './smtp-server.js';

const PUBLIC = 'https://veille.example.org/';
const ENV = { VEILLE_TEST_SMTP_PASSWORD: SMTP_PASSWORD };
/** A week later than NOW: the next issue (2026-W48). */
const NEXT_WEEK = '2026-12-03T08:00:00Z';

let smtp: TestSmtpServer;
let project: DigestProject;
let app: App;
let server: RunningServer;
let now = NOW;
/** Every page body and URL a reader was shown, to look for addresses in. */
const shown: string[] = [];

beforeEach(async () => {
  now = NOW;
  shown.length = 0;
  smtp = await startSmtpServer();
  project = makeDigestProject(
    [
      'server: { publicUrl: "https://veille.example.org/" }',
      'subscribe: { enabled: true }',
      'email:',
      '  from: "Veille IA <veille@example.org>"',
      `  smtp: { host: 127.0.0.1, port: ${smtp.port}, secure: false, requireTls: false, user: ${SMTP_USER}, passwordEnv: VEILLE_TEST_SMTP_PASSWORD, timeoutMs: 5000 }`,
      '  retry: { attempts: 1, delayMs: 5 }',
      '  recipients:',
      '    - { address: lea@example.org }',
      '    - { address: marc@example.org }',
    ].join('\n'),
  );
  const config = loadConfig(project.configFile);
  const store = Store.open(config.storagePath);
  app = composeApp(configureApp(config, { clock: { now: () => new Date(now) }, env: ENV, logger: silentLogger }), {
    store,
    taxonomy: loadTaxonomy(config.themesFile),
  });
  server = await startServer({
    dir: config.publishDir,
    host: '127.0.0.1',
    port: 0,
    endpoints: subscriberRoutes({ ...app, mailer: () => createMailer(config, ENV) }),
  });
});

afterEach(async () => {
  await server.close();
  app.close();
  await smtp.close();
  project.cleanup();
});

/** Builds the issue of the week before `now` and sends it; the letters that reached the SMTP server. */
async function sendIssue(): Promise<ParsedMail[]> {
  const before = smtp.received.length;
  const built = await buildDigest(app, { force: false, dryRun: false });
  if (built.issue === null) throw new Error('no issue');
  await sendDigest(app, built.issue, { env: ENV });
  return Promise.all(smtp.received.slice(before).map((message) => simpleParser(message.raw)));
}

function header(mail: ParsedMail, key: string): string {
  return mail.headerLines.find((line) => line.key === key)?.line.replace(/\r?\n\s+/g, ' ') ?? '';
}

/** The https URL of a letter's List-Unsubscribe, as published. */
function unsubscribeUrlOf(mail: ParsedMail): string {
  const match = /<(https:[^>]+)>/.exec(header(mail, 'list-unsubscribe'));
  if (!match?.[1]) throw new Error('no https List-Unsubscribe');
  return match[1];
}

/** The same URL on the test's server. */
function local(url: string): string {
  expect(url.startsWith(PUBLIC)).toBe(true);
  return server.url + url.slice(PUBLIC.length);
}

async function request(url: string, init: RequestInit = {}): Promise<{ status: number; body: string }> {
  shown.push(url);
  const response = await fetch(url, { redirect: 'manual', ...init });
  const body = await response.text();
  shown.push(body);
  return { status: response.status, body };
}

function oneClick(url: string, body = 'List-Unsubscribe=One-Click'): Promise<{ status: number; body: string }> {
  // RFC 8058 §3.1: what a mail client sends, with no cookie and no login.
  return request(local(url), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
}

function letterFor(letters: readonly ParsedMail[], address: string): ParsedMail {
  const found = letters.find((mail) => mail.to !== undefined && JSON.stringify(mail.to).includes(address));
  if (found === undefined) throw new Error(`no letter for ${address}`);
  return found;
}

/** Waits (bounded: 200 × 25 ms) until the SMTP server holds `count` messages. */
async function waitForMessages(count: number): Promise<void> {
  for (let i = 0; i < 200 && smtp.received.length < count; i += 1) await new Promise((resolve) => setTimeout(resolve, 25));
  expect(smtp.received.length).toBe(count);
}

function audience(): string[] {
  return digestAudience(app.config, app.store).recipients.map((recipient) => recipient.address);
}

describe('one-click unsubscribe served by veille (RFC 8058)', () => {
  it('each letter carries its own opaque https URL first, then a mailto:, the one-click header, and the same URL in both footers', async () => {
    const letters = await sendIssue();
    expect(letters).toHaveLength(2);
    const lea = letterFor(letters, 'lea@example.org');
    const marc = letterFor(letters, 'marc@example.org');
    const url = unsubscribeUrlOf(lea);
    expect(url).toMatch(/^https:\/\/veille\.example\.org\/unsubscribe\/[A-Za-z0-9_-]{34}$/);
    expect(unsubscribeUrlOf(marc)).not.toBe(url);
    const token = url.slice(url.lastIndexOf('/') + 1);
    expect(header(lea, 'list-unsubscribe')).toBe(
      `List-Unsubscribe: <${url}>, <mailto:veille@example.org?subject=d%C3%A9sabonnement%20${token}>`,
    );
    expect(header(lea, 'list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    // The address is in no URL of the letter: not in the headers' URIs, not in its links.
    expect(header(lea, 'list-unsubscribe')).not.toMatch(/lea|%40/);
    expect(lea.text).toContain(`Se désabonner\u202F: ${url}`);
    expect(lea.html).toContain(`href="${url}"`);
    for (const link of String(lea.html).matchAll(/href="([^"]+)"/g)) expect(link[1]).not.toMatch(/lea|%40/);
  });

  it('a POST of the letter’s URL with List-Unsubscribe=One-Click removes exactly that recipient from the next issue', async () => {
    const lea = letterFor(await sendIssue(), 'lea@example.org');
    const answer = await oneClick(unsubscribeUrlOf(lea));
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('Désabonnement enregistré');
    expect(audience()).toEqual(['marc@example.org']);
    expect(app.store.subscribers().get('lea@example.org')).toMatchObject({ state: 'unsubscribed', how: 'one-click' });

    now = NEXT_WEEK;
    const next = await sendIssue();
    expect(next.map((mail) => JSON.stringify(mail.to))).toEqual([expect.stringContaining('marc@example.org')]);
    // A second POST (a mail client retrying) changes nothing and answers the same.
    expect(await oneClick(unsubscribeUrlOf(lea))).toEqual(answer);
    expect(shown.join('\n')).not.toMatch(/lea@|marc@/);
  });

  it.each([
    ['one character changed', (token: string) => token.slice(0, 20) + (token[20] === 'A' ? 'B' : 'A') + token.slice(21)],
    ['truncated', (token: string) => token.slice(0, 30)],
    ['the random id alone', (token: string) => token.slice(0, 12)],
    ['made up', () => 'x'.repeat(34)],
  ])('a token %s changes nothing and gets the same answer as a good one', async (_name, forge) => {
    const letters = await sendIssue();
    const url = unsubscribeUrlOf(letterFor(letters, 'lea@example.org'));
    const forged = url.slice(0, url.lastIndexOf('/') + 1) + forge(url.slice(url.lastIndexOf('/') + 1));
    const bad = await oneClick(forged);
    expect(audience()).toEqual(['lea@example.org', 'marc@example.org']);
    const good = await oneClick(unsubscribeUrlOf(letterFor(letters, 'marc@example.org')));
    expect(bad).toEqual(good);
    expect(audience()).toEqual(['lea@example.org']);
  });

  it('another recipient’s token unsubscribes that recipient only: nobody can remove anybody else', async () => {
    const letters = await sendIssue();
    await oneClick(unsubscribeUrlOf(letterFor(letters, 'marc@example.org')));
    expect(audience()).toEqual(['lea@example.org']);
    expect(app.store.subscribers().get('lea@example.org')?.state).toBe('subscribed');
  });

  it('a GET shows the page with its one button and a way to change themes, and unsubscribes nobody', async () => {
    const url = unsubscribeUrlOf(letterFor(await sendIssue(), 'lea@example.org'));
    const page = await request(local(url));
    expect(page.status).toBe(200);
    expect(page.body).toContain('<html lang="fr">');
    expect(page.body).toContain(`Ne plus recevoir la lettre hebdomadaire\u202F?`);
    expect(page.body).toMatch(/<form method="post">\s*<input type="hidden" name="List-Unsubscribe" value="One-Click">/);
    expect(page.body).toContain('<button type="submit">Me désabonner</button>');
    expect(page.body).toContain('href="../preferences/');
    const head = await fetch(local(url), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(audience()).toEqual(['lea@example.org', 'marc@example.org']);
    // A POST without the RFC 8058 body is no unsubscription either.
    expect((await oneClick(url, 'foo=bar')).status).toBe(400);
    expect(audience()).toEqual(['lea@example.org', 'marc@example.org']);
    // The page's button: the same POST, recorded as made from the page.
    expect((await oneClick(url, 'List-Unsubscribe=One-Click&via=page')).status).toBe(200);
    expect(app.store.subscribers().get('lea@example.org')).toMatchObject({ state: 'unsubscribed', how: 'page' });
    expect(shown.join('\n')).not.toMatch(/lea@|marc@/);
  });

  it('a replay of an old URL after the reader subscribed again changes nothing; the new letter has a new URL', async () => {
    const old = unsubscribeUrlOf(letterFor(await sendIssue(), 'lea@example.org'));
    await oneClick(old);
    addRecipient(app.store, 'lea@example.org', null, NOW);
    expect(audience()).toEqual(['lea@example.org', 'marc@example.org']);
    expect((await oneClick(old)).status).toBe(200);
    expect(audience()).toEqual(['lea@example.org', 'marc@example.org']);
    now = NEXT_WEEK;
    const fresh = unsubscribeUrlOf(letterFor(await sendIssue(), 'lea@example.org'));
    expect(fresh).not.toBe(old);
    await oneClick(fresh);
    expect(audience()).toEqual(['marc@example.org']);
  });

  it('the theme page changes what the next letter holds, and keeps the reader subscribed', async () => {
    const url = unsubscribeUrlOf(letterFor(await sendIssue(), 'lea@example.org'));
    const preferences = local(url).replace('/unsubscribe/', '/preferences/');
    const page = await request(preferences);
    expect(page.body).toContain('name="theme" value="federated-learning"');
    const saved = await request(preferences, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'theme=federated-learning&theme=nope' });
    expect(saved.status).toBe(200);
    expect(app.store.subscribers().get('lea@example.org')).toMatchObject({ state: 'subscribed', themes: ['federated-learning'], how: 'page' });
    expect(digestAudience(app.config, app.store).recipients).toContainEqual({ address: 'lea@example.org', themes: ['federated-learning'] });
  });
});

function form(body: string, client?: string): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...(client ? { 'x-test-client': client } : {}) }, body };
}

describe('sign-up with double opt-in', () => {
  it('form → confirmation letter → link → button: the next issue reaches the new address with its themes; an unconfirmed one gets nothing', async () => {
    await sendIssue();
    const sent = smtp.received.length;
    const page = await request(`${server.url}subscribe`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<label for="address">Adresse électronique</label>');
    expect(page.body).toContain('name="theme" value="open-source"');

    const answer = await request(`${server.url}subscribe`, form('address=Nina%40Example.org&theme=federated-learning'));
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('Vérifiez votre messagerie');
    // The same page for an address that is already a recipient: nothing tells who is subscribed.
    const known = await request(`${server.url}subscribe`, form('address=lea%40example.org'));
    expect(known).toEqual(answer);
    await request(`${server.url}subscribe`, form('address=unconfirmed%40example.org'));
    await waitForMessages(sent + 3);
    const letter = await simpleParser(smtp.received.find((message) => message.to.includes('nina@example.org'))?.raw ?? Buffer.alloc(0));
    expect(letter.subject).toBe('Confirmez votre abonnement à Veille IA');
    const link = /https:\/\/veille\.example\.org\/subscribe\/confirm\/[A-Za-z0-9_-]{34}/.exec(letter.text ?? '')?.[0];
    expect(link).toBeDefined();
    expect(letter.html).toContain(`href="${link}"`);
    expect(audience()).not.toContain('nina@example.org');

    // A link scanner's GET confirms nothing; the page's button does.
    const confirm = await request(local(link ?? ''));
    expect(confirm.body).toContain('Confirmer mon abonnement</button>');
    expect(audience()).not.toContain('nina@example.org');
    const done = await request(local(link ?? ''), { method: 'POST' });
    expect(done.body).toContain('Abonnement confirmé');
    expect(app.store.subscribers().get('nina@example.org')).toMatchObject({ origin: 'signup', state: 'subscribed', themes: ['federated-learning'], how: 'signup' });

    const next = await sendIssue();
    expect(next.map((mail) => JSON.stringify(mail.to))).toEqual([expect.stringContaining('nina@example.org')]);
    const nina = next[0] as ParsedMail;
    // Her theme only: the lead counts federated learning alone, and there is no open-source section.
    expect(nina.text).toContain('2 articles cette semaine\u202F: apprentissage fédéré (2).');
    expect(nina.text).not.toMatch(/^OPEN SOURCE$/m);
    expect(smtp.received.filter((message) => message.to.includes('unconfirmed@example.org'))).toHaveLength(1);
    expect(unsubscribeUrlOf(nina)).toMatch(/^https:\/\/veille\.example\.org\/unsubscribe\//);
    expect(shown.filter((text) => !text.includes('nina') && !text.includes('Nina')).join('\n')).not.toMatch(/@example\.org/);
  });

  it('a forged or expired confirmation link adds nobody', async () => {
    await request(`${server.url}subscribe`, form('address=nina%40example.org'));
    await waitForMessages(1);
    const letter = await simpleParser(smtp.received[0]?.raw ?? Buffer.alloc(0));
    const link = /https:\/\/veille\.example\.org\/subscribe\/confirm\/[A-Za-z0-9_-]{34}/.exec(letter.text ?? '')?.[0] ?? '';
    const forged = link.slice(0, -1) + (link.endsWith('A') ? 'B' : 'A');
    expect((await request(local(forged), { method: 'POST' })).status).toBe(404);
    now = new Date(Date.parse(NOW) + 4 * 24 * 60 * 60_000).toISOString();
    expect((await request(local(link), { method: 'POST' })).status).toBe(404);
    expect(audience()).not.toContain('nina@example.org');
  });

  it(`100 sign-ups from one client: ${SIGNUPS_PER_CLIENT_PER_HOUR} are answered and sent, the rest refused with 429`, async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 100; i += 1) statuses.push((await request(`${server.url}subscribe`, form(`address=reader${i}%40example.org`))).status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(SIGNUPS_PER_CLIENT_PER_HOUR);
    expect(statuses.filter((status) => status === 429)).toHaveLength(100 - SIGNUPS_PER_CLIENT_PER_HOUR);
    await waitForMessages(SIGNUPS_PER_CLIENT_PER_HOUR);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(smtp.received).toHaveLength(SIGNUPS_PER_CLIENT_PER_HOUR);
  });

  it('an address that is not one gets the form back with the error, and no letter', async () => {
    const answer = await request(`${server.url}subscribe`, form('address=not-an-address&theme=privacy'));
    expect(answer.status).toBe(400);
    expect(answer.body).toContain('aria-invalid="true"');
    expect(answer.body).toContain('value="not-an-address"');
    expect(smtp.received).toHaveLength(0);
  });
});
