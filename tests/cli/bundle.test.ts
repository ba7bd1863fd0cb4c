// bin/veille.js runs the CLI's bundle (scripts/bundle.mjs, made by `npm run build`): a command loads
// a few files of dist/bundle/, not the modules of dist/cli/, dist/app/… one by one (issue 15: about
// 50 ms of CPU of a one-shot run on Node 20), and the bundle's source map leads back to src/.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const BIN = resolve(ROOT, 'bin/veille.js');
const BUNDLE = resolve(ROOT, 'dist/bundle/main.js');

/** A module hook that names on stderr each file the process loads. */
const HOOKS = "export async function load(url, context, next) { if (url.startsWith('file:')) process.stderr.write('loaded ' + url + '\\n'); return next(url, context); }";
const REGISTER = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOKS)}`)});`;

/** The files of veille's own (not node_modules) that `veille ARGS` loads, relative to the root. */
async function ownFilesLoaded(args: readonly string[]): Promise<string[]> {
  const result = await run(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(REGISTER)}`, BIN, ...args]).catch((error: { stderr: string }) => error);
  return [...result.stderr.matchAll(/^loaded file:\/\/(\S+)$/gm)]
    .map((match) => match[1] ?? '')
    .filter((path) => path.startsWith(ROOT) && !path.includes('/node_modules/'))
    .map((path) => path.slice(ROOT.length + 1));
}

describe('bin/veille.js and the bundle (made by npm run build, or by the global setup: tests/helpers/fresh-dist.ts)', () => {
  it('loads the CLI from dist/bundle/, none of the modules of dist/ one by one', async () => {
    // A config that does not exist: the command loads the config's modules and exits 2.
    const loaded = await ownFilesLoaded(['run', '--config', resolve(ROOT, 'no-such-folder/veille.yaml')]);
    expect(loaded.filter((path) => path.startsWith('dist/bundle/')).length).toBeGreaterThan(1);
    // v8-tiering runs before the CLI is loaded (bin/veille.js), on its own.
    expect(loaded.filter((path) => !path.startsWith('dist/bundle/'))).toEqual(['bin/veille.js', 'dist/system/v8-tiering.js']);
  });

  it('reads the shipped taxonomy\'s data where npm run build writes it (dist/app/), not beside the bundle', async () => {
    // Names on stderr the files whose path says shipped-taxonomy that the process reads.
    const watch =
      "import fs from 'node:fs'; import { syncBuiltinESMExports } from 'node:module'; const read = fs.readFileSync;" +
      "fs.readFileSync = (path, ...rest) => { if (String(path).includes('shipped-taxonomy')) process.stderr.write('shipped ' + path + '\\n'); return read(path, ...rest); };" +
      'syncBuiltinESMExports();';
    const dir = mkdtempSync(join(tmpdir(), 'veille-bundle-'));
    try {
      // A new data folder and the shipped themes; the one source refuses the connection (port 9 on loopback).
      writeFileSync(
        join(dir, 'veille.yaml'),
        `sources:\n  - { url: "http://127.0.0.1:9/feed.xml" }\nthemes: ${JSON.stringify(resolve(ROOT, 'config/themes.yaml'))}\n` +
          'storage: { path: data/veille.db }\npublish: { dir: public }\nfullText: { maxPerCycle: 0 }\n',
      );
      const { stderr } = await run(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(watch)}`, BIN, 'run', '--config', join(dir, 'veille.yaml')]);
      expect([...stderr.matchAll(/^shipped (\S+)$/gm)].map((match) => match[1])).toEqual([resolve(ROOT, 'dist/app/shipped-taxonomy.json')]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has a source map that leads to src/', () => {
    const map = JSON.parse(readFileSync(`${BUNDLE}.map`, 'utf8')) as { sources: string[] };
    expect(map.sources).toContain('../../src/cli/main.ts');
  });
});
