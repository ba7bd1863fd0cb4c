// `veille run` on a PostgreSQL store while fetch workers are alive (issue 20): their jobs fetch
// the due sources and run's own per-host limiter does not count their requests, so run refuses
// (exit 2), saying how many workers run on which store and what to do instead, and fetches
// nothing. A worker whose heartbeat is older than status's lease (15 s) is gone: run proceeds.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPool } from '../../src/coordination/postgres.js';
import { ensureCoordinationSchema } from '../../src/coordination/schema.js';
import { makeTempProject, type TempProject } from '../helpers/cli.js';
import { rssFeed, startFeedServer, type FeedServer } from '../helpers/feed-server.js';
import { IS_BUILT, runVeille } from '../stress/processes.js';

const PG_URL = process.env.VEILLE_TEST_PG_URL;
const NOW = '2026-11-26T08:00:00Z';

describe.runIf(IS_BUILT && PG_URL !== undefined && PG_URL !== '')('veille run beside fetch workers on a PostgreSQL store', () => {
  let url = '';
  let feeds: FeedServer;
  let project: TempProject;

  async function sql(text: string): Promise<void> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    try {
      await admin.query('CREATE DATABASE run_beside_workers');
    } finally {
      await admin.end();
    }
    url = new URL('/run_beside_workers', PG_URL).toString();
    feeds = await startFeedServer({
      '/feed.xml': (_request, response) =>
        response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed('Feed', [{ title: 'Open source models', link: 'https://aihub.org/a', guid: 'a' }])),
    });
    project = makeTempProject();
    project.writeConfig([`storage: { url: "${url}" }`, `sources:\n  - { url: "${feeds.base}/feed.xml", name: Feed }`].join('\n'));
    // The workers' table, as a `veille start --role` process makes it.
    const pool = openPool(url, 1);
    try {
      await ensureCoordinationSchema(pool);
    } finally {
      await pool.end();
    }
  });

  afterAll(async () => {
    project?.cleanup();
    await feeds?.close();
  });

  it('a live fetch worker: run exits 2, says who fetches where and what to do, and fetches nothing', async () => {
    await sql(`INSERT INTO veille_workers (id, role, hostname, pid, beat_at) VALUES
      ('machine-b:4242:fetch', 'fetch', 'machine-b', 4242, now()),
      ('machine-c:5151:all', 'all', 'machine-c', 5151, now() - interval '3 seconds')`);
    const run = await runVeille(['run', '--config', project.configFile], { VEILLE_NOW: NOW });
    expect(run.code, run.stderr).toBe(2);
    const database = new URL(url);
    expect(run.stderr).toContain(`run: 2 fetch workers are running on the PostgreSQL store ${database.hostname}:${database.port}/run_beside_workers`);
    expect(run.stderr).toContain('machine-b:4242:fetch, machine-c:5151:all');
    expect(run.stderr).toContain('they fetch the due sources and the elected publisher publishes');
    expect(run.stderr).toContain('"veille status"');
    expect(run.stderr).toContain('stop the workers first');
    expect(feeds.requests).toEqual([]);
    expect(existsSync(join(project.dir, 'public/feed.xml'))).toBe(false);
  });

  it('workers silent for longer than the lease, and a publisher: run fetches and publishes as before', async () => {
    await sql(`UPDATE veille_workers SET beat_at = now() - interval '1 minute'`);
    // A live publisher alone fetches nothing itself: run takes turns with its steps (the step lock).
    await sql(`INSERT INTO veille_workers (id, role, hostname, pid, beat_at) VALUES ('machine-a:1000:publish', 'publish', 'machine-a', 1000, now())`);
    const run = await runVeille(['run', '--config', project.configFile], { VEILLE_NOW: NOW });
    expect(run.code, run.stderr).toBe(0);
    expect(feeds.requests).toEqual(['/feed.xml']);
    expect(existsSync(join(project.dir, 'public/feed.xml'))).toBe(true);
  });
});
