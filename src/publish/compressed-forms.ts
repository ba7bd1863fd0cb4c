// The compressed forms of a published text file (issue 22): `feed.xml.br` and `feed.xml.gz` beside
// `feed.xml`, made once per publish so that the server sends them without compressing per request
// (and nginx's gzip_static/brotli_static could too). The server serves a form only while it
// decompresses to the plain file's bytes (served-files.ts), so a form never pairs with another
// version of its file, whatever the order a writer (or a crash) leaves them in.

import { stat, unlink } from 'node:fs/promises';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { VeilleError } from '../domain/errors.js';
import { writeFileAtomic } from './atomic-write.js';
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
  await writeCompressedForms(path, relativePath, data);
  await writeFileAtomic(path, data);
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
