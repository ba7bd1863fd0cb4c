// A send killed between the claim and the server's answer (issue 13, finding 5): at most once
// still holds, but the recipient is reported uncertain by `digest --send` and `status`, and
// `digest --resend WEEK --to ADDRESS` sends that one message again on purpose.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { composeApp, configureApp } from '../../src/app/app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/domain/ports.js';
import { messageIdFor } from '../../src/email/compose.js';
import { Store } from '../../src/store/store.js';
import { loadTaxonomy } from '../../src/tag/taxonomy.js';
import { buildDigest } from '../../src/app/digest.js';
import { makeDigestProject, NOW, WEEK, type DigestProject } from '../digest/digest-fixture.js';
import { runCli } from '../helpers/cli.js';
import { spawnVeille } from '../stress/processes.js';
import { SMTP_PASSWORD, SMTP_USER, startSmtpServer, type TestSmtpServer } from './smtp-server.js';

const ENV = { VEILLE_NOW: NOW, VEILLE_TEST_SMTP_PASSWORD: SMTP_PASSWORD };
const RECIPIENTS = ['a@example.org', 'b@example.org', 'c@example.org', 'd@example.org', 'e@example.org'];
const UNCERTAIN = 'c@example.org';
const FROM = 'Veille IA <veille@example.org>';
/** As sendIssue writes it (Date#toISOString). */
const CLAIMED_AT = new Date(NOW).toISOString();
const IS_BUILT = existsSync(resolve(import.meta.dirname, '../../dist/cli/main.js'));

let smtp: TestSmtpServer;
let project: DigestProject;

beforeEach(async () => {
  smtp = await startSmtpServer();
  project = makeDigestProject(emailYaml());
});

afterEach(async () => {
  await smtp.close();
  project.cleanup();
});

function emailYaml(): string {
  return [
    'email:',
    `  from: "${FROM}"`,
    `  smtp: { host: 127.0.0.1, port: ${smtp.port}, secure: false, requireTls: false, user: ${SMTP_USER}, passwordEnv: VEILLE_TEST_SMTP_PASSWORD, timeoutMs: 5000 }`,
    '  retry: { attempts: 2, delayMs: 5 }',
    '  recipients:',
    ...RECIPIENTS.map((address) => `    - { address: ${address} }`),
  ].join('\n');
}

/**
 * The state a process killed mid-send leaves: the issue stored, one recipient claimed ('sending')
 * and never answered. Written through the store's own claim, as the killed run wrote it.
 */
async function leaveClaimUnanswered(recipient: string): Promise<void> {
  const config = loadConfig(project.configFile);
  const store = Store.open(config.storagePath);
  try {
    const deps = composeApp(configureApp(config, { clock: { now: () => new Date(NOW) }, env: {}, logger: silentLogger }), { store, taxonomy: loadTaxonomy(config.themesFile) });
    await buildDigest(deps, { force: false, dryRun: false });
    expect(store.digests().claimDelivery(WEEK, recipient, messageIdFor(WEEK, recipient, FROM), CLAIMED_AT)).toBe('claimed');
  } finally {
    store.close();
  }
}

function deliveries(): Array<{ recipient: string; status: string; resends: number }> {
  const store = Store.open(loadConfig(project.configFile).storagePath);
  try {
    return store.digests().listDeliveries(WEEK).map(({ recipient, status, resends }) => ({ recipient, status, resends }));
  } finally {
    store.close();
  }
}

const countTo = (address: string) => smtp.recipients().filter((recipient) => recipient === address).length;

describe('a send interrupted between the claim and the answer', () => {
  it('is reported uncertain by status and digest --send, is not sent again, and --resend sends it once', async () => {
    await leaveClaimUnanswered(UNCERTAIN);

    const status = await runCli(['status', '--config', project.configFile], { env: ENV });
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`? ${UNCERTAIN} (${WEEK}): uncertain: the server may or may not have the message`);
    expect(status.stdout).toContain(`veille digest --resend ${WEEK} --to ${UNCERTAIN}`);
    const json = JSON.parse((await runCli(['status', '--json', '--config', project.configFile], { env: ENV })).stdout) as {
      deliveries: { uncertain: Array<{ week: string; recipient: string; claimedAt: string }>; sending: unknown[] };
    };
    expect(json.deliveries).toEqual({ uncertain: [expect.objectContaining({ week: WEEK, recipient: UNCERTAIN, claimedAt: CLAIMED_AT })], sending: [] });

    const send = await runCli(['digest', '--send', '--config', project.configFile], { env: ENV });
    expect(send.code).toBe(0);
    expect(send.stdout).toContain('4 sent, 0 already done, 0 refused, 0 left for the next run, 1 uncertain');
    expect(send.stderr).toContain(`? ${UNCERTAIN} (${WEEK}): uncertain: the server may or may not have the message`);
    expect(countTo(UNCERTAIN)).toBe(0);

    // Not "already done" on the next run either: still uncertain, still not sent.
    const again = await runCli(['digest', '--send', '--config', project.configFile], { env: ENV });
    expect(again.stdout).toContain('0 sent, 4 already done, 0 refused, 0 left for the next run, 1 uncertain');
    expect(countTo(UNCERTAIN)).toBe(0);

    // The address as the operator types it (any case).
    const resend = await runCli(['digest', '--resend', WEEK, '--to', 'C@Example.org', '--config', project.configFile], { env: ENV });
    expect(resend).toMatchObject({ code: 0, stdout: `${WEEK}: sent again to ${UNCERTAIN} through smtp://127.0.0.1:${smtp.port} (recorded as a resend)\n` });
    expect(countTo(UNCERTAIN)).toBe(1);
    expect(smtp.received).toHaveLength(5);
    expect(deliveries().find((delivery) => delivery.recipient === UNCERTAIN)).toEqual({ recipient: UNCERTAIN, status: 'sent', resends: 1 });

    const after = await runCli(['status', '--config', project.configFile], { env: ENV });
    expect(after.stdout).not.toContain('uncertain');
    const last = await runCli(['digest', '--send', '--config', project.configFile], { env: ENV });
    expect(last.stdout).toContain('0 sent, 5 already done, 0 refused, 0 left for the next run\n');
    expect(smtp.received).toHaveLength(5);
  });

  it('a resend that fails leaves a sent message recorded as sent: the next run does not send it again', async () => {
    const first = await runCli(['digest', '--send', '--config', project.configFile], { env: ENV });
    expect(first.stdout).toContain('5 sent, 0 already done');
    smtp.reply = (address) => (address === 'a@example.org' ? { code: 451, message: 'try again later' } : null);

    const resend = await runCli(['digest', '--resend', WEEK, '--to', 'a@example.org', '--config', project.configFile], { env: ENV });
    expect(resend.code).toBe(1);
    expect(resend.stderr).toContain('✗ a@example.org: ');
    expect(resend.stderr).toContain('(not sent again; the earlier delivery stays recorded as sent, and only another --resend tries again)');
    expect(deliveries().find((delivery) => delivery.recipient === 'a@example.org')).toEqual({ recipient: 'a@example.org', status: 'sent', resends: 1 });

    smtp.reply = () => null;
    const next = await runCli(['digest', '--send', '--config', project.configFile], { env: ENV });
    expect(next.stdout).toContain('0 sent, 5 already done, 0 refused, 0 left for the next run\n');
    expect(countTo('a@example.org')).toBe(1);
  });

  it.each([
    ['a week with no published issue', ['--resend', '2026-W40', '--to', UNCERTAIN], 'digest: --resend 2026-W40: no issue is published for that week (latest: 2026-W47)'],
    ['an address not among the recipients', ['--resend', WEEK, '--to', 'mallory@example.org'], 'digest: --to mallory@example.org: not a recipient in email.recipients of'],
    ['a week that is not an ISO week', ['--resend', '2026-47', '--to', UNCERTAIN], 'digest: --resend "2026-47" is not an ISO week'],
    ['--to without --resend', ['--to', UNCERTAIN], 'digest: --resend WEEK and --to ADDRESS go together'],
    ['--resend with --send', ['--resend', WEEK, '--to', UNCERTAIN, '--send'], 'digest: --resend sends one published issue to one recipient'],
  ])('refuses %s with exit 2 and sends nothing', async (_name, args, message) => {
    await leaveClaimUnanswered(UNCERTAIN);
    const result = await runCli(['digest', ...args, '--config', project.configFile], { env: ENV });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(smtp.received).toHaveLength(0);
    expect(deliveries()).toEqual([{ recipient: UNCERTAIN, status: 'sending', resends: 0 }]);
  });

  // The compiled bin, killed for real (SIGKILL) while the server holds the third recipient's
  // RCPT TO unanswered: the claim is written, the answer never recorded.
  it.runIf(IS_BUILT)('the built bin SIGKILLed mid-batch: the next runs report the recipient uncertain and --resend sends it once', async () => {
    const veille = spawnVeille(['digest', '--send', '--config', project.configFile], ENV, 30_000);
    smtp.beforeRcpt = async (address) => {
      if (address !== UNCERTAIN) return;
      veille.child.kill('SIGKILL');
      await veille.exited;
    };
    const killed = await veille.exited;
    expect(killed.signal).toBe('SIGKILL');
    smtp.beforeRcpt = () => undefined;
    expect(smtp.recipients()).toEqual(['a@example.org', 'b@example.org']);
    expect(deliveries().find((delivery) => delivery.recipient === UNCERTAIN)?.status).toBe('sending');

    // The lock the killed process left is taken over; its claim is not in flight any more.
    const status = await runCli(['status', '--config', project.configFile], { env: ENV });
    expect(status.stdout).toContain(`? ${UNCERTAIN} (${WEEK}): uncertain`);
    const send = await runCli(['digest', '--send', '--config', project.configFile], { env: ENV });
    expect(send.stdout).toContain('2 sent, 2 already done, 0 refused, 0 left for the next run, 1 uncertain');
    expect(countTo(UNCERTAIN)).toBe(0);
    const resend = await runCli(['digest', '--resend', WEEK, '--to', UNCERTAIN, '--config', project.configFile], { env: ENV });
    expect(resend.code).toBe(0);
    expect(countTo(UNCERTAIN)).toBe(1);
    expect([...smtp.recipients()].sort()).toEqual(RECIPIENTS);
  });
});
