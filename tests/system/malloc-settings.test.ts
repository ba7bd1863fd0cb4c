// How node runs veille (issue 15, memory): the bin's first line, `npm start` and the three systemd
// units give node the same malloc settings and V8 flags, and on glibc those settings give freed
// blocks of 32 KiB and more back to the system. Without MALLOC_MMAP_THRESHOLD_, glibc served them
// from its arena, and a small block still in use between freed ones kept their pages resident
// for good (V8's compiler zones, the sockets' read buffers: the main arena at 37 MB with 11 MB in
// use after a soak's 10th cycle).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const DEPLOY = join(ROOT, 'deploy');

/** The environment words (NAME=VALUE) and node flags of a command line that starts node. */
function nodeLine(line: string): { env: string[]; flags: string[] } {
  const words = line.split(' ').filter((word) => word !== '');
  const node = words.indexOf('node');
  return {
    env: words.slice(0, node).filter((word) => /^[A-Z_]+=/.test(word)),
    // The flags up to the script's path, if any.
    flags: words.slice(node + 1).filter((word, index, after) => after.slice(0, index + 1).every((flag) => flag.startsWith('--'))),
  };
}

const shebang = nodeLine(readFileSync(join(ROOT, 'bin', 'veille.js'), 'utf8').split('\n')[0] ?? '');

describe('how node runs veille', () => {
  it('the bin sets two malloc arenas and a 32 KiB mmap threshold', () => {
    expect(shebang.env).toEqual(['MALLOC_ARENA_MAX=2', 'MALLOC_MMAP_THRESHOLD_=32768']);
  });

  it('npm start gives node the bin’s settings', () => {
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(nodeLine(scripts.start ?? '')).toEqual(shebang);
  });

  it.each(readdirSync(DEPLOY).filter((name) => name.endsWith('.service')))('%s gives node the bin’s settings', (name) => {
    const lines = readFileSync(join(DEPLOY, name), 'utf8').split('\n');
    const env = lines.filter((line) => line.startsWith('Environment=MALLOC_')).map((line) => line.slice('Environment='.length));
    const exec = lines.find((line) => line.startsWith('ExecStart=')) ?? '';
    expect({ env, flags: nodeLine(exec.slice('ExecStart='.length)).flags }).toEqual(shebang);
  });

  // glibc only (musl and other systems ignore the variable): /proc and a glibc-built node.
  const glibc = process.platform === 'linux' && (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime !== undefined;

  it.skipIf(!glibc)('on glibc, freed 64 KiB blocks between small ones still in use leave resident memory', () => {
    // 1,000 native 64 KiB blocks (a socket read's size: 64 MB), each followed by a small one that
    // stays; then the large ones are freed. Resident memory (kB) once allocated and once freed.
    // (glibc maps a block of its own only when its arena has no room left: blocks smaller than the
    // arena's free space do not show it.)
    const script = `
      const rss = () => Number(/^VmRSS:\\s+(\\d+)/m.exec(require('fs').readFileSync('/proc/self/status', 'utf8'))[1]);
      let large = [];
      const small = [];
      for (let i = 0; i < 1000; i += 1) {
        large.push(Buffer.allocUnsafeSlow(65536).fill(1));
        small.push(Buffer.allocUnsafeSlow(512).fill(1));
      }
      const held = rss();
      large = null;
      gc(); gc();
      console.log(JSON.stringify({ held, freed: rss(), small: small.length }));
    `;
    const run = spawnSync(process.execPath, ['--expose-gc', ...shebang.flags, '-e', script], {
      env: { PATH: process.env.PATH, ...Object.fromEntries(shebang.env.map((word) => word.split('=') as [string, string])) },
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    const { held, freed } = JSON.parse(run.stdout) as { held: number; freed: number };
    // 64 MB held; freed, at least half of it leaves (glibc's arena kept all of it: 0.5 MB left).
    expect(held - freed).toBeGreaterThan(32 * 1024);
  });
});
