// Process-wide V8 settings, applied by the entry points before the rest of veille is loaded.
import { setFlagsFromString } from 'node:v8';

/**
 * A cycle allocates many short-lived strings and objects; V8's default young generation lets
 * them pile up to tens of megabytes per semi-space before a scavenge. 4 MB semi-spaces keep the
 * peak resident memory of a 200-feed cycle about 25 MB lower for no measurable time.
 */
export function tuneRuntime(): void {
  setFlagsFromString('--max-semi-space-size=4');
}
