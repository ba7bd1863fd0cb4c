// A full garbage collection on request (issue 15): for the worker between two cycles, and after a
// large grouping, before the publish step. V8 collects its old generation only when it has grown
// well past the live size, so after a cycle the heap (and the resident memory under it) stays as
// large as the cycle made it until the next one allocates enough. node exposes `gc` with
// --expose-gc only; the flag is set for the one context that takes the function, then unset, so no
// other script sees a global `gc`. On the main thread the C allocator's free pages then go back to
// the system too (release-memory.ts): what V8 freed includes the backing stores of buffers.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { releaseFreeMemory } from './release-memory.js';

let collect: (() => void) | null = null;

/**
 * Collects this thread's garbage now (a full, synchronous collection: tens of ms after a cycle); on
 * the main thread, then returns the allocator's free pages (about a millisecond).
 */
export function collectGarbage(): void {
  if (collect === null) {
    setFlagsFromString('--expose-gc');
    try {
      collect = runInNewContext('gc') as () => void;
    } finally {
      setFlagsFromString('--no-expose-gc');
    }
  }
  collect();
  releaseFreeMemory();
}

/** The inspector's module, or null where node was built without it (then: collectGarbage). */
let inspector: Promise<typeof import('node:inspector') | null> | null = null;

/**
 * Collects this thread's garbage and gives back what V8 keeps for the next allocations, as V8's
 * memory reducer does once a thread has allocated little for about 8 s (issue 15: the soak's
 * resident memory between cycles). `gc()` (collectGarbage) is an ordinary full collection: it
 * leaves the new space at its largest (2 × --max-semi-space-size, 8 MB in each thread), and the old
 * space's sparse pages and V8's pool of freed pages resident. A memory-reducing one also shrinks
 * the new space to its starting size, evacuates sparse pages and frees the pool: after a soak cycle
 * 138 → 111 MB, as low as 20 s idle gave, for about 70 ms of CPU in the two threads. node exposes
 * it through the inspector only: HeapProfiler.collectGarbage calls V8's LowMemoryNotification (two
 * or more full collections, until one frees nothing), on this thread's own inspector, in a session
 * connected for the call and no debugger needed. Resolves once it has run; on the main thread the
 * allocator's free pages then go back to the system too.
 */
export async function reduceMemory(): Promise<void> {
  inspector ??= import('node:inspector').catch(() => null);
  const loaded = await inspector;
  if (loaded === null) {
    collectGarbage();
    return;
  }
  const session = new loaded.Session();
  try {
    session.connect();
    await new Promise<void>((resolve, reject) => session.post('HeapProfiler.collectGarbage', (error) => (error === null ? resolve() : reject(error))));
  } catch {
    // An inspector that refuses: the ordinary collection.
    collectGarbage();
  } finally {
    session.disconnect();
  }
  releaseFreeMemory();
}
