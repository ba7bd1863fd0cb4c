// The compressed forms a publish writes beside each text file (issue 22): they decompress to the
// file, they are left out when they would not shrink it, and a stale one never outlives a rewrite.

import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeWithCompressedForms } from '../../src/publish/compressed-forms.js';
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
