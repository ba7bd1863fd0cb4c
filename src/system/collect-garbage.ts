// A full garbage collection on request (issue 15): for the worker between two cycles, and after a
// large grouping, before the publish step. V8 collects its old generation only when it has grown
// well past the live size, so after a cycle the heap (and the resident memory under it) stays as
// large as the cycle made it until the next one allocates enough. node exposes `gc` with
// --expose-gc only; the flag is set for the one context that takes the function, then unset, so no
// other script sees a global `gc`.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | null = null;

/** Collects this thread's garbage now (a full, synchronous collection: tens of ms after a cycle). */
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
}
