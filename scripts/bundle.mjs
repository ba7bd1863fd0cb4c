// The CLI's modules in a few files (issue 15): `npm run build` runs this after tsc, and bin/veille.js
// loads dist/bundle/main.js. Node loads each ES module on its own (resolve, read, compile, link):
// the 150 modules of a one-shot `veille run` cost about 50 ms of CPU more than the same code in a
// few files (import of the run's modules alone, Node 20, 12 alternated runs: median 168 → 121 ms).
// Each `await import()` of the sources stays a file of its own, loaded when it is reached (a run
// loads no mailer, parser or renderer), and so do the packages (node_modules, native code of
// better-sqlite3). The processing threads run dist/worker/process-thread.js, not bundled: a thread
// loads its modules while the first requests are in flight. The source maps lead to src/
// (node --enable-source-maps).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
/** Two levels under the root, as dist/cli/main.js is: paths made from import.meta.url ('../../bin') lead to the same places. */
const BUNDLE_DIR = 'dist/bundle';

rmSync(`${root}${BUNDLE_DIR}`, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ['dist/cli/main.js'],
  outdir: BUNDLE_DIR,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
