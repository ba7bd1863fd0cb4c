// A package loaded on its first use (issue 15): a one-shot run that never needs it (every feed
// answered 304, no OPML read) never pays for loading it. Packages that ship ES modules are
// require()d, which Node ≥ 20.19 does synchronously, so their callers stay synchronous.
import { createRequire } from 'node:module';
import type * as Zod from 'zod';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** A function giving the package `specifier` (its entry as `import` resolves it), loaded by the first call. */
export function lazyPackage<T>(specifier: string): () => T {
  let loaded: { readonly module: T } | null = null;
  return () => (loaded ??= { module: require(fileURLToPath(import.meta.resolve(specifier))) as T }).module;
}

/** zod, loaded by the first schema built (lazySchema). */
const zod = lazyPackage<typeof Zod>('zod');

/**
 * A zod schema built by the first call, zod loaded then (issue 15): a run that validates nothing (it
 * reads the config and themes kept in the data folder) never loads zod's 95 modules, about 60 ms of a
 * one-shot `veille run` on Node 20 (`import('zod')` alone, three runs, 57 to 60 ms).
 */
export function lazySchema<S>(build: (z: typeof Zod.z) => S): () => S {
  let built: { readonly schema: S } | null = null;
  return () => (built ??= { schema: build(zod().z) }).schema;
}
