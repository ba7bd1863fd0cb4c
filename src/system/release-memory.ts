// Gives the C allocator's free pages back to the system (issue 15: the soak's resident memory),
// through malloc_trim(3), reached by SQLite's extension loader: see releaseFreeMemory.
import { isMainThread } from 'node:worker_threads';
import { lazyPackage } from './lazy-package.js';

interface ExtensionLoader {
  loadExtension(file: string, entryPoint: string): unknown;
  close(): unknown;
}

const sqlite = lazyPackage<new (file: string) => ExtensionLoader>('better-sqlite3');

/** SQLite's message when the function ran and answered non-zero: here, malloc_trim released memory. */
const RELEASED = /^error during initialization/;

let usable: boolean | null = null;

/** Whether this process runs on glibc, as its diagnostic report tells (Linux with glibc only). */
export function onGlibc(): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const header = (process.report.getReport() as { header?: { glibcVersionRuntime?: unknown } }).header;
    return typeof header?.glibcVersionRuntime === 'string';
  } catch {
    return false;
  }
}

/**
 * Returns the allocator's free pages to the system; whether it could (false: not glibc, or not from
 * the main thread, where better-sqlite3 is loaded already). Costs about a millisecond; the pages are
 * faulted in again, zeroed, when the next cycle allocates.
 *
 * glibc keeps the memory a cycle freed (bodies, messages between threads, SQLite's pages, V8's
 * compiler zones) in its arenas: it returns only the top of an arena, and a first import leaves its
 * free chunks spread between live ones (28–43 MB of the main arena after a soak cycle). malloc_trim
 * gives back every free page inside every arena. Node has no binding for it and veille builds no
 * native code, so it is called through SQLite's extension loader, which better-sqlite3 ships:
 * sqlite3_load_extension opens a shared library and calls the named function with (db, &error,
 * api). malloc_trim(size_t pad) takes the first as its pad: only the top of the main arena is then
 * kept (free trims it past M_TRIM_THRESHOLD anyway). The extra arguments are ignored, as the C
 * calling conventions of every platform Node runs on let a callee do. SQLite reads malloc_trim's
 * answer (1: memory released) as an initialization error, and closes the library. Only where the
 * process runs on glibc (its report says which; musl's compatibility shims are not glibc); where the
 * call cannot be made, it is not tried again.
 */
export function releaseFreeMemory(): boolean {
  usable ??= isMainThread && onGlibc();
  if (!usable) return false;
  let db: ExtensionLoader | null = null;
  try {
    db = new (sqlite())(':memory:');
    db.loadExtension('libc.so.6', 'malloc_trim');
  } catch (error) {
    // Anything but malloc_trim's own non-zero answer: the library or the symbol is missing.
    if (!(error instanceof Error && RELEASED.test(error.message))) usable = false;
  } finally {
    db?.close();
  }
  return usable;
}
