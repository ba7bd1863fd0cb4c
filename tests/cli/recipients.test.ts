// `veille recipients list|add|remove|export` and `status` (issue 23): the config's recipients plus
// the store's sign-ups and departures; one who left is named by status and never written to again.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { makeDigestProject, NOW, type DigestProject } from '../digest/digest-fixture.js';

let project: DigestProject;
afterEach(() => project?.cleanup());

const YAML = [
  'server: { publicUrl: "https://veille.example.org/" }',
  'email:',
  '  from: "Veille IA <veille@example.org>"',
  '  outbox: outbox',
  '  recipients:',
  '    - { address: lea@example.org, themes: [privacy] }',
  '    - { address: marc@example.org }',
].join('\n');

const cli = (...args: string[]) => runCli([...args, '--config', project.configFile], { env: { VEILLE_NOW: NOW } });

describe('veille recipients', () => {
  it('lists the config’s recipients, adds and removes with when and how, exports CSV, and status names who left', async () => {
    project = makeDigestProject(YAML);
    const listed = await cli('recipients', 'list');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/lea@example\.org\s+config\s+subscribed\s+privacy\s+config/);
    expect(listed.stdout).toContain('2 of 2 recipients get the digest');

    expect(await cli('recipients', 'add', 'Nina@Example.org', '--themes', 'open-source,security')).toMatchObject({
      code: 0,
      stdout: 'nina@example.org: subscribed (themes open-source, security)\n',
    });
    const removed = await cli('recipients', 'remove', 'lea@example.org', '--mailto');
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain('lea@example.org: unsubscribed; never written to again (it is still in email.recipients of');

    const exported = await cli('recipients', 'export');
    expect(exported.stdout.split('\n')).toEqual([
      'address,from,state,themes,how,since',
      'lea@example.org,config,unsubscribed,privacy,mailto,2026-11-26T08:00:00.000Z',
      'marc@example.org,config,subscribed,,config,',
      'nina@example.org,operator,subscribed,open-source security,operator,2026-11-26T08:00:00.000Z',
      '',
    ]);
    const status = await cli('status');
    expect(status.stdout).toContain(
      'recipients: 2 get the digest; unsubscribed, never written to again though still in email.recipients: lea@example.org',
    );

    // The digest goes to marc and nina, never to lea.
    const sent = await cli('digest', '--send');
    expect(sent.stdout).toContain('2 sent');
    const dry = await cli('digest', '--dry-run');
    expect(dry.stdout).not.toContain('lea@example.org');
  });

  it('remove TOKEN --mailto: the token in the subject of an unsubscribe mail names its recipient', async () => {
    project = makeDigestProject(YAML);
    expect((await cli('digest', '--send')).code).toBe(0);
    const letter = readFileSync(join(project.dir, 'outbox', '2026-W47', 'marc@example.org.eml'), 'latin1');
    const token = /mailto:veille@example\.org\?subject=d%C3%A9sabonnement%20([A-Za-z0-9_-]{34})>/.exec(letter.replace(/\r?\n\s+/g, ' '))?.[1] ?? '';
    expect(token).not.toBe('');
    const removed = await cli('recipients', 'remove', token, '--mailto');
    expect(removed.stdout).toContain('marc@example.org: unsubscribed');
    expect((await cli('recipients', 'export')).stdout).toContain('marc@example.org,config,unsubscribed,,mailto,');
    // A token with one character changed names nobody.
    const forged = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    expect((await cli('recipients', 'remove', forged)).code).toBe(2);
  });

  it.each([
    [['recipients', 'add', 'not-an-address'], 'recipients add: "not-an-address" is not an email address'],
    [['recipients', 'add', 'a@example.org', '--themes', 'cooking'], 'recipients add: --themes: unknown theme cooking'],
    [['recipients', 'remove', 'abc'], 'recipients remove: "abc" is neither an address nor a valid unsubscribe token'],
  ])('refuses %j (exit 2)', async (args, message) => {
    project = makeDigestProject(YAML);
    const result = await cli(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});
