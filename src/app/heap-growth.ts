// How far V8 lets the heap grow past its live size before the next full collection. With the
// default 4 GB limit it allows four times the live size: a 200-feed cycle's heap reached 185 MB for
// 27 MB of live objects, and a worker kept that resident between cycles (issue 15).
import { setFlagsFromString } from 'node:v8';

/** The heap grows by this share of its live size at most (V8's --heap-growing-percent): 1.3 times, not 4. */
export const HEAP_GROWING_PERCENT = 30;

let limited = false;

/**
 * Limits the growth for the whole process, its processing threads included: the same CPU for a first
 * cycle of the bench:peers feeds, 254 → 223 MB peak RSS, and a soak's RSS 368 → 222 MB.
 * Set at run time, so that a Node whose V8 lacks the flag still starts (it warns and goes on).
 */
export function limitHeapGrowth(): void {
  if (limited) return;
  limited = true;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
