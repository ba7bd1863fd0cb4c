// The compressed forms a publish writes beside each text file (issue 22): they decompress to the
// file, they are left out when they would not shrink it, and a stale one never outlives a rewrite.

import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeChangedFiles, writeWithCompressedForms } from '../../src/publish/compressed-forms.js';
import { isVeilleError } from '../../src/domain/errors.js';
import { publishSite } from '../../src/publish/publish-site.js';
import { sampleSnapshot } from './sample-site.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'veille-forms-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

describe('publishSite', () => {
  it('writes a brotli and a gzip form of each text file, each decompressing to the file', async () => {
    const { files } = await publishSite(dir, sampleSnapshot());
    for (const path of files) {
      const plain = await readFile(join(dir, path));
      expect(brotliDecompressSync(await readFile(join(dir, `${path}.br`))).equals(plain), `${path}.br`).toBe(true);
      expect(gunzipSync(await readFile(join(dir, `${path}.gz`))).equals(plain), `${path}.gz`).toBe(true);
    }
  });

  it('adds the forms of a site published without them, and leaves its files as they were', async () => {
    await publishSite(dir, sampleSnapshot());
    for (const name of await readdir(dir)) if (name.endsWith('.br') || name.endsWith('.gz')) await rm(join(dir, name));
    const before = (await stat(join(dir, 'feed.xml'))).mtimeMs;
    const { files } = await publishSite(dir, { ...sampleSnapshot(), lastChangedAt: null });
    expect(files).toEqual([]);
    expect((await stat(join(dir, 'feed.xml'))).mtimeMs).toBe(before);
    expect(await exists(join(dir, 'feed.xml.gz'))).toBe(true);
    expect(await exists(join(dir, 'feed.xml.br'))).toBe(true);
  });
});

describe('writeWithCompressedForms', () => {
  it('writes no form of a file too small to shrink', async () => {
    await writeWithCompressedForms(join(dir, 'tiny.txt'), 'tiny.txt', 'ok');
    expect((await readdir(dir)).sort()).toEqual(['tiny.txt']);
  });

  it('writes no form of a file that is not text (an image)', async () => {
    await writeWithCompressedForms(join(dir, 'logo.png'), 'logo.png', Buffer.alloc(4096));
    expect(await readdir(dir)).toEqual(['logo.png']);
  });

  it('removes the forms of an earlier version when the new one does not shrink', async () => {
    const path = join(dir, 'feed.xml');
    await writeWithCompressedForms(path, 'feed.xml', '<rss>'.padEnd(4000, 'a'));
    expect(await exists(`${path}.gz`)).toBe(true);
    // Random bytes do not compress: the earlier forms would decompress to another file.
    const noise = Buffer.from(Array.from({ length: 4000 }, (_, index) => (index * 7919 + ((index * index) % 251)) % 256));
    await writeWithCompressedForms(path, 'feed.xml', noise);
    expect(await exists(`${path}.gz`)).toBe(false);
    expect(await exists(`${path}.br`)).toBe(false);
  });
});

describe('writeChangedFiles', () => {
  const feed = (title: string) => `<rss><channel><title>${title}</title>${'<item><title>news</title></item>'.repeat(20)}</channel></rss>`;

  it('writes the changed files with their forms, in order, and leaves an unchanged file as it was', async () => {
    await writeChangedFiles(dir, [['feed.xml', feed('one')]]);
    const before = (await stat(join(dir, 'feed.xml'))).mtimeMs;
    const files: Array<[string, string]> = [
      ['themes/a.xml', feed('a')],
      ['feed.xml', feed('one')],
      ['index.html', `<p>${'page '.repeat(100)}</p>`],
    ];
    expect(await writeChangedFiles(dir, files)).toEqual(['themes/a.xml', 'index.html']);
    expect((await stat(join(dir, 'feed.xml'))).mtimeMs).toBe(before);
    for (const [path, content] of files) {
      expect(await readFile(join(dir, path), 'utf8')).toBe(content);
      expect(brotliDecompressSync(await readFile(join(dir, `${path}.br`))).toString()).toBe(content);
      expect(gunzipSync(await readFile(join(dir, `${path}.gz`))).toString()).toBe(content);
    }
  });

  // The files are prepared at once, then put in place: a file that cannot be prepared (its folder
  // is a file) fails the publish before any file changes (one after another, those before it were
  // replaced already).
  it('changes no file when one cannot be written, and leaves no temporary file', async () => {
    await writeFile(join(dir, 'feed.xml'), 'previous feed');
    await writeFile(join(dir, 'themes'), 'not a folder');
    const error = await writeChangedFiles(dir, [
      ['feed.xml', feed('new')],
      ['themes/a.xml', feed('a')],
      ['index.html', feed('page')],
    ]).catch((e: unknown) => e);
    expect(isVeilleError(error, 'PUBLISH_FAILED')).toBe(true);
    expect(await readFile(join(dir, 'feed.xml'), 'utf8')).toBe('previous feed');
    expect((await readdir(dir)).sort()).toEqual(['feed.xml', 'themes']);
  });

  it('puts the files before a file that cannot be replaced in place, and not those after it', async () => {
    await writeFile(join(dir, 'index.html'), 'previous page');
    // A folder stands where atom.xml goes: its rename fails.
    await mkdir(join(dir, 'atom.xml'));
    await writeFile(join(dir, 'atom.xml', 'keep'), '');
    const error = await writeChangedFiles(dir, [
      ['feed.xml', feed('new')],
      ['atom.xml', feed('atom')],
      ['index.html', feed('page')],
    ]).catch((e: unknown) => e);
    expect(isVeilleError(error, 'PUBLISH_FAILED')).toBe(true);
    expect(await readFile(join(dir, 'feed.xml'), 'utf8')).toBe(feed('new'));
    expect(await readFile(join(dir, 'index.html'), 'utf8')).toBe('previous page');
    expect((await readdir(dir)).filter((name) => name.startsWith('.'))).toEqual([]);
  });
});
