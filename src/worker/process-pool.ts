// Runs processFeed on worker threads, never on the main thread: parsing and sanitizing use every
// core while the main thread fetches, tags, stores and answers HTTP, and a feed that takes too long
// is stopped with its thread (a thread can be terminated mid-regex; the main thread cannot).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { VeilleError, type ErrorCode } from '../domain/errors.js';
import { releaseFreeMemory } from '../system/release-memory.js';
import type { FeedJob, FeedProcessor, FeedProcessorOptions, ProcessedFeed } from '../app/process-feed.js';

/** What a thread posts: once when its modules are loaded, then one answer per job. */
export type ThreadMessage =
  | { readonly ready: true }
  /** After a collection the pool asked for (settle): the thread's heap in use before and after. */
  | { readonly collected: HeapCollected }
  | { readonly id: number; readonly result: ProcessedFeed }
  | { readonly id: number; readonly error: { readonly code: ErrorCode; readonly message: string } };

/**
 * The compiled thread script: beside this module in dist/, or in dist/worker/ when this module runs
 * from the CLI's bundle (dist/bundle/, scripts/bundle.mjs) or from its TypeScript source (the tests;
 * `npm test` builds first, and vitest's global setup rebuilds a dist/ older than src/), so that tests
 * run feeds on real threads, deadline included.
 */
function defaultThreadScript(): URL {
  const beside = new URL('./process-thread.js', import.meta.url);
  return existsSync(fileURLToPath(beside)) ? beside : new URL('../../dist/worker/process-thread.js', import.meta.url);
}

/** How often, at most, the pool returns the C heap's free pages while its threads answer jobs. */
const RELEASE_EVERY_MS = 1_000;

/** Threads that stop on their own (not stopped for a deadline), with no job done since, before the pool gives up on them. */
const MAX_DEATHS = 8;

interface Task {
  readonly id: number;
  readonly job: FeedJob;
  readonly deadlineMs: number;
  readonly resolve: (value: ProcessedFeed) => void;
  readonly reject: (error: unknown) => void;
}

interface Slot {
  readonly worker: Worker;
  ready: boolean;
  /** The job the thread is running, and the timer that stops it. */
  running: { readonly task: Task; readonly timer: NodeJS.Timeout } | null;
  /**
   * The job posted behind it (issue 15): the thread starts it as soon as it answers the running one,
   * without waiting for the main thread to handle that answer (it was idle about 20% of a first import).
   */
  next: Task | null;
  /** Stopped on purpose (deadline, close): its exit is no death. */
  retired: boolean;
  /** Collections asked of the thread and not answered yet (settle), oldest first. */
  readonly collecting: Array<(heap: HeapCollected | null) => void>;
}

/** A thread's heap in use before and after a collection, in bytes. */
export interface HeapCollected {
  readonly before: number;
  readonly after: number;
}

/** The pool a worker keeps across cycles (worker.ts, keepAcrossCycles). */
export interface SettlingFeedProcessor extends FeedProcessor {
  /**
   * Between cycles: each thread with no job collects its garbage (issue 15: a thread kept after a
   * first import held its peak heap for good). Resolves with each one's heap in use before and after.
   */
  settle(): Promise<HeapCollected[]>;
}

/**
 * A job is posted ahead to a busy thread only when its body is at most this many UTF-16 code units
 * (2 bytes each in the thread's heap), or bytes when the job carries UTF-8 (never fewer than the
 * units they decode to): with one job ahead per thread, the bodies posted ahead hold at most
 * threads × 8 MiB at once; a larger feed waits in the queue for an idle thread.
 */
const AHEAD_MAX_CHARS = 4 * 1024 * 1024;

export function createFeedProcessor(
  options: FeedProcessorOptions & {
    readonly aheadMaxChars?: number;
    /** Milliseconds of a monotonic clock (performance.now by default), for when the C heap was last released. */
    readonly now?: () => number;
  },
): SettlingFeedProcessor {
  const threads = Math.max(1, options.threads);
  const now = options.now ?? (() => performance.now());
  const aheadMaxChars = options.aheadMaxChars ?? AHEAD_MAX_CHARS;
  const script = options.threadScript ?? defaultThreadScript();
  const slots: Slot[] = [];
  const queue: Task[] = [];
  let deaths = 0;
  let lastDeath = '';
  let closing = false;
  let nextId = 0;
  let released = now();

  // One job running per thread and at most one posted behind it, the others wait here: a job's
  // deadline runs from when the main thread sees its thread take it (the answer to the job before,
  // or the post), and a thread stopped for its deadline or crashed takes no other job down with it:
  // the job posted behind goes back to the head of the queue.
  const pump = (): void => {
    for (const slot of slots) {
      const task = slot.ready && slot.running === null ? queue.shift() : undefined;
      if (task !== undefined) run(slot, task);
    }
    // Idle threads first (above), then one job ahead per busy thread, small bodies only.
    for (const slot of slots) {
      const task = queue[0];
      if (task === undefined) break;
      if (slot.running === null || slot.next !== null || slot.retired || task.job.text.length > aheadMaxChars) continue;
      queue.shift();
      slot.next = task;
      slot.worker.postMessage({ id: task.id, job: task.job });
    }
    // Threads start with the first feed body: a cycle where every source answers 304 starts none.
    const starting = slots.filter((slot) => !slot.ready).length;
    for (let wanted = queue.length - starting; wanted > 0 && slots.length < threads && deaths < MAX_DEATHS; wanted -= 1) {
      slots.push(startSlot());
    }
    if (slots.length === 0 && deaths >= MAX_DEATHS) {
      for (const task of queue.splice(0)) {
        task.reject(new VeilleError('INTERNAL', `worker: every processing thread stopped (the last: ${lastDeath}); see the log`));
      }
    }
  };

  const run = (slot: Slot, task: Task, posted = false): void => {
    const timer = setTimeout(() => overrun(slot), task.deadlineMs);
    slot.running = { task, timer };
    if (!posted) slot.worker.postMessage({ id: task.id, job: task.job });
  };

  const remove = (slot: Slot): void => {
    const index = slots.indexOf(slot);
    if (index >= 0) slots.splice(index, 1);
    if (slot.running !== null) clearTimeout(slot.running.timer);
    for (const answer of slot.collecting.splice(0)) answer(null);
    // Not started, or not known to be: it runs on another thread, first.
    if (slot.next !== null) queue.unshift(slot.next);
    slot.next = null;
  };

  // The thread may be stuck in a regular expression: only terminating it stops the work.
  const overrun = (slot: Slot): void => {
    const task = slot.running?.task;
    remove(slot);
    slot.running = null;
    slot.retired = true;
    void slot.worker.terminate();
    task?.reject(
      new VeilleError(
        'PARSE_TIMEOUT',
        `parse: ${task.job.url}: parsing and cleaning took longer than ${task.deadlineMs} ms ` +
          '(processing.parseTimeoutMs plus parseTimeoutMsPerMiB per MiB), stopped',
      ),
    );
    if (!closing) pump();
  };

  // A thread that stops on its own (a crash, out of memory on a huge feed) fails its job with a
  // code and is replaced, so one bad feed never hangs the cycle or the ones after it.
  const die = (slot: Slot, reason: string, cause?: unknown): void => {
    if (slot.retired) return;
    slot.retired = true;
    remove(slot);
    deaths += 1;
    lastDeath = reason;
    const task = slot.running?.task;
    slot.running = null;
    task?.reject(new VeilleError('INTERNAL', `worker: the processing thread stopped (${reason}) while processing ${task.job.url}`, { cause }));
    if (!closing) pump();
  };

  // While feeds flow, the C heap's free pages go back to the system at most once a period (issue 15:
  // the first cycle's peak; glibc kept up to 24 MB of freed blocks in the main arena while fetching).
  const releaseWhileWorking = (): void => {
    const time = now();
    if (time - released < RELEASE_EVERY_MS) return;
    released = time;
    releaseFreeMemory();
  };

  const startSlot = (): Slot => {
    const worker = new Worker(script, { resourceLimits: THREAD_LIMITS });
    const slot: Slot = { worker, ready: false, running: null, next: null, retired: false, collecting: [] };
    worker.on('message', (message: ThreadMessage) => {
      if ('collected' in message) {
        slot.collecting.shift()?.(message.collected);
        return;
      }
      if ('ready' in message) {
        slot.ready = true;
      } else if (slot.running !== null && slot.running.task.id === message.id) {
        const { task, timer } = slot.running;
        clearTimeout(timer);
        slot.running = null;
        // The thread has taken the job posted behind: its deadline runs from now.
        const next = slot.next;
        slot.next = null;
        if (next !== null) run(slot, next, true);
        if ('error' in message) {
          task.reject(new VeilleError(message.error.code, message.error.message));
        } else {
          // The worker keeps its pool from one cycle to the next: deaths count since the last job done, not for the process's life.
          deaths = 0;
          task.resolve(message.result);
        }
        releaseWhileWorking();
      }
      if (!closing) pump();
    });
    worker.on('error', (error) => die(slot, error.message, error));
    worker.on('exit', (code) => die(slot, `exit code ${code}`));
    return slot;
  };

  return {
    threads,
    process(job) {
      if (closing) return Promise.reject(new VeilleError('INTERNAL', 'worker: the feed processor is closed'));
      return new Promise<ProcessedFeed>((resolve, reject) => {
        nextId += 1;
        queue.push({ id: nextId, job, deadlineMs: options.deadlineMs(job), resolve, reject });
        pump();
      });
    },
    expectBodies(count) {
      if (closing) return;
      for (let wanted = Math.min(count, threads) - slots.length; wanted > 0 && deaths < MAX_DEATHS; wanted -= 1) slots.push(startSlot());
    },
    async settle() {
      const idle = slots.filter((slot) => slot.ready && slot.running === null && slot.next === null && !slot.retired);
      const answers = await Promise.all(
        idle.map(
          (slot) =>
            new Promise<HeapCollected | null>((resolve) => {
              slot.collecting.push(resolve);
              slot.worker.postMessage({ collect: true });
            }),
        ),
      );
      return answers.filter((heap): heap is HeapCollected => heap !== null);
    },
    async close() {
      closing = true;
      for (const task of queue.splice(0)) task.reject(new VeilleError('INTERNAL', 'worker: the feed processor closed before this feed was processed'));
      const stopping = slots.splice(0);
      for (const slot of stopping) {
        slot.retired = true;
        for (const answer of slot.collecting.splice(0)) answer(null);
        slot.next?.reject(new VeilleError('INTERNAL', 'worker: the feed processor closed before this feed was processed'));
        slot.next = null;
        if (slot.running !== null) {
          clearTimeout(slot.running.timer);
          slot.running.task.reject(new VeilleError('INTERNAL', 'worker: the feed processor closed while this feed was processed'));
          slot.running = null;
        }
      }
      await Promise.all(stopping.map((slot) => slot.worker.terminate()));
      // What the threads had allocated in the C heap is free now: back to the system, before the
      // cycle groups and publishes (issue 15: the first cycle's peak).
      if (stopping.length > 0) releaseFreeMemory();
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
