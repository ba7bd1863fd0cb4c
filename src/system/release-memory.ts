// Gives the C allocator's free pages back to the system (issue 15: the soak's resident memory).
// glibc keeps the memory a cycle freed (bodies, messages between threads, SQLite's pages, V8's
// compiler zones) in its arenas for good: it returns only the top of an arena, and a first import
// leaves its free chunks spread between live ones (28–43 MB of the main arena after a soak cycle).
// malloc_trim(3) gives back every free page inside the arenas, all of them, in about a millisecond.
// Node has no binding for it and veille builds no native code of its own, so it is called through
// SQLite's extension loader, which better-sqlite3 already ships: sqlite3_load_extension opens a
// shared library and calls the named function with (db, &error, api). malloc_trim(size_t pad) takes
// the first of those as its pad: only the top of the main arena is then kept (it is trimmed by free
// itself past M_TRIM_THRESHOLD), every free page within the arenas is released. The extra arguments
// are ignored, as the C calling conventions of every platform Node runs on let a callee do. SQLite
// reads malloc_trim's answer (1: memory released) as an initialization error, and closes the library.
// libc.so.6 is glibc's name (musl has none): elsewhere, or where the call cannot be made, nothing is
// done, and it is not tried again.
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

/**
 * Returns the allocator's free pages to the system; whether it could (false: not glibc, or not from
 * the main thread, where better-sqlite3 is loaded already). Costs about a millisecond; the pages are
 * faulted in again, zeroed, when the next cycle allocates.
 */
export function releaseFreeMemory(): boolean {
  usable ??= isMainThread && process.platform === 'linux';
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
