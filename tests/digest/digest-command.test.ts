// `veille digest` end to end in process: the issue is stored once, published beside the site,
// rebuilt only with --force under the same GUID, and sent to the outbox at most once per recipient.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { runCli } from '../helpers/cli.js';
import { BLOG_URL, item, makeDigestProject, NOW, WEEK, type DigestProject } from './digest-fixture.js';

let project: DigestProject;
afterEach(() => project?.cleanup());

const env = { VEILLE_NOW: NOW };
const digest = (...args: string[]) => runCli(['digest', '--config', project.configFile, ...args], { env: { ...env } });
const read = (path: string) => readFileSync(join(project.dir, 'public', path), 'utf8');

interface JsonFeed {
  items: Array<{ id: string; title: string; url: string; content_html: string; date_modified: string }>;
}

describe('veille digest', () => {
  it('builds the last complete week and publishes its feed entries and pages', async () => {
    project = makeDigestProject();
    const result = await digest();
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain(`${WEEK}: built and published`);
    expect(result.stdout).toContain('Veille IA — semaine du 16 au 22 novembre 2026');

    const feed = JSON.parse(read('digest.json')) as JsonFeed;
    expect(feed.items).toHaveLength(1);
    expect(feed.items[0]).toMatchObject({
      id: `urn:veille:digest:${WEEK}`,
      title: 'Veille IA — semaine du 16 au 22 novembre 2026',
      url: `https://veille.example.org/digests/${WEEK}.html`,
    });
    const content = feed.items[0]?.content_html ?? '';
    expect(content).toContain('<h2>Open source</h2>');
    expect(content).toContain('(en anglais)');
    expect(content).not.toContain('Before the week');
    expect(content).not.toContain('After the week');
    expect(read('digest.xml')).toContain(`<guid isPermaLink="false">urn:veille:digest:${WEEK}</guid>`);
    expect(read('digest.atom')).toContain(`<id>urn:veille:digest:${WEEK}</id>`);

    const page = read(`digests/${WEEK}.html`);
    expect(page).toContain('<html lang="fr">');
    expect(page).not.toMatch(/<script/i);
    expect(page).toContain('<time datetime="2026-11-22T22:30:00.000Z">dimanche 22 novembre 2026</time>');
    expect(read('digests/index.html')).toContain(`href="${WEEK}.html"`);
    expect(read('index.html')).toContain(`<a href="digests/${WEEK}.html">Veille IA — semaine du 16 au 22 novembre 2026</a>`);
  });

  it('keeps a published issue: the same content and GUID on every run; --force only rebuilds', async () => {
    project = makeDigestProject();
    await digest();
    const first = read('digest.json');

    const again = await digest();
    expect(again.stdout).toContain('already published, kept as is');
    expect(read('digest.json')).toBe(first);

    const forced = await digest('--force');
    expect(forced.stdout).toContain('rebuilt, same content as published');
    expect(read('digest.json')).toBe(first);

    // A late item of the week: not in the published issue until --force, then under the same GUID.
    const store = Store.open(join(project.dir, 'data/veille.db'));
    const blog = store.listSources({ activeOnly: true }).find((source) => source.url === BLOG_URL);
    store.saveItems(blog?.id ?? 0, [{ item: item({ id: 'late', title: 'Un article arrivé en retard', publishedAt: '2026-11-20T12:00:00.000Z' }), themes: [{ id: 'security', score: 0.9, evidence: [] }] }], NOW);
    store.close();
    await digest();
    expect(read('digest.json')).not.toContain('arrivé en retard');
    await runCli(['digest', '--config', project.configFile, '--force'], { env: { VEILLE_NOW: '2026-11-27T08:00:00Z' } });
    const rebuilt = JSON.parse(read('digest.json')) as JsonFeed;
    expect(rebuilt.items[0]?.id).toBe(`urn:veille:digest:${WEEK}`);
    expect(rebuilt.items[0]?.content_html).toContain('arrivé en retard');
    expect(rebuilt.items[0]?.date_modified).toBe('2026-11-27T08:00:00Z');
  });

  it.each([
    ['a week the year does not have', '2025-W53'],
    ['not a week', 'last'],
    ['a date', '2026-11-23'],
  ])('exits 2 on --week for %s', async (_name, week) => {
    project = makeDigestProject();
    const result = await digest('--week', week);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/digest: --week .* is not an ISO week/);
    expect(existsSync(join(project.dir, 'public'))).toBe(false);
  });

  it('gives an empty week a short issue by default', async () => {
    project = makeDigestProject();
    const result = await digest('--week', '2026-W30');
    expect(result.code).toBe(0);
    expect(read('digests/2026-W30.html')).toContain('Aucun article cette semaine');
  });

  it('gives an empty week no issue with digest.emptyWeek: skip', async () => {
    project = makeDigestProject('digest: { emptyWeek: skip }');
    const result = await digest('--week', '2026-W30');
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toContain('no issue');
    expect(existsSync(join(project.dir, 'public/digests/2026-W30.html'))).toBe(false);
  });

  it('--dry-run renders the messages and writes nothing', async () => {
    project = makeDigestProject('email: { recipients: [ { address: lea@example.org } ], outbox: outbox }');
    const result = await digest('--send', '--dry-run');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/would send to lea@example\.org: "Veille IA — semaine du 16 au 22 novembre 2026", <veille-digest\.2026-W47\.[0-9a-f]+@localhost>, \d+ bytes/);
    expect(existsSync(join(project.dir, 'public'))).toBe(false);
    expect(existsSync(join(project.dir, 'outbox'))).toBe(false);
  });

  it('exits 2 when the SMTP password variable is not set, before storing anything', async () => {
    project = makeDigestProject('email: { smtp: { host: 127.0.0.1, port: 2525, user: veille, passwordEnv: VEILLE_TEST_SMTP_PASSWORD } }');
    const result = await digest('--send');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('VEILLE_TEST_SMTP_PASSWORD is not set');
    expect(existsSync(join(project.dir, 'public'))).toBe(false);
  });
});

describe('veille digest --send to the outbox', () => {
  const EMAIL = [
    'email:',
    '  from: "Veille IA <veille@example.org>"',
    '  outbox: outbox',
    '  unsubscribeUrl: "https://veille.example.org/desabonnement?email={email}"',
    '  recipients:',
    '    - { address: lea@example.org }',
    '    - { address: Marc@Example.org, themes: [privacy] }',
  ].join('\n');

  it('writes one .eml per recipient, once, that mailparser reads as multipart/alternative in French', async () => {
    project = makeDigestProject(EMAIL);
    const result = await digest('--send');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('2 sent, 0 already done, 0 refused, 0 left for the next run');
    const folder = join(project.dir, 'outbox', WEEK);
    expect(readdirSync(folder).sort()).toEqual(['lea@example.org.eml', 'marc@example.org.eml']);

    const raw = readFileSync(join(folder, 'lea@example.org.eml'));
    expect(raw.toString('latin1')).toMatch(/Content-Type: multipart\/alternative/i);
    const mail = await simpleParser(raw);
    expect(mail.subject).toBe('Veille IA — semaine du 16 au 22 novembre 2026');
    expect(mail.messageId).toMatch(/^<veille-digest\.2026-W47\.[0-9a-f]{20}@example\.org>$/);
    // RFC 8058 §3.1: both headers, the https URI among List-Unsubscribe's.
    expect(mail.headerLines.find((line) => line.key === 'list-unsubscribe-post')?.line).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(String(mail.headerLines.find((line) => line.key === 'list-unsubscribe')?.line)).toContain(
      '<https://veille.example.org/desabonnement?email=lea%40example.org>',
    );
    expect(mail.text).toContain('4 articles cette semaine\u202F: ');
    expect(mail.text).toContain('APPRENTISSAGE FÉDÉRÉ');
    expect(mail.html).toContain('<table role="presentation"');
    expect(mail.html).not.toMatch(/<script|<link|src="http/i);

    const marc = await simpleParser(readFileSync(join(folder, 'marc@example.org.eml')));
    expect(marc.text).toContain('1 article cette semaine\u202F: confidentialité.');
    expect(marc.text).not.toContain('FLUID');

    const before = statSync(join(folder, 'lea@example.org.eml')).mtimeMs;
    const again = await digest('--send');
    expect(again.stdout).toContain('0 sent, 2 already done');
    expect(statSync(join(folder, 'lea@example.org.eml')).mtimeMs).toBe(before);
  });
});

describe('veille digest: a stored issue read back', () => {
  it('refuses a stored issue that does not match the issue format, naming the week and the field (exit 1)', async () => {
    project = makeDigestProject();
    expect((await digest()).code).toBe(0);
    // Written as another version of veille (or a hand edit) might have left it.
    const db = new Database(join(project.dir, 'data/veille.db'));
    const row = db.prepare('SELECT issue FROM digests WHERE week = ?').get(WEEK) as { issue: string };
    const stored = JSON.parse(row.issue) as { sections: Array<{ stories: Array<{ title: unknown }> }> };
    stored.sections[0]!.stories[0]!.title = 42;
    db.prepare('UPDATE digests SET issue = ? WHERE week = ?').run(JSON.stringify(stored), WEEK);
    db.close();

    const result = await digest();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`store: the stored issue of ${WEEK} does not match the issue format (sections.0.stories.0.title:`);
    expect(result.stderr).toContain(`veille digest --week ${WEEK} --force`);
  });
});
