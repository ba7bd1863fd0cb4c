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
