// Entry point of a processing thread: says it is ready once its modules are loaded (a job's deadline
// runs from when it is taken, not from the thread's start), then runs processFeed on each job the
// pool sends and answers with the result, or with the error's code and message.
import { parentPort } from 'node:worker_threads';
import { describeError, isVeilleError } from '../domain/errors.js';
import { processFeed, type FeedJob } from '../app/process-feed.js';
import { reduceMemory } from '../system/collect-garbage.js';
import type { ThreadMessage } from './process-pool.js';

const answer = (message: ThreadMessage): void => parentPort?.postMessage(message);
let jobs: Promise<void> = Promise.resolve();

parentPort?.on('message', (message: { id: number; job: FeedJob } | { collect: true }) => {
  // Between cycles (the pool's settle): the thread's heap goes back to its live size.
  if ('collect' in message) {
    const before = process.memoryUsage().heapUsed;
    void reduceMemory().then(() => answer({ collected: { before, after: process.memoryUsage().heapUsed } }));
    return;
  }
  // The pool posts the next job before this one is answered (process-pool.ts): jobs run one after
  // another, in the order posted, never interleaved at processFeed's awaits.
  const { id, job } = message;
  jobs = jobs.then(() =>
    processFeed(job).then(
      (result) => answer({ id, result }),
      (error: unknown) => answer({ id, error: { code: isVeilleError(error) ? error.code : 'INTERNAL', message: describeError(error) } }),
    ),
  );
});
answer({ ready: true });

// eld's tables are not preloaded: items plainly in their declared language never need them
// (function-words.ts), and a thread loads them on the first item that does.
