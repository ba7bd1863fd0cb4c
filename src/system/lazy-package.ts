// A package loaded on its first use (issue 15): a one-shot run that never needs it (every feed
// answered 304, no OPML read) never pays for loading it. Packages that ship ES modules are
// require()d, which Node ≥ 20.19 does synchronously, so their callers stay synchronous.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** A function giving the package `specifier` (its entry as `import` resolves it), loaded by the first call. */
export function lazyPackage<T>(specifier: string): () => T {
  let loaded: { readonly module: T } | null = null;
  return () => (loaded ??= { module: require(fileURLToPath(import.meta.resolve(specifier))) as T }).module;
}
