// The job queue's completions (issue 20: CPU per fetch with several workers): jobs whose handlers
// end in one turn of the event loop are completed in one call to pg-boss (one statement), not one
// each; every job still ends completed, and a handler that throws still fails its own job alone.
import { createRequire } from 'node:module';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openJobQueue, type JobQueue } from '../../src/coordination/job-queue.js';
import { silentLogger } from '../../src/domain/ports.js';

const PG_URL = process.env.VEILLE_TEST_PG_URL;
/** pg-boss's manager, whose methods a PgBoss takes as its own when made: watched before it is. */
const Manager = createRequire(import.meta.url)('pg-boss/src/manager.js') as { prototype: { complete(): unknown; fail(): unknown } };
const JOBS = 8;

describe.runIf(PG_URL !== undefined && PG_URL !== '')('completing fetch jobs', () => {
  let url = '';
  let queue: JobQueue | null = null;

  beforeAll(async () => {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      await client.query('CREATE DATABASE job_completions');
    } finally {
      await client.end();
    }
    url = new URL('/job_completions', PG_URL).toString();
  });

  afterAll(async () => {
    await queue?.stop(1000);
    vi.restoreAllMocks();
  });

  it(`${JOBS} jobs that end together are completed in one call; one that throws is failed alone`, async () => {
    const completions = vi.spyOn(Manager.prototype, 'complete');
    const failures = vi.spyOn(Manager.prototype, 'fail');
    queue = await openJobQueue({ connection: url, leaseSeconds: 60, logger: silentLogger });
    let open = (): void => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const started: string[] = [];
    const ended: string[] = [];
    await queue.enqueue([...Array.from({ length: JOBS }, (_, index) => `source-${index}`), 'broken']);
    await queue.work(JOBS + 1, async (job) => {
      started.push(job.key);
      await gate;
      ended.push(job.key);
      if (job.key === 'broken') throw new Error('this fetch failed');
    });
    for (let wait = 0; started.length < JOBS + 1 && wait < 200; wait += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(started).toHaveLength(JOBS + 1);
    open();
    for (let wait = 0; completions.mock.calls.length === 0 && wait < 200; wait += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(ended).toHaveLength(JOBS + 1);
    const completed = completions.mock.calls.flatMap((call: unknown[]) => (Array.isArray(call[1]) ? call[1] : [call[1]]));
    expect(completed).toHaveLength(JOBS);
    expect(completions.mock.calls.length).toBe(1);
    // The broken job alone went back to the queue (to be retried), by its own id.
    expect(failures.mock.calls.filter((call: unknown[]) => typeof call[1] === 'string')).toHaveLength(1);
  });
});
