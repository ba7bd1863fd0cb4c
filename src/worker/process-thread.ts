// Entry point of a processing thread: runs processFeed on the jobs the pool sends and answers
// with the result, or with the error's code and message.
import { parentPort } from 'node:worker_threads';
import { describeError, isVeilleError } from '../domain/errors.js';
import { processFeed, type FeedJob } from './process-feed.js';

parentPort?.on('message', (message: { id: number; job: FeedJob }) => {
  processFeed(message.job).then(
    (result) => parentPort?.postMessage({ id: message.id, result }),
    (error: unknown) =>
      parentPort?.postMessage({
        id: message.id,
        error: { code: isVeilleError(error) ? error.code : 'INTERNAL', message: describeError(error) },
      }),
  );
});

// eld's tables are not preloaded: items plainly in their declared language never need them
// (function-words.ts), and a thread loads them on the first item that does.
