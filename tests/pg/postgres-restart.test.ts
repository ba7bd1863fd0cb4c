// Fault test of issue 20: PostgreSQL restarted in the middle of a cycle (pg_ctl stop -m fast, a
// few seconds down, started again) under a publisher and two fetch workers, the compiled
// `veille start --role …` in child processes, feeds on loopback answering slowly. The workers
// wait and resume (no process exits, each says what it lost and where), every source's items are
// stored once, and the publisher, elected again, publishes them all.
import type { ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { hasPostgres, startPgCluster, type PgCluster } from '../../tools/bench/pg-cluster.js';
import { rssFeed, startFeedServer, type FeedServer } from '../helpers/feed-server.js';
import { IS_BUILT, waitFor } from '../stress/processes.js';
import { logLines, makeRolesProject, type RolesProject } from './roles-harness.js';

/** A fetch's longest run (300 + 1500 + 1000 ms) within the tests' 3 s job lease. */
const FETCH = 'fetch: { concurrency: 2, perHostConcurrency: 8, perHostDelayMs: 0, stopGraceMs: 1000, connectTimeoutMs: 300, headersTimeoutMs: 1500, bodyTimeoutMs: 1000 }';
const FEEDS = 12;
const ITEMS_PER_FEED = 2;
/** Each feed answers after this long: the cycle lasts a few seconds, the restart falls inside it. */
const ANSWER_MS = 500;
/** How many feed requests are answered before PostgreSQL is stopped. */
const STOP_AFTER = 3;

describe.runIf(IS_BUILT && hasPostgres())('PostgreSQL restarted mid-cycle', () => {
  let cluster: PgCluster;
  let feeds: FeedServer;
  let project: RolesProject;
  const pending: ServerResponse[] = [];

  beforeAll(async () => {
    cluster = await startPgCluster();
    const routes: Record<string, (request: unknown, response: ServerResponse) => void> = {};
    for (let feed = 1; feed <= FEEDS; feed += 1) {
      const items = Array.from({ length: ITEMS_PER_FEED }, (_, index) => ({
        title: `Federated learning news ${feed}.${index}`,
        link: `https://feed${feed}.example/${index}`,
        guid: `feed${feed}-${index}`,
        date: `Tue, 17 Nov 2026 ${String(9 + index).padStart(2, '0')}:00:00 +0000`,
      }));
      routes[`/feed${feed}.xml`] = (_request, response) => {
        pending.push(response);
        setTimeout(() => {
          pending.splice(pending.indexOf(response), 1);
          response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed(`Feed ${feed}`, items));
        }, ANSWER_MS);
      };
    }
    feeds = await startFeedServer(routes);
  });

  afterAll(async () => {
    project?.cleanup();
    for (const response of pending) response.destroy();
    await feeds?.close();
    cluster?.stop();
  });

  it('the workers wait and resume; every source stored once, all published', async () => {
    const sources = Array.from({ length: FEEDS }, (_, index) => `  - { url: "${feeds.base}/feed${index + 1}.xml", name: Feed ${index + 1} }`);
    project = makeRolesProject(await cluster.createDatabase('restarted'), [`sources:\n${sources.join('\n')}`, FETCH]);
    onTestFailed(() => console.log(project.dump()));
    const publisher = project.start('publish', 120_000);
    const workers = [project.start('fetch', 120_000), project.start('fetch', 120_000)];
    await waitFor(async () => (feeds.requests.length >= STOP_AFTER ? true : undefined), 60_000);
    cluster.stopServer();
    const stoppedAt = feeds.requests.length;
    // Down for a few seconds: every process notices (the publisher loses its session, the queue its pool).
    await waitFor(async () => (logLines(publisher, 'the publisher session was lost').length > 0 ? true : undefined), 30_000);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    cluster.startServer();

    await waitFor(async () => ((await project.countItems()) === FEEDS * ITEMS_PER_FEED ? true : undefined), 60_000);
    // Elected again, the publisher runs a cycle at once and publishes every source's items.
    await waitFor(async () => (logLines(publisher, 'this process is the publisher').length >= 2 ? true : undefined), 30_000);
    const published = (): number => (readFileSync(join(project.dir, 'public/feed.xml'), 'utf8').match(/<item>/g) ?? []).length;
    await waitFor(async () => (published() === FEEDS * ITEMS_PER_FEED ? true : undefined), 60_000);

    // Stored once each (one row per GUID), nothing lost.
    const [row] = await project.query<{ n: string; guids: string }>('SELECT count(*) AS n, count(DISTINCT guid) AS guids FROM items');
    expect(Number(row?.n)).toBe(FEEDS * ITEMS_PER_FEED);
    expect(Number(row?.guids)).toBe(FEEDS * ITEMS_PER_FEED);
    expect(feeds.requests.length).toBeGreaterThan(stoppedAt);
    // No process died or restarted: each is the one started, still running.
    for (const child of [publisher, ...workers]) expect(child.child.exitCode).toBeNull();
    for (const worker of workers) expect(worker.stderr()).not.toMatch(/"level":(50|60)/);
    // Each says what it lost, and where.
    const database = `127.0.0.1:${cluster.port}/restarted`;
    for (const worker of workers) expect(logLines(worker, 'coordination: job queue error (retried)').filter((line) => line.includes(database)).length).toBeGreaterThan(0);
    expect(logLines(publisher, 'the publisher session was lost').filter((line) => line.includes(database))).toHaveLength(1);
    expect(logLines(publisher, 'cannot reach the database for the election').filter((line) => line.includes(database)).length).toBeGreaterThan(0);
    for (const child of [publisher, ...workers]) child.child.kill('SIGTERM');
    for (const child of [publisher, ...workers]) expect((await child.exited).code).toBe(0);
  });
});
