// Commands beside a running worker (issue 17, finding 3): the compiled `veille start` in a child
// process, and beside it `retag` (which waits for the running cycle, says so, then runs),
// `sources add` (fetched by the next cycle, no restart) and `digest --send` to a loopback SMTP
// server; none is refused, and the worker stops cleanly after.
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMTP_PASSWORD, SMTP_USER, startSmtpServer, type TestSmtpServer } from '../email/smtp-server.js';
import { makeTempProject, type TempProject } from '../helpers/cli.js';
import { rssFeed, startFeedServer, type FeedServer } from '../helpers/feed-server.js';
import { freePort, IS_BUILT, runVeille, spawnVeille, waitFor } from '../stress/processes.js';

const NOW = '2026-11-26T08:00:00Z';
const env = { VEILLE_NOW: NOW, VEILLE_TEST_SMTP_PASSWORD: SMTP_PASSWORD };
const FEED = rssFeed('AIhub', [{ title: 'Federated learning news', link: 'https://aihub.org/a', guid: 'a', date: 'Tue, 17 Nov 2026 09:00:00 +0000' }]);

describe.runIf(IS_BUILT)('commands beside a running worker', () => {
  let feeds: FeedServer;
  let smtp: TestSmtpServer;
  let project: TempProject;
  let held: ServerResponse | null = null;

  beforeAll(async () => {
    feeds = await startFeedServer({
      // The first answer waits for the test: the worker's first cycle is running meanwhile.
      '/feed.xml': (_request, response) => {
        if (held === null && feeds.requests.filter((path) => path === '/feed.xml').length === 1) held = response;
        else response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(FEED);
      },
      '/added.xml': (_request, response) =>
        response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed('Added', [{ title: 'Added news', link: 'https://added.example/a', guid: 'b' }])),
    });
    smtp = await startSmtpServer();
    project = makeTempProject();
  });

  afterAll(async () => {
    held?.end();
    await feeds?.close();
    await smtp?.close();
    project?.cleanup();
  });

  it('retag waits for the cycle and says so, sources add is picked up by the next cycle, digest --send sends', { timeout: 60_000 }, async () => {
    const port = await freePort();
    project.writeConfig(
      [
        `sources:\n  - { url: "${feeds.base}/feed.xml", name: AIhub }`,
        `server: { host: 127.0.0.1, port: ${port} }`,
        // A cycle every second: the next one comes soon after `sources add`.
        'schedule: { fetch: "* * * * * *" }',
        'fetch: { perHostDelayMs: 0 }',
        'email:',
        '  from: "Veille IA <veille@example.org>"',
        `  smtp: { host: 127.0.0.1, port: ${smtp.port}, secure: false, requireTls: false, user: ${SMTP_USER}, passwordEnv: VEILLE_TEST_SMTP_PASSWORD, timeoutMs: 5000 }`,
        '  recipients: [ { address: lea@example.org } ]',
      ].join('\n'),
    );
    const worker = spawnVeille(['start', '--config', project.configFile], env, 60_000);
    try {
      await waitFor(async () => (held !== null ? true : undefined), 20_000);

      // The cycle holds its step: retag waits, says for what, and is not refused.
      const retag = spawnVeille(['retag', '--config', project.configFile], env, 30_000);
      await waitFor(async () => (retag.stderr().includes('waiting') ? true : undefined), 20_000);
      expect(retag.stderr()).toBe(`waiting for the running cycle (pid ${worker.child.pid}) to finish…\n`);
      expect(retag.child.exitCode).toBeNull();
      held?.writeHead(200, { 'content-type': 'application/rss+xml' }).end(FEED);
      const retagged = await retag.exited;
      expect(retagged, retagged.stderr).toMatchObject({ code: 0 });
      expect(retagged.stdout).toMatch(/^Retagged 1 items/);

      const added = await runVeille(['sources', 'add', `${feeds.base}/added.xml`, '--name', 'Added', '--no-check', '--config', project.configFile], env);
      expect(added, added.stderr).toMatchObject({ code: 0 });
      await waitFor(async () => (feeds.requests.includes('/added.xml') ? true : undefined), 20_000);

      const digest = await runVeille(['digest', '--send', '--config', project.configFile], env);
      expect(digest, digest.stderr).toMatchObject({ code: 0 });
      expect(digest.stdout).toContain('2026-W47: built and published');
      expect(digest.stdout).toContain('1 sent');
      expect(smtp.recipients()).toEqual(['lea@example.org']);
    } finally {
      worker.child.kill('SIGTERM');
    }
    const stopped = await worker.exited;
    expect(stopped, stopped.stderr).toMatchObject({ code: 0, signal: null });
  });
});
