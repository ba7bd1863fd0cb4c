// Jobs per second that one fetch worker takes from the PostgreSQL queue (issue 20): 160 jobs of
// 100 ms each at concurrency 16 take 1 s when every slot is refilled as soon as it frees. pg-boss's
// own work() loops waited out their 0.5 s polling interval after each job (at most 32 jobs a
// second here, 5 s). The floor is loose (a shared 2-core machine); the concurrency is exact.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openJobQueue } from '../../src/coordination/job-queue.js';
import { silentLogger } from '../../src/domain/ports.js';
import { hasPostgres, startPgCluster, type PgCluster } from '../../tools/bench/pg-cluster.js';

const JOBS = 160;
const CONCURRENCY = 16;
const JOB_MS = 100;

let cluster: PgCluster | null = null;

beforeAll(async () => {
  if (hasPostgres()) cluster = await startPgCluster();
});

afterAll(() => cluster?.stop());

it.runIf(hasPostgres())(`one worker runs ${JOBS} jobs of ${JOB_MS} ms at concurrency ${CONCURRENCY} within 2.5× the ideal`, async () => {
  const connection = await cluster!.createDatabase('job_queue_throughput');
  const queue = await openJobQueue({ connection, leaseSeconds: 30, logger: silentLogger });
  const done = new Set<string>();
  let running = 0;
  let most = 0;
  try {
    await queue.enqueue(Array.from({ length: JOBS }, (_, index) => `https://host-${index % 20}.example/feed-${index}.xml`));
    const started = performance.now();
    let finished = 0;
    const allDone = new Promise<void>((resolve) => {
      void queue.work(CONCURRENCY, async (job) => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((wait) => setTimeout(wait, JOB_MS));
        running -= 1;
        done.add(job.key);
        if (done.size === JOBS && finished === 0) {
          finished = performance.now();
          resolve();
        }
      });
    });
    await allDone;
    const seconds = (finished - started) / 1000;
    const ideal = (JOBS * JOB_MS) / CONCURRENCY / 1000;
    console.log(`job queue: ${JOBS} jobs in ${seconds.toFixed(2)} s (ideal ${ideal.toFixed(2)} s, ${(ideal / seconds).toFixed(2)}× of it), at most ${most} at once`);
    expect(most).toBeLessThanOrEqual(CONCURRENCY);
    expect(seconds).toBeLessThan(2.5 * ideal);
  } finally {
    await queue.stop(1000);
  }
});
