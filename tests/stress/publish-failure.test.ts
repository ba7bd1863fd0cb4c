// Issue 7, a full disk or a read-only publish folder: `veille run` exits 1 with a clear
// PUBLISH_FAILED message naming the file and the reason, every previously published file stays
// byte for byte, no temporary file is left, and once space is back the next run publishes.
// The real thing needs a filesystem of our own: a 1 MiB tmpfs (root with mount rights, as on CI).
// Without mount rights the read-only case falls back to a folder without write permission (not as root).

import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempProject, type TempProject } from '../helpers/cli.js';
import { rssFeed, serveBody, startFeedServer, type FeedServer } from '../helpers/feed-server.js';
import { IS_BUILT, runVeille } from './processes.js';

const ENV = { VEILLE_NOW: '2026-11-26T08:00:00Z' };

function tryMount(args: string[]): boolean {
  try {
    execFileSync('mount', args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function unmount(dir: string): void {
  try {
    execFileSync('umount', [dir], { stdio: 'ignore' });
  } catch {
    // not mounted
  }
}

/** Every file under `dir` (dotfiles included) with its bytes. */
/**
 * The plain files: what a reader gets, whatever encoding it accepts. A compressed form written
 * before a publish failed does not decompress to its plain file, so the server never serves it
 * (issue 22, tests/publish/server-encoding.test.ts); the reader gets the plain file or another form.
 */
function plainFiles(dir: string): Map<string, Buffer> {
  return new Map([...snapshot(dir)].filter(([name]) => !/\.(br|gz)$/.test(name)));
}

function snapshot(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path));
    }
  };
  walk(dir);
  return files;
}

function feedOf(count: number, bodyBytes: number): string {
  return rssFeed(
    'Big',
    Array.from({ length: count }, (_, n) => ({
      title: `Item ${n}`,
      link: `https://big.example/${n}`,
      guid: `big-${n}`,
      date: new Date(Date.parse('2026-11-25T08:00:00Z') - n * 60_000).toUTCString(),
      description: `<p>${`mot${n} `.repeat(Math.ceil(bodyBytes / 6))}</p>`,
    })),
  );
}

describe.runIf(IS_BUILT)('publishing into a folder that cannot take the files', () => {
  let feeds: FeedServer;
  let project: TempProject;
  let publicDir: string;
  let tmpfs = false;

  beforeAll(async () => {
    feeds = await startFeedServer({ '/feed.xml': serveBody(feedOf(3, 200), 'application/rss+xml') });
    project = makeTempProject();
    publicDir = join(project.dir, 'public');
    mkdirSync(publicDir);
    tmpfs = tryMount(['-t', 'tmpfs', '-o', 'size=1m,mode=0755', 'veille-stress', publicDir]);
    project.writeConfig(`sources:\n  - { url: "${feeds.base}/feed.xml", name: Big }\nfetch: { perHostDelayMs: 0 }`);
    const first = await runVeille(['run', '--config', project.configFile], ENV);
    expect(first, first.stderr).toMatchObject({ code: 0 });
  });

  afterAll(async () => {
    if (tmpfs) unmount(publicDir);
    else chmodSync(publicDir, 0o755);
    await feeds?.close();
    project?.cleanup();
  });

  it('read-only: exit 1, PUBLISH_FAILED naming the file, previous files unchanged', async (context) => {
    // Without a tmpfs of our own, permissions stand in for read-only, but they do not stop root.
    if (!tmpfs && process.getuid?.() === 0) context.skip();
    const before = plainFiles(publicDir);
    expect(before.has('feed.xml')).toBe(true);
    if (tmpfs) expect(tryMount(['-o', 'remount,ro', publicDir])).toBe(true);
    else chmodSync(publicDir, 0o555); // stops writes only when not root
    // Something new to publish: a cycle with nothing new writes no file (issue 15), so it could not fail.
    feeds.setRoute('/feed.xml', serveBody(feedOf(4, 200), 'application/rss+xml'));
    try {
      const run = await runVeille(['run', '--force', '--config', project.configFile], ENV);
      expect(run.code).toBe(1);
      // The compressed forms are written first (issue 22): the message may name feed.xml.br.
      expect(run.stderr).toMatch(/veille: publish: cannot write \S+public\/feed\.xml(\.br|\.gz)?: (EROFS: read-only file system|EACCES: permission denied)/);
      expect(plainFiles(publicDir)).toEqual(before);
      console.log(`read-only publish folder (${tmpfs ? 'tmpfs remounted ro' : 'chmod 555'}): ${run.stderr.trim().split('\n').at(-1)}`);
    } finally {
      if (tmpfs) tryMount(['-o', 'remount,rw', publicDir]);
      else chmodSync(publicDir, 0o755);
    }
  });

  it('disk full: exit 1, PUBLISH_FAILED with ENOSPC, previous files unchanged; with space again the next run publishes', async (context) => {
    if (!tmpfs) context.skip(); // needs a small filesystem of its own (mount -t tmpfs, as root)
    const before = plainFiles(publicDir);
    // 100 items of 20 KB: the new feed.xml alone is bigger than the 1 MiB filesystem.
    feeds.setRoute('/feed.xml', serveBody(feedOf(100, 20_000), 'application/rss+xml'));
    const run = await runVeille(['run', '--force', '--config', project.configFile], ENV);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/veille: publish: cannot write \S+public\/feed\.xml(\.br|\.gz)?: ENOSPC: no space left on device/);
    expect(plainFiles(publicDir)).toEqual(before);
    console.log(`disk full (1 MiB tmpfs): ${run.stderr.trim().split('\n').at(-1)}`);

    // The items were stored: once there is room, the next run publishes them (not due: --force).
    expect(tryMount(['-o', 'remount,size=64m', publicDir])).toBe(true);
    const next = await runVeille(['run', '--force', '--config', project.configFile], ENV);
    expect(next, next.stderr).toMatchObject({ code: 0 });
    const feed = JSON.parse(readFileSync(join(publicDir, 'feed.json'), 'utf8')) as { items: unknown[] };
    expect(feed.items).toHaveLength(100);
  });
});
