// Atomic replacement: readers see the old file or the new one, never a part; failures leave
// the old file and no temporary file. Disk errors are injected at the fs boundary (tests run
// as root, where permissions do not stop a write).

import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isVeilleError } from '../../src/domain/errors.js';

const faults = vi.hoisted(() => ({ rename: null as NodeJS.ErrnoException | null, writeAfterBytes: null as number | null }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...fs,
    rename: async (from: string, to: string) => {
      if (faults.rename !== null) throw faults.rename;
      return fs.rename(from, to);
    },
    // A handle whose write stops half-way with "no space left on device".
    open: async (...args: Parameters<typeof fs.open>) => {
      const handle = await fs.open(...args);
      const limit = faults.writeAfterBytes;
      if (limit === null) return handle;
      return Object.assign(Object.create(handle) as typeof handle, {
        writeFile: async (data: string | Uint8Array) => {
          await handle.write(Buffer.from(data).subarray(0, limit));
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        },
        sync: () => handle.sync(),
        close: () => handle.close(),
      });
    },
  };
});

const { removeStaleTemporaries, stageFile, writeFileAtomic } = await import('../../src/publish/atomic-write.js');

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'veille-atomic-'));
  faults.rename = null;
  faults.writeAfterBytes = null;
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function expectPublishFailed(promise: Promise<unknown>, path: string, reason: RegExp): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isVeilleError(error, 'PUBLISH_FAILED')).toBe(true);
  expect((error as Error).message.startsWith(`publish: cannot write ${path}: `)).toBe(true);
  expect((error as Error).message).toMatch(reason);
}

describe('writeFileAtomic', () => {
  it('writes a new file, creating parent folders', async () => {
    const path = join(dir, 'themes', 'deep', 'feed.xml');
    await writeFileAtomic(path, '<rss/>');
    expect(await readFile(path, 'utf8')).toBe('<rss/>');
  });

  it('replaces an existing file and leaves no temporary file', async () => {
    const path = join(dir, 'feed.xml');
    await writeFile(path, 'old');
    await writeFileAtomic(path, new TextEncoder().encode('new'));
    expect(await readFile(path, 'utf8')).toBe('new');
    expect(await readdir(dir)).toEqual(['feed.xml']);
  });

  it.each([
    ['the disk fills up during the write', () => (faults.writeAfterBytes = 3), /ENOSPC/],
    ['the rename fails', () => (faults.rename = Object.assign(new Error('EXDEV: cross-device link'), { code: 'EXDEV' })), /EXDEV/],
  ])('keeps the old file when %s', async (_name, inject, reason) => {
    const path = join(dir, 'feed.xml');
    await writeFile(path, 'old content');
    inject();
    await expectPublishFailed(writeFileAtomic(path, 'new content that will not fit'), path, reason);
    expect(await readFile(path, 'utf8')).toBe('old content');
    expect(await readdir(dir)).toEqual(['feed.xml']);
  });

  it('fails when the target is a folder, and cleans up', async () => {
    const path = join(dir, 'feed.xml');
    await mkdir(path);
    await writeFile(join(path, 'keep'), 'x');
    await expectPublishFailed(writeFileAtomic(path, 'data'), path, /EISDIR|ENOTEMPTY|EEXIST/);
    expect(await readdir(dir)).toEqual(['feed.xml']);
    expect(await readdir(path)).toEqual(['keep']);
  });

  it('fails when a parent is a file', async () => {
    await writeFile(join(dir, 'themes'), 'not a folder');
    const path = join(dir, 'themes', 'a.xml');
    await expectPublishFailed(writeFileAtomic(path, 'data'), path, /ENOTDIR|EEXIST/);
  });
});

describe('stageFile', () => {
  it('leaves the target as it was until commit, then replaces it', async () => {
    const path = join(dir, 'feed.xml');
    await writeFile(path, 'old');
    const staged = await stageFile(path, 'new');
    expect(await readFile(path, 'utf8')).toBe('old');
    await staged.commit();
    expect(await readFile(path, 'utf8')).toBe('new');
    expect(await readdir(dir)).toEqual(['feed.xml']);
  });

  it('leaves no temporary file and the old file when discarded', async () => {
    const path = join(dir, 'feed.xml');
    await writeFile(path, 'old');
    const staged = await stageFile(path, 'new');
    await staged.discard();
    await staged.commit();
    expect(await readFile(path, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['feed.xml']);
  });

  it('keeps the old file and removes the temporary one when the rename fails', async () => {
    const path = join(dir, 'feed.xml');
    await writeFile(path, 'old');
    const staged = await stageFile(path, 'new');
    faults.rename = Object.assign(new Error('EXDEV: cross-device link'), { code: 'EXDEV' });
    await expectPublishFailed(staged.commit(), path, /EXDEV/);
    expect(await readFile(path, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['feed.xml']);
  });
});

describe('removeStaleTemporaries', () => {
  it('removes the temporary files of a writer that is gone, and nothing else', async () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid; // exited: its pid is free
    const names = {
      stale: `.feed.xml.${gone}.0123456789ab.tmp`,
      ours: `.atom.xml.${process.pid}.0123456789ab.tmp`,
      dotfile: '.secret',
      feed: 'feed.xml',
      notOurs: `.feed.xml.${gone}.short.tmp`,
    };
    for (const name of Object.values(names)) await writeFile(join(dir, name), 'x');
    expect(await removeStaleTemporaries(dir)).toEqual([names.stale]);
    expect((await readdir(dir)).sort()).toEqual([names.ours, names.dotfile, names.notOurs, names.feed].sort());
  });

  it('finds nothing in a folder that does not exist', async () => {
    expect(await removeStaleTemporaries(join(dir, 'missing'))).toEqual([]);
  });
});
