// Writes a file so that readers see either the old content or the new, never half of it:
// a temporary file in the same folder, fsync, then rename over the target (atomic on POSIX).

import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { VeilleError } from '../domain/errors.js';
import { isProcessAlive } from '../system/process-alive.js';

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Flushes the folder entry so the rename survives a power loss; not every platform allows it. */
async function syncDirectory(path: string): Promise<void> {
  try {
    const handle = await open(path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Best effort: the data itself is already on disk.
  }
}

/**
 * Replaces `path` atomically, creating missing parent folders. On failure the previous file is
 * untouched, the temporary file is removed, and a VeilleError('PUBLISH_FAILED') is thrown.
 * `mode`: the new file's permissions (default 0644 less the umask). `durable: false` skips the
 * fsyncs, for a file whose loss in a power cut costs nothing (a compressed form: the server checks it).
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: { mode?: number | undefined; durable?: boolean } = {},
): Promise<void> {
  const staged = await stageFile(path, data, options);
  await staged.commit();
  if (options.durable ?? true) await syncDirectory(dirname(path));
}

/** A file written in full under a temporary name beside its target, not yet in its place. */
export interface StagedFile {
  /** Renames it over its target: readers see the old file or the new one. */
  commit(): Promise<void>;
  /** Removes the temporary file, when it is not to be committed. */
  discard(): Promise<void>;
}

/**
 * The first half of writeFileAtomic: the temporary file written (and, durable, synced); `commit`
 * puts it in place, and the caller syncs its folder then (syncFolders), once for all the files it
 * put there. Many files are staged at once and committed in the order their readers need (a
 * publish, compressed-forms.ts: writeChangedFiles).
 * Fails as writeFileAtomic does, with no temporary file left.
 */
export async function stageFile(
  path: string,
  data: string | Uint8Array,
  options: { mode?: number | undefined; durable?: boolean } = {},
): Promise<StagedFile> {
  const durable = options.durable ?? true;
  const folder = dirname(path);
  // A dotfile, so the HTTP server never serves a half-written temporary file.
  const temporary = join(folder, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  // (TEMPORARY_NAME below must keep matching this name.)
  let created = false;
  try {
    await mkdir(folder, { recursive: true });
    const handle = await open(temporary, 'wx', options.mode ?? 0o644);
    created = true;
    try {
      if (options.mode !== undefined) await handle.chmod(options.mode);
      await handle.writeFile(data);
      if (durable) await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (created) await unlink(temporary).catch(() => undefined);
    throw new VeilleError('PUBLISH_FAILED', `publish: cannot write ${path}: ${reasonOf(error)}`, { cause: error });
  }
  let pending = true;
  return {
    async commit() {
      if (!pending) return;
      pending = false;
      try {
        await rename(temporary, path);
      } catch (error) {
        await unlink(temporary).catch(() => undefined);
        throw new VeilleError('PUBLISH_FAILED', `publish: cannot write ${path}: ${reasonOf(error)}`, { cause: error });
      }
    },
    async discard() {
      if (!pending) return;
      pending = false;
      await unlink(temporary).catch(() => undefined);
    },
  };
}

/** Flushes the entries of these folders (each once), after renames into them: see syncDirectory. */
export async function syncFolders(folders: Iterable<string>): Promise<void> {
  await Promise.all([...new Set(folders)].map(syncDirectory));
}

/** The temporary name writeFileAtomic uses; the number is the writer's pid. */
const TEMPORARY_NAME = /^\.[^/]+\.(\d+)\.[0-9a-f]{12}\.tmp$/;

/**
 * Removes the temporary files that a writer killed between open and rename (SIGKILL, power loss)
 * left in `folder`: they are never served (dotfiles) but would pile up crash after crash. Only
 * files whose writer is gone are removed; returns their names. A missing folder has none.
 */
export async function removeStaleTemporaries(folder: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = Number(TEMPORARY_NAME.exec(name)?.[1] ?? Number.NaN);
    if (Number.isNaN(pid) || isProcessAlive(pid)) continue;
    try {
      await unlink(join(folder, name));
      removed.push(name);
    } catch {
      // Gone already, or not ours to remove: it stays harmless.
    }
  }
  return removed;
}
