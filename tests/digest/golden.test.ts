// Golden files of what a digest issue publishes and sends, as the feeds have theirs: the page of
// 2026-W47 as `veille digest --send` writes it, and the HTML and text parts of the email it puts in
// the outbox, from the fixed week of digest-fixture.ts and a fixed clock (VEILLE_NOW). Compared
// byte for byte; regenerate on purpose only (`npx vitest run tests/digest/golden.test.ts -u`) and
// read the diff. The page names veille's version (generator), so a release regenerates it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { makeDigestProject, NOW, WEEK, type DigestProject } from './digest-fixture.js';

const EMAIL = [
  'email:',
  '  from: "Veille IA <veille@example.org>"',
  '  outbox: outbox',
  '  unsubscribeUrl: "https://veille.example.org/desabonnement?email={email}"',
  '  recipients:',
  '    - { address: lea@example.org }',
].join('\n');

let project: DigestProject;
let page: string;
let mail: { html: string; text: string };

beforeAll(async () => {
  project = makeDigestProject(EMAIL);
  const result = await runCli(['digest', '--config', project.configFile, '--send'], { env: { VEILLE_NOW: NOW } });
  expect(result).toMatchObject({ code: 0, stderr: '' });
  page = readFileSync(join(project.dir, 'public', 'digests', `${WEEK}.html`), 'utf8');
  // The parts as a mail client reads them: quoted-printable decoded, line ends as rendered.
  const parsed = await simpleParser(readFileSync(join(project.dir, 'outbox', WEEK, 'lea@example.org.eml')));
  mail = { html: typeof parsed.html === 'string' ? parsed.html : '', text: parsed.text ?? '' };
});

afterAll(() => project?.cleanup());

describe(`digest ${WEEK} golden files (fixed clock)`, () => {
  it('the issue page', async () => {
    await expect(page).toMatchFileSnapshot(`__snapshots__/${WEEK}.html`);
  });

  it('the email, HTML part', async () => {
    await expect(mail.html).toMatchFileSnapshot(`__snapshots__/${WEEK}-email.html`);
  });

  it('the email, text part', async () => {
    await expect(mail.text).toMatchFileSnapshot(`__snapshots__/${WEEK}-email.txt`);
  });
});
