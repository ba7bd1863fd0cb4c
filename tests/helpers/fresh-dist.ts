// Vitest global setup: processing threads run the compiled dist/ (worker/process-pool.ts), and
// bin/veille.js its bundle, so a dist/ older than src/ would test yesterday's parser on the threads.
// Rebuilds both then; `npm test` has just built, and this costs a walk of src/.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export default function setup(): void {
  const stale = findStale(join(root, 'src'));
  if (stale !== null) {
    console.log(`dist/ is older than ${stale}: building (tsc -p tsconfig.build.json, the shipped taxonomy's data, scripts/bundle.mjs)`);
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
    // The shipped taxonomy's data, as `npm run build` writes it after tsc (app/taxonomy-cache.ts).
    execFileSync(process.execPath, ['-e', "import('./dist/app/taxonomy-cache.js').then((m) => m.writeShippedTaxonomy())"], { cwd: root, stdio: 'inherit' });
  }
  // bin/veille.js runs the bundle of dist/cli/ (scripts/bundle.mjs): made again with dist/, or when missing.
  if (stale !== null || !existsSync(join(root, 'dist/bundle/main.js'))) {
    execFileSync(process.execPath, [join(root, 'scripts/bundle.mjs')], { cwd: root, stdio: 'inherit' });
  }
}

/** The first source file whose compiled file is missing or older, relative to the root; null when none. */
function findStale(dir: string): string | null {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = findStale(path);
      if (found !== null) return found;
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
      const compiled = join(root, 'dist', relative(join(root, 'src'), path)).replace(/\.ts$/, '.js');
      if (!existsSync(compiled) || statSync(compiled).mtimeMs < statSync(path).mtimeMs) return relative(root, path);
    }
  }
  return null;
}
