// Fault test of issue 20: the elected publisher SIGKILLed in the middle of a digest batch sent
// through a real SMTP server on loopback. The standby that takes over finishes the issue at once
// (not at its next digest tick); no recipient gets it twice. The message in flight when the
// publisher died had reached the server (killed while the server held its reply): its claim stays
// 'sending', reported uncertain and never sent again (at most once), so every recipient still has
// exactly one copy.
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { hasPostgres, startPgCluster, type PgCluster } from '../../tools/bench/pg-cluster.js';
import { IS_BUILT, waitFor } from '../stress/processes.js';
import { logLines, makeRolesProject, type RolesProject } from './roles-harness.js';

/** Timeouts within the tests' 3 s job lease (roles.jobLeaseSeconds must exceed a fetch's longest run). */
const FETCH = 'fetch: { perHostDelayMs: 0, stopGraceMs: 1000, connectTimeoutMs: 500, headersTimeoutMs: 1000, bodyTimeoutMs: 1000 }';
const RECIPIENTS = Array.from({ length: 12 }, (_, index) => `reader${String(index + 1).padStart(2, '0')}@example.org`);
/** The server holds its answer to this message (1-based): the publisher is killed meanwhile. */
const HELD = 5;

interface Received {
  readonly to: string[];
  readonly raw: Buffer;
}

describe.runIf(IS_BUILT && hasPostgres())('the publisher killed mid-send', () => {
  let cluster: PgCluster;
  let project: RolesProject;
  let server: SMTPServer;
  let port = 0;
  const received: Received[] = [];
  let heldReply: (() => void) | null = null;

  beforeAll(async () => {
    cluster = await startPgCluster();
    server = new SMTPServer({
      disabledCommands: ['STARTTLS', 'AUTH'],
      authOptional: true,
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          // The server has the whole message; only its answer may be held.
          received.push({ to: session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase()), raw: Buffer.concat(chunks) });
          if (received.length === HELD) heldReply = () => callback();
          else callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.server.address();
    port = typeof address === 'object' && address !== null ? address.port : 0;
  });

  afterAll(async () => {
    project?.cleanup();
    heldReply?.();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    cluster?.stop();
  });

  it('the standby finishes the issue at once; every recipient gets it once, the one in flight reported uncertain', async () => {
    const email = [
      'email:',
      '  from: "Veille IA <veille@example.org>"',
      `  smtp: { host: 127.0.0.1, port: ${port}, secure: false, requireTls: false, timeoutMs: 60000 }`,
      '  retry: { attempts: 1, delayMs: 5 }',
      '  recipients:',
      ...RECIPIENTS.map((address) => `    - { address: ${address} }`),
    ].join('\n');
    // The first publisher sends the digest at its first tick (every second); the standby's
    // config (the same database, another machine's file) has no tick within the test.
    project = makeRolesProject(await cluster.createDatabase('killed_publisher'), [FETCH, email, 'schedule: { digest: "* * * * * *" }']);
    onTestFailed(() => console.log(project.dump()));
    const standbyConfig = join(project.dir, 'standby.yaml');
    writeFileSync(standbyConfig, readFileSync(project.configFile, 'utf8').replace('digest: "* * * * * *"', 'digest: "0 0 1 1 *"'));

    const first = project.start('publish');
    await waitFor(async () => (logLines(first, 'this process is the publisher').length > 0 ? true : undefined), 45_000);
    const standby = project.start('publish', 90_000, {}, standbyConfig);
    await waitFor(async () => (logLines(standby, 'serving the publish folder').length > 0 ? true : undefined), 45_000);
    await waitFor(async () => (heldReply !== null ? true : undefined), 45_000);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(received).toHaveLength(HELD);

    await waitFor(async () => (logLines(standby, 'digest delivered').length > 0 ? true : undefined), 45_000);
    expect(logLines(standby, 'this process is the publisher')).toHaveLength(1);
    expect(logLines(standby, 'finishing the issue an earlier run left partly sent')).toHaveLength(1);
    const inFlight = RECIPIENTS[HELD - 1]!;
    expect(logLines(standby, 'uncertain').filter((line) => line.includes(inFlight))).toHaveLength(1);

    // Every recipient once, in one message each, addressed to them alone.
    const recipients = received.flatMap((message) => message.to).sort();
    expect(recipients).toEqual([...RECIPIENTS].sort());
    for (const message of received) {
      const parsed = await simpleParser(message.raw);
      const to = Array.isArray(parsed.to) ? parsed.to.flatMap((value) => value.value) : (parsed.to?.value ?? []);
      expect(to.map((value) => value.address?.toLowerCase())).toEqual(message.to);
      expect(parsed.subject).toMatch(/\S/);
    }
    const rows = await project.query<{ recipient: string; status: string }>('SELECT recipient, status FROM deliveries ORDER BY recipient');
    expect(rows.filter((row) => row.status === 'sent')).toHaveLength(RECIPIENTS.length - 1);
    expect(rows.find((row) => row.recipient === inFlight)?.status).toBe('sending');
    standby.child.kill('SIGTERM');
    expect((await standby.exited).code).toBe(0);
  });
});
