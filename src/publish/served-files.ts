// What the server knows of the files it serves, held in memory (issue 22): per file its
// Last-Modified and headers, per representation (plain, brotli, gzip) its ETag, its length and, for
// small files, its bytes; so a request costs no hash, and a 304 no read. A file is read again when
// its stat (and its forms' stats) changed, looked at no more than once per `recheckMs`, or at once
// when the server is told of a publish (clear).

import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { COMPRESSED_FORMS, type ContentCoding } from './compressed-forms.js';
import type { Coding } from './content-negotiation.js';

export interface Representation {
  readonly coding: Coding;
  readonly etag: string;
  readonly size: number;
  /** The bytes, or null for a file too large to hold: read from `path` per request. */
  readonly body: Buffer | null;
  /** The real path, and what its stat said when it was read (a large file is served only while it holds). */
  readonly path: string;
  readonly ino: number;
  readonly mtimeMs: number;
  /** The headers of a 200 answer (with Content-Length and Content-Encoding), and of a 304. */
  readonly fullHeaders: Readonly<Record<string, string>>;
  readonly notModifiedHeaders: Readonly<Record<string, string>>;
  /**
   * A 304's headers to an HTTP/1.0 request that asks to keep the connection (ab, old readers):
   * said in `Connection`, as nginx does, since Node would close a 1.0 connection after an answer
   * with no length.
   */
  readonly notModifiedKeepAliveHeaders: Readonly<Record<string, string>>;
}

export interface ServedFile {
  readonly lastModified: string;
  readonly modifiedMs: number;
  readonly plain: Representation;
  /** The compressed forms that decompress to the plain file's bytes, best first. */
  readonly forms: readonly Representation[];
  readonly codings: readonly ContentCoding[];
}

export interface FileTableOptions {
  readonly root: string;
  /** How long a file is trusted unchanged before its stat is looked at again. */
  readonly recheckMs: number;
  /** The headers every answer of this file carries (Content-Type, Cache-Control, CSP…). */
  readonly headersOf: (relativePath: string) => Readonly<Record<string, string>>;
}

export interface FileTable {
  /** The file while it is known unchanged; undefined when it must be loaded. */
  fresh(relativePath: string, now: number): ServedFile | undefined;
  /** Reads the file and its forms; null when there is no such file inside the folder. */
  load(relativePath: string): Promise<ServedFile | null>;
  forget(relativePath: string): void;
  clear(): void;
}

/** Files up to this size are held in memory, up to HELD_BUDGET in all; larger ones are read per request. */
const SMALL_FILE = 1024 * 1024;
const HELD_BUDGET = 64 * 1024 * 1024;
/** More files than this (a folder of many digests) and the table starts again from empty. */
const MAX_ENTRIES = 4096;

interface Entry {
  readonly file: ServedFile;
  readonly path: string;
  readonly key: string;
  readonly held: number;
  checkedAt: number;
}

interface ReadFile {
  readonly real: string;
  readonly bytes: Buffer;
  readonly ino: number;
  readonly mtimeMs: number;
  readonly mtime: Date;
}

const NOT_FOUND = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'ENAMETOOLONG', 'ELOOP']);

export function createFileTable(options: FileTableOptions): FileTable {
  const entries = new Map<string, Entry>();
  const loading = new Map<string, Promise<ServedFile | null>>();
  let held = 0;

  function drop(relativePath: string): void {
    const entry = entries.get(relativePath);
    if (entry === undefined) return;
    held -= entry.held;
    entries.delete(relativePath);
  }

  async function build(relativePath: string): Promise<ServedFile | null> {
    const path = join(options.root, ...relativePath.split('/'));
    // Taken before reading: a file replaced meanwhile differs from it at the next check, and is read again.
    const key = statKey(path);
    const realRoot = await realRootOf(options.root);
    // A folder not published yet holds no file.
    if (realRoot === null) return null;
    const plain = await readInside(path, realRoot);
    if (plain === null) return null;
    const hash = createHash('sha256').update(plain.bytes).digest('base64url').slice(0, 27);
    const forms: ReadFile[] = [];
    const codings: ContentCoding[] = [];
    for (const { coding, suffix } of COMPRESSED_FORMS) {
      const form = await readInside(path + suffix, realRoot);
      // A form that is not this version of the file (a publish half-way, a file edited by hand) is not served.
      if (form === null || !decompressesTo(coding, form.bytes, plain.bytes)) continue;
      forms.push(form);
      codings.push(coding);
    }
    const base = {
      ...options.headersOf(relativePath),
      'Last-Modified': plain.mtime.toUTCString(),
      Vary: 'Accept-Encoding',
      'X-Content-Type-Options': 'nosniff',
    };
    let bytesHeld = 0;
    const represent = (coding: Coding, etag: string, read: ReadFile): Representation => {
      const keep = read.bytes.length <= SMALL_FILE && held + bytesHeld + read.bytes.length <= HELD_BUDGET;
      if (keep) bytesHeld += read.bytes.length;
      const encoding: Record<string, string> = coding === 'identity' ? {} : { 'Content-Encoding': coding };
      return {
        coding,
        etag,
        size: read.bytes.length,
        body: keep ? read.bytes : null,
        path: read.real,
        ino: read.ino,
        mtimeMs: read.mtimeMs,
        fullHeaders: { ...base, ETag: etag, 'Accept-Ranges': 'bytes', ...encoding, 'Content-Length': String(read.bytes.length) },
        notModifiedHeaders: { ...base, ETag: etag },
        notModifiedKeepAliveHeaders: { ...base, ETag: etag, Connection: 'keep-alive' },
      };
    };
    const file: ServedFile = {
      lastModified: base['Last-Modified'],
      modifiedMs: plain.mtimeMs,
      plain: represent('identity', `"${hash}"`, plain),
      forms: forms.map((form, index) => {
        const coding = codings[index] ?? 'gzip';
        return represent(coding, `"${hash}-${coding === 'gzip' ? 'gz' : coding}"`, form);
      }),
      codings,
    };
    drop(relativePath);
    if (entries.size >= MAX_ENTRIES) {
      entries.clear();
      held = 0;
    }
    entries.set(relativePath, { file, path, key, held: bytesHeld, checkedAt: Date.now() });
    held += bytesHeld;
    return file;
  }

  return {
    fresh(relativePath, now) {
      const entry = entries.get(relativePath);
      if (entry === undefined) return undefined;
      if (now - entry.checkedAt < options.recheckMs) return entry.file;
      if (statKey(entry.path) !== entry.key) {
        drop(relativePath);
        return undefined;
      }
      entry.checkedAt = now;
      return entry.file;
    },
    load(relativePath) {
      const pending = loading.get(relativePath);
      if (pending !== undefined) return pending;
      const promise = build(relativePath).finally(() => loading.delete(relativePath));
      loading.set(relativePath, promise);
      return promise;
    },
    forget: drop,
    clear() {
      entries.clear();
      held = 0;
    },
  };
}

/** The identity of a file and of its forms, as stat sees them (following links): any change shows. */
function statKey(path: string): string {
  let key = '';
  for (const candidate of [path, ...COMPRESSED_FORMS.map(({ suffix }) => path + suffix)]) {
    try {
      const info = statSync(candidate, { throwIfNoEntry: false });
      key += info === undefined ? '-|' : `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}|`;
    } catch {
      key += 'x|';
    }
  }
  return key;
}

/** The folder's real path, or null while it does not exist. */
async function realRootOf(root: string): Promise<string | null> {
  try {
    return await realpath(root);
  } catch (error) {
    if (NOT_FOUND.has((error as NodeJS.ErrnoException).code ?? '')) return null;
    throw error;
  }
}

/** The file's bytes and stat, or null when it is missing, not a regular file, or (through a link) outside the folder. */
async function readInside(path: string, realRoot: string): Promise<ReadFile | null> {
  try {
    const real = await realpath(path);
    if (!real.startsWith(realRoot + sep)) return null;
    const handle = await open(real, 'r');
    try {
      const info = await handle.stat();
      if (!info.isFile()) return null;
      const bytes = await handle.readFile();
      return { real, bytes, ino: info.ino, mtimeMs: info.mtimeMs, mtime: info.mtime };
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (NOT_FOUND.has((error as NodeJS.ErrnoException).code ?? '')) return null;
    throw error;
  }
}

/** True when `form` decompresses to exactly `plain` (bounded: a longer output stops early). */
function decompressesTo(coding: ContentCoding, form: Buffer, plain: Buffer): boolean {
  try {
    const limit = { maxOutputLength: plain.length + 1 };
    const output = coding === 'br' ? brotliDecompressSync(form, limit) : gunzipSync(form, limit);
    return output.equals(plain);
  } catch {
    return false;
  }
}
