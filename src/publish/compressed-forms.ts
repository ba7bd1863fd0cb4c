// The compressed forms of a published text file (issue 22): `feed.xml.br` and `feed.xml.gz` beside
// `feed.xml`, made once per publish so that the server sends them without compressing per request
// (and nginx's gzip_static/brotli_static could too). The server serves a form only while it
// decompresses to the plain file's bytes (served-files.ts), so a form never pairs with another
// version of its file, whatever the order a writer (or a crash) leaves them in.

import { readFile, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { VeilleError } from '../domain/errors.js';
import { stageFile, syncFolders, writeFileAtomic, type StagedFile } from './atomic-write.js';
import { isTextFile } from './site-files.js';

export type ContentCoding = 'br' | 'gzip';

/** The compressed forms, best first: the server prefers them in this order at equal weight. */
export const COMPRESSED_FORMS: readonly { readonly coding: ContentCoding; readonly suffix: string }[] = [
  { coding: 'br', suffix: '.br' },
  { coding: 'gzip', suffix: '.gz' },
];

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/**
 * The forms of `data` that are smaller than it. Levels: gzip 9 (a few ms for a 76 KB feed); brotli
 * 6, close to 9's size at a quarter of its time (11 takes ~0.26 s per 76 KB feed, seconds per publish).
 * Both run on libuv's threads, so a server in the same process keeps answering meanwhile.
 */
export async function compressForms(data: Uint8Array): Promise<Map<ContentCoding, Buffer>> {
  const [br, gz] = await Promise.all([
    brotliAsync(data, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 6,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      },
    }),
    gzipAsync(data, { level: 9 }),
  ]);
  const forms = new Map<ContentCoding, Buffer>();
  if (br.length < data.length) forms.set('br', br);
  if (gz.length < data.length) forms.set('gzip', gz);
  return forms;
}

/**
 * Writes `path` (relative `relativePath` names its kind) atomically with its compressed forms: the
 * forms first, then the plain file, so that a form is never newer than the file it belongs to for
 * long; a form that would not shrink the file is removed rather than left stale. Files that are not
 * text (images) are written alone.
 */
export async function writeWithCompressedForms(path: string, relativePath: string, data: string | Uint8Array): Promise<void> {
  const staged = await stageWithCompressedForms(path, relativePath, data);
  await staged.commit();
  await syncFolders([dirname(path)]);
}

/**
 * writeWithCompressedForms up to its renames: the file and its forms are written under temporary
 * names; `commit` puts the forms in place, then the file (the caller syncs the folder).
 */
async function stageWithCompressedForms(path: string, relativePath: string, data: string | Uint8Array): Promise<StagedFile> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const forms = isTextFile(relativePath) ? await compressForms(bytes) : new Map<ContentCoding, Buffer>();
  const staged: StagedFile[] = [];
  const discard = async (): Promise<void> => {
    await Promise.all(staged.map((file) => file.discard()));
  };
  try {
    for (const { coding, suffix } of COMPRESSED_FORMS) {
      const form = forms.get(coding);
      // No fsync: a form a power cut leaves torn does not decompress to its file, so it is not served.
      if (form !== undefined) staged.push(await stageFile(path + suffix, form, { durable: false }));
    }
    staged.push(await stageFile(path, bytes));
  } catch (error) {
    await discard();
    throw error;
  }
  return {
    async commit() {
      try {
        for (const { coding, suffix } of COMPRESSED_FORMS) if (!forms.has(coding)) await removeIfPresent(path + suffix);
        for (const file of staged) await file.commit();
      } catch (error) {
        await discard();
        throw error;
      }
    },
    discard,
  };
}

/**
 * Writes the files of a site (path relative to `dir`, content) whose bytes changed, each with its
 * compressed forms, and adds the forms a file kept as it is lacks; returns the paths written, in
 * order. The files are compressed and written at once, under temporary names (issue 15: one after
 * another, the main thread waited on each file's compressions and fsyncs in turn; at once, a cycle
 * that publishes a 200-feed import's whole site, 29 files, took 1.15 s instead of 1.36, median of 10
 * interleaved runs), then put in place in the order given, so that a page never links to a feed not there yet. A
 * failure leaves the files not yet put in place as they were, and no temporary file.
 */
export async function writeChangedFiles(dir: string, files: ReadonlyArray<readonly [string, string]>): Promise<string[]> {
  const prepared = await mapBounded(files, STAGED_AT_ONCE, async ([path, content]) => {
    const target = join(dir, path);
    if (await fileReads(target, content)) {
      // Published before veille wrote compressed forms: they are added, the file keeps its mtime.
      if (await lacksCompressedForms(target, path, Buffer.byteLength(content))) await writeCompressedForms(target, path, content);
      return null;
    }
    return stageWithCompressedForms(target, path, content);
  });
  const staged = prepared.flatMap((outcome) => (outcome.status === 'fulfilled' && outcome.value !== null ? [outcome.value] : []));
  const failed = prepared.find((outcome) => outcome.status === 'rejected');
  if (failed !== undefined) {
    await Promise.all(staged.map((file) => file.discard()));
    throw failed.reason;
  }
  const written: string[] = [];
  for (const [index, outcome] of prepared.entries()) {
    const file = (outcome as PromiseFulfilledResult<StagedFile | null>).value;
    if (file === null) continue;
    try {
      await file.commit();
    } catch (error) {
      await Promise.all(staged.map((other) => other.discard()));
      throw error;
    }
    written.push((files[index] as readonly [string, string])[0]);
  }
  await syncFolders(written.map((path) => dirname(join(dir, path))));
  return written;
}

/**
 * Files prepared at once: enough to keep libuv's 4 threads busy with compressions and fsyncs, and
 * a bound on the descriptors open for a site of many themes.
 */
const STAGED_AT_ONCE = 8;

/** `task` of each value, at most `limit` at once; every task is settled when this resolves. */
async function mapBounded<T, R>(values: readonly T[], limit: number, task: (value: T) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const settled: PromiseSettledResult<R>[] = new Array(values.length);
  let next = 0;
  const run = async (): Promise<void> => {
    while (next < values.length) {
      const index = next++;
      try {
        settled[index] = { status: 'fulfilled', value: await task(values[index] as T) };
      } catch (reason) {
        settled[index] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, values.length) }, run));
  return settled;
}

/** True when the file at `path` holds exactly `content` (UTF-8); a missing or unreadable file does not. */
export async function fileReads(path: string, content: string): Promise<boolean> {
  const expected = Buffer.from(content, 'utf8');
  try {
    const found = await readFile(path);
    return found.length === expected.length && found.equals(expected);
  } catch {
    return false;
  }
}

/** The compressed forms of `path` alone (for a plain file already in place, e.g. published by an older veille). */
export async function writeCompressedForms(path: string, relativePath: string, data: string | Uint8Array): Promise<void> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const forms = isTextFile(relativePath) ? await compressForms(bytes) : new Map<ContentCoding, Buffer>();
  for (const { coding, suffix } of COMPRESSED_FORMS) {
    const form = forms.get(coding);
    if (form === undefined) await removeIfPresent(path + suffix);
    // No fsync: a form a power cut leaves torn does not decompress to its file, so it is not served.
    else await writeFileAtomic(path + suffix, form, { durable: false });
  }
}

/** True when the file at `path` should have compressed forms and has none (cheap: two stats). */
export async function lacksCompressedForms(path: string, relativePath: string, size: number): Promise<boolean> {
  // Below this, gzip's own header and trailer (18 bytes) eat what it saves: no form is expected.
  if (!isTextFile(relativePath) || size < 256) return false;
  for (const { suffix } of COMPRESSED_FORMS) {
    try {
      await stat(path + suffix);
      return false;
    } catch {
      // Missing: try the next form.
    }
  }
  return true;
}

async function removeIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new VeilleError('PUBLISH_FAILED', `publish: cannot remove ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
