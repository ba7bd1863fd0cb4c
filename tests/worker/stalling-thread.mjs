// A stand-in processing thread for the deadline tests: the real one (dist/, built by `npm test`)
// for every feed, except a feed whose text holds `<!-- veille-test-stall:FILE -->`, on which it
// writes FILE and then loops forever, as a thread stuck in a regular expression would, and one that
// holds `<!-- veille-test-exit -->`, on which the thread exits (a crash). With VEILLE_TEST_THREAD_STARTS
// set to a folder, each thread that starts writes a file there.
import { writeFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { processFeed } from '../../dist/app/process-feed.js';

const MARK = '<!-- veille-test-stall:';

if (process.env.VEILLE_TEST_THREAD_STARTS) {
  writeFileSync(`${process.env.VEILLE_TEST_THREAD_STARTS}/${Date.now()}-${Math.random()}`, 'started');
}

// Jobs run one after another, as in the real thread (the pool posts one ahead). A feed that holds
// `<!-- veille-test-wait-next -->` is answered only once the thread has received the job after it.
let jobs = Promise.resolve();
let received = 0;
const arrivals = [];

parentPort.on('message', ({ id, job }) => {
  received += 1;
  const arrived = received;
  for (const waiting of arrivals.splice(0)) waiting(arrived);
  jobs = jobs.then(async () => {
    // A UTF-8 body comes as its bytes (app/process-feed.ts FeedJob): the marks are read in its text.
    const text = typeof job.text === 'string' ? job.text : new TextDecoder().decode(job.text);
    const at = text.indexOf(MARK);
    if (at >= 0) {
      writeFileSync(text.slice(at + MARK.length, text.indexOf(' -->', at)).trim(), 'stalled');
      for (;;);
    }
    if (text.includes('<!-- veille-test-exit -->')) process.exit(7);
    if (text.includes('<!-- veille-test-wait-next -->') && received === arrived) await new Promise((resolve) => arrivals.push(resolve));
    await processFeed(job).then(
      (result) => parentPort.postMessage({ id, result }),
      (error) => parentPort.postMessage({ id, error: { code: error?.code ?? 'INTERNAL', message: String(error?.message ?? error) } }),
    );
  });
});
parentPort.postMessage({ ready: true });
