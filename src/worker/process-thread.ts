// Entry point of a processing thread: runs processFeed on the jobs the pool sends and answers
// with the result, or with the error's code and message.
import { parentPort } from 'node:worker_threads';
import { describeError, isVeilleError } from '../domain/errors.js';
import { preloadLanguageDetection } from '../language/detect-language.js';
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

// Every job detects languages: eld's tables load while the first feeds are still being fetched.
setImmediate(preloadLanguageDetection);
