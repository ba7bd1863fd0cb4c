// Runs processFeed on worker threads, so that parsing and sanitizing use every core while the
// main thread fetches, tags and stores. Falls back to the main thread when threads are off or
// the compiled thread script is absent (running from TypeScript sources, as the tests do).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { VeilleError, type ErrorCode } from '../domain/errors.js';
import { processFeed, type FeedJob, type ProcessedFeed } from './process-feed.js';

export interface FeedProcessor {
  /** Number of threads in use; 0 when processing runs on the main thread. */
  readonly threads: number;
  process(job: FeedJob): Promise<ProcessedFeed>;
  close(): Promise<void>;
}

type Reply = { id: number; result: ProcessedFeed } | { id: number; error: { code: ErrorCode; message: string } };

interface Slot {
  readonly worker: Worker;
  readonly pending: Map<number, { resolve: (value: ProcessedFeed) => void; reject: (error: unknown) => void }>;
}

const THREAD_SCRIPT = new URL('./process-thread.js', import.meta.url);

/** Threads replaced in one cycle before the pool gives up on a thread that keeps dying. */
const MAX_REPLACEMENTS = 8;

export function createFeedProcessor(threads: number): FeedProcessor {
  if (threads <= 0 || !existsSync(fileURLToPath(THREAD_SCRIPT))) {
    return { threads: 0, process: processFeed, close: async () => undefined };
  }
  let closing = false;
  let replacements = 0;
  const slots: Slot[] = [];
  // A thread that stops (a crash, or out of memory on a huge feed) fails its own jobs with a
  // code and is replaced, so one bad feed never hangs the cycle or the ones after it. Threads
  // that keep dying (a thread script that no longer loads) are not replaced forever.
  const replace = (dead: Slot) => {
    const index = slots.indexOf(dead);
    if (index < 0 || closing) return;
    if (replacements >= MAX_REPLACEMENTS) slots.splice(index, 1);
    else {
      replacements += 1;
      slots[index] = startSlot(replace);
    }
  };
  // Threads start with the first feed body: a cycle where every source answers 304 starts none.
  let started = false;
  let nextId = 0;
  return {
    threads,
    process(job) {
      if (!started) {
        started = true;
        for (let index = 0; index < threads; index += 1) slots.push(startSlot(replace));
      }
      if (slots.length === 0) {
        return Promise.reject(new VeilleError('INTERNAL', 'worker: every processing thread stopped; see the log for why'));
      }
      // The least busy thread takes the job.
      const slot = slots.reduce((best, candidate) => (candidate.pending.size < best.pending.size ? candidate : best));
      const id = (nextId += 1);
      return new Promise<ProcessedFeed>((resolve, reject) => {
        slot.pending.set(id, { resolve, reject });
        slot.worker.postMessage({ id, job });
      });
    },
    async close() {
      closing = true;
      await Promise.all(slots.map((slot) => slot.worker.terminate()));
    },
  };
}

/**
 * V8 lets a heap grow up to four times its live size between full collections when its limit is
 * large (4 GB by default here). eld's tables (about 30 MB, the language stage) make the thread's live
 * size large enough for that to cost about 100 MB of peak RSS in the pipeline bench. Under a 1 GB
 * limit V8 grows the heap by about 1.6 times instead, for the same time; a 10 MiB feed (fetch.maxBytes'
 * default) parses in far less. A thread that still runs out fails its job with a code (see above).
 */
const THREAD_LIMITS = { maxYoungGenerationSizeMb: 12, maxOldGenerationSizeMb: 1024 };

function startSlot(onDeath: (slot: Slot) => void): Slot {
  const worker = new Worker(THREAD_SCRIPT, { resourceLimits: THREAD_LIMITS });
  const pending: Slot['pending'] = new Map();
  const slot: Slot = { worker, pending };
  worker.on('message', (reply: Reply) => {
    const waiting = pending.get(reply.id);
    if (!waiting) return;
    pending.delete(reply.id);
    if ('error' in reply) waiting.reject(new VeilleError(reply.error.code, reply.error.message));
    else waiting.resolve(reply.result);
  });
  let dead = false;
  const die = (reason: string, cause?: unknown) => {
    if (dead) return;
    dead = true;
    for (const waiting of pending.values()) {
      waiting.reject(new VeilleError('INTERNAL', `worker: the processing thread stopped (${reason}) while parsing this feed`, { cause }));
    }
    pending.clear();
    onDeath(slot);
  };
  worker.on('error', (error) => die(error.message, error));
  worker.on('exit', (code) => die(`exit code ${code}`));
  return slot;
}
