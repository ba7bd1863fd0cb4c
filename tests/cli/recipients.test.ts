// `veille recipients list|add|remove|export` and `status` (issue 23): the config's recipients plus
// the store's sign-ups and departures; one who left is named by status and never written to again.
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
