// Issue 7, two workers on one data folder: the compiled `veille start` holds the folder's lock, so
// a second `start` refuses with STORE_LOCKED and a message saying who holds it, while `run` and
// `digest` work beside it, one write step at a time (issue 17, finding 3); and two
// `digest --send` started at the same moment never send anyone the issue twice.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDigestProject } from '../digest/digest-fixture.js';
import { SMTP_PASSWORD, SMTP_USER, startSmtpServer, type TestSmtpServer } from '../email/smtp-server.js';
import { makeTempProject, type TempProject } from '../helpers/cli.js';
import { rssFeed, serveBody, startFeedServer, type FeedServer } from '../helpers/feed-server.js';
import { freePort, IS_BUILT, runVeille, spawnVeille, waitFor } from './processes.js';

const NOW = '2026-11-26T08:00:00Z';

describe.runIf(IS_BUILT)('a second veille on the same data folder', () => {
  let feeds: FeedServer;
  let project: TempProject;

  beforeAll(async () => {
    feeds = await startFeedServer({
      '/feed.xml': serveBody(
        rssFeed('AIhub', [{ title: 'Federated learning news', link: 'https://aihub.org/a', guid: 'a', date: 'Mon, 23 Nov 2026 09:00:00 +0000' }]),
        'application/rss+xml',
      ),
    });
    project = makeTempProject();
  });

  afterAll(async () => {
    await feeds?.close();
    project?.cleanup();
  });

  it('refuses a second start with STORE_LOCKED while a worker runs, runs run and digest beside it; the worker stops cleanly after', async () => {
    const port = await freePort();
    project.writeConfig(
      `sources:\n  - { url: "${feeds.base}/feed.xml", name: AIhub }\nserver: { host: 127.0.0.1, port: ${port} }\nfetch: { perHostDelayMs: 0 }`,
    );
    const worker = spawnVeille(['start', '--config', project.configFile], {}, 60_000);
    try {
      await waitFor(async () => ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok ? true : undefined), 20_000);
      const pid = worker.child.pid;
      const message = new RegExp(
        `^veille: store: another veille \\(pid ${pid}, "start" since [^)]+\\) is using \\S+veille\\.db; commands such as run, digest and retag work beside it; a second worker does not\\n$`,
      );
      const [secondStart, run, digest] = await Promise.all([
        runVeille(['start', '--config', project.configFile]),
        runVeille(['run', '--config', project.configFile]),
        runVeille(['digest', '--config', project.configFile], { VEILLE_NOW: NOW }),
      ]);
      expect(secondStart).toMatchObject({ code: 1, stdout: '' });
      expect(secondStart.stderr).toMatch(message);
      expect(run, run.stderr).toMatchObject({ code: 0 });
      expect(digest, digest.stderr).toMatchObject({ code: 0 });
      // The worker was not disturbed: it still serves.
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).ok).toBe(true);
    } finally {
      worker.child.kill('SIGTERM');
    }
    const stopped = await worker.exited;
    expect(stopped, stopped.stderr).toMatchObject({ code: 0, signal: null });
    expect(existsSync(join(project.dir, 'data/veille.db.lock'))).toBe(false);
  });
});

describe.runIf(IS_BUILT)('two digest --send at the same moment', () => {
  let smtp: TestSmtpServer;
  const ROUNDS = 5;
  const RECIPIENTS = ['a@example.org', 'b@example.org', 'c@example.org', 'd@example.org'];

  beforeAll(async () => {
    smtp = await startSmtpServer();
  });

  afterAll(async () => {
    await smtp?.close();
  });

  it(`send each recipient the issue once (${ROUNDS} rounds)`, async () => {
    const env = { VEILLE_NOW: NOW, VEILLE_TEST_SMTP_PASSWORD: SMTP_PASSWORD };
    const exits: string[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const project = makeDigestProject(
        [
          'email:',
          '  from: "Veille IA <veille@example.org>"',
          `  smtp: { host: 127.0.0.1, port: ${smtp.port}, secure: false, requireTls: false, user: ${SMTP_USER}, passwordEnv: VEILLE_TEST_SMTP_PASSWORD, timeoutMs: 5000 }`,
          '  recipients:',
          ...RECIPIENTS.map((address) => `    - { address: ${address} }`),
        ].join('\n'),
      );
      try {
        smtp.received.length = 0;
        const both = await Promise.all([0, 1].map(() => runVeille(['digest', '--send', '--config', project.configFile], env)));
        for (const exit of both) {
          // Both send, one after the other: the second finds everything already sent.
          expect(exit, exit.stderr).toMatchObject({ code: 0, stdout: expect.stringMatching(/\d+ sent/) });
        }
        exits.push(both.map((exit) => exit.code).join('+'));
        const counts = new Map<string, number>();
        for (const address of smtp.recipients()) counts.set(address, (counts.get(address) ?? 0) + 1);
        expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(RECIPIENTS.map((address) => [address, 1])));

        const again = await runVeille(['digest', '--send', '--config', project.configFile], env);
        expect(again.stdout).toContain(`0 sent, ${RECIPIENTS.length} already done`);
        expect(smtp.received).toHaveLength(RECIPIENTS.length);
      } finally {
        project.cleanup();
      }
    }
    console.log(`two digest --send at once: ${ROUNDS} rounds, exit codes ${exits.join(', ')}; every recipient got the issue once`);
  });
});
