// Fault tests of the roles over PostgreSQL (issue 20), with the compiled `veille start --role`
// in child processes and everything on loopback: a fetch worker SIGKILLed mid-fetch leaves its
// job to another worker after the lease (the source fetched once more, its items stored once);
// two publishers started at once elect one, and the other takes over when it is killed.
import type { ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { hasPostgres, startPgCluster, type PgCluster } from '../../tools/bench/pg-cluster.js';
import { rssFeed, startFeedServer, type FeedServer } from '../helpers/feed-server.js';
import { IS_BUILT, runVeille, waitFor } from '../stress/processes.js';
import { logLines, makeRolesProject, type RolesProject } from './roles-harness.js';

/** Timeouts within the tests' 3 s job lease (roles.jobLeaseSeconds must exceed a fetch's longest run). */
const FETCH = 'fetch: { perHostDelayMs: 0, stopGraceMs: 1000, connectTimeoutMs: 500, headersTimeoutMs: 1000, bodyTimeoutMs: 1000 }';

const ITEMS = [
  { title: 'Federated learning at the edge', link: 'https://aihub.org/a', guid: 'a', date: 'Tue, 17 Nov 2026 09:00:00 +0000' },
  { title: 'Open source models', link: 'https://aihub.org/b', guid: 'b', date: 'Tue, 17 Nov 2026 10:00:00 +0000' },
];

describe.runIf(IS_BUILT && hasPostgres())('roles over PostgreSQL', () => {
  let cluster: PgCluster;
  let feeds: FeedServer;
  let held: ServerResponse | null = null;
  const projects: RolesProject[] = [];
  const hooks: { key: string | undefined; signature: string | undefined }[] = [];

  beforeAll(async () => {
    cluster = await startPgCluster();
    feeds = await startFeedServer({
      // The first request is never answered: its worker is killed while it waits.
      '/held.xml': (_request, response) => {
        if (held === null) held = response;
        else response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed('Held', ITEMS));
      },
      // A webhook receiver (issue 21): what the elected publisher sends after publishing.
      '/hook': (request, response) => {
        hooks.push({ key: request.headers['idempotency-key'] as string | undefined, signature: request.headers['x-veille-signature'] as string | undefined });
        request.resume();
        request.on('end', () => response.writeHead(204).end());
      },
      '/fresh.xml': (_request, response) =>
        response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed('Fresh', [{ title: 'A new privacy law for AI models', link: 'https://fresh.example/1', guid: 'fresh-1' }])),
      '/other.xml': (_request, response) =>
        response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed('Other', [{ title: 'Privacy news', link: 'https://other.example/p', guid: 'p' }])),
    });
  });

  afterAll(async () => {
    for (const project of projects) project.cleanup();
    held?.destroy();
    await feeds?.close();
    cluster?.stop();
  });

  it('a fetch worker killed mid-fetch: another takes the job after the lease, the source is fetched once more, its items stored once', async () => {
    const project = makeRolesProject(await cluster.createDatabase('killed_fetch'), [
      `sources:\n  - { url: "${feeds.base}/held.xml", name: Held }`,
      FETCH,
    ]);
    projects.push(project);
    onTestFailed(() => console.log(project.dump()));
    const publisher = project.start('publish');
    const first = project.start('fetch');
    await waitFor(async () => (held !== null ? true : undefined), 30_000);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(feeds.requests.filter((path) => path === '/held.xml')).toHaveLength(1);

    const second = project.start('fetch');
    await waitFor(async () => ((await project.countItems("link LIKE 'https://aihub.org/%'")) === 2 ? true : undefined), 45_000);
    // The publisher waited for the queue to drain, then published what the workers stored.
    await waitFor(async () => (logLines(publisher, 'published what the fetch workers stored').length > 0 ? true : undefined), 30_000);
    expect(existsSync(join(project.dir, 'public/feed.xml'))).toBe(true);
    expect(feeds.requests.filter((path) => path === '/held.xml')).toHaveLength(2);
    expect(await project.countItems()).toBe(2);

    // veille status shows the processes (the killed one silent, until its row ages out) and the queue.
    // The counters reach the database with the next heartbeat (every 5 s): read until they have.
    type Coordination = { workers: { role: string; pid: number; jobsDone: number }[]; queue: { waiting: number; active: number } };
    const coordination = await waitFor(async () => {
      const status = await runVeille(['status', '--json', '--config', project.configFile]);
      expect(status.code, status.stderr).toBe(0);
      const read = (JSON.parse(status.stdout) as { coordination: Coordination }).coordination;
      return read.workers.find((worker) => worker.pid === second.child.pid)?.jobsDone === 1 ? read : undefined;
    }, 20_000);
    expect(coordination.queue).toEqual({ waiting: 0, active: 0 });
    expect(coordination.workers.find((worker) => worker.pid === second.child.pid)).toMatchObject({ role: 'fetch', jobsDone: 1 });
    expect(coordination.workers.find((worker) => worker.pid === publisher.child.pid)).toMatchObject({ role: 'publish' });
    const text = await runVeille(['status', '--config', project.configFile]);
    expect(text.stdout).toMatch(/worker\(s\) on the shared database; fetch queue: 0 waiting, 0 running/);
    second.child.kill('SIGTERM');
    publisher.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
    expect((await publisher.exited).code).toBe(0);
  });

  it('two publishers started at once: one publishes; killed, the other takes over within seconds', async () => {
    const project = makeRolesProject(await cluster.createDatabase('two_publishers'), [`sources:\n  - { url: "${feeds.base}/other.xml", name: Other }`, FETCH]);
    projects.push(project);
    onTestFailed(() => console.log(project.dump()));
    const a = project.start('all');
    const b = project.start('all');
    const elected = (): Promise<number> =>
      waitFor(async () => {
        const rows = await project.query<{ pid: number }>('SELECT pid FROM veille_workers WHERE publishing');
        return rows.length === 1 ? rows[0]!.pid : undefined;
      }, 30_000);
    const leader = await elected();
    // A few election rounds later, still one publisher, and the other one never said it was.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const both = [a, b];
    expect(both.map((child) => logLines(child, 'this process is the publisher').length).sort()).toEqual([0, 1]);
    const [killed, standby] = a.child.pid === leader ? [a, b] : [b, a];
    killed.child.kill('SIGKILL');
    await killed.exited;
    await project.query(`DELETE FROM veille_workers WHERE pid = ${leader}`);
    const next = await elected();
    expect(next).toBe(standby.child.pid);
    expect(logLines(standby, 'this process is the publisher')).toHaveLength(1);
    standby.child.kill('SIGTERM');
    expect((await standby.exited).code).toBe(0);
  });

  it('the elected publisher sends the webhooks after publishing what the fetch workers stored', async () => {
    const project = makeRolesProject(await cluster.createDatabase('publisher_webhooks'), [
      `sources:\n  - { url: "${feeds.base}/fresh.xml", name: Fresh }`,
      FETCH,
      `notify:\n  - { name: chat, url: "${feeds.base}/hook", format: json, secretEnv: VEILLE_TEST_HOOK_SECRET, allowPrivate: true }`,
    ]);
    projects.push(project);
    onTestFailed(() => console.log(project.dump()));
    const env = { VEILLE_TEST_HOOK_SECRET: 'a secret of the test' };
    const publisher = project.start('publish', 90_000, env);
    const worker = project.start('fetch', 90_000, env);
    await waitFor(async () => (hooks.length > 0 ? true : undefined), 45_000);
    expect(hooks).toHaveLength(1);
    expect(hooks[0]?.key).toMatch(/\S/);
    expect(hooks[0]?.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    // Stopping cleanly is the first test's to check; these two are ended by the project's cleanup if need be.
    worker.child.kill('SIGTERM');
    publisher.child.kill('SIGTERM');
  });
});
