// When V8 optimizes veille's code (issue 15): on Node 20 (V8 11.3) the installed command raises
// V8's interrupt budget, so that a first import compiles and throws away fewer functions; V8 12 and
// later have no such flag, and node refuses to start on a flag it does not know.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tieringFlags } from '../../src/system/v8-tiering.js';

const run = promisify(execFile);
const BIN = resolve(import.meta.dirname, '../../bin/veille.js');
const COMPILED = resolve(import.meta.dirname, '../../dist/cli/main.js');

/** Stands in V8's setter: says each flag it is given, and sets none. */
const STUB =
  'data:text/javascript,' +
  encodeURIComponent(
    "import v8 from 'node:v8'; import { syncBuiltinESMExports } from 'node:module';" +
      "v8.setFlagsFromString = (flag) => process.stderr.write(`flag ${flag}\\n`); syncBuiltinESMExports();",
  );

describe('V8 tiering', () => {
  it.each([
    ['Node 20', '11.3.244.8-node.33', ['--interrupt-budget=540672']],
    ['Node 22', '12.4.254.21-node.57', []],
    ['Node 24', '13.6.233.17-node.63', []],
    ['V8 11.8 (Node 21), another budget scale', '11.8.172.17-node.18', []],
  ])('%s (V8 %s) gets %j', (_name, version, flags) => {
    expect(tieringFlags(version)).toEqual(flags);
  });

  it('each flag set on this node is one its V8 knows (an unknown one is only a warning on stderr)', () => {
    const known = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' });
    for (const flag of tieringFlags(process.versions.v8)) {
      const name = flag.split('=')[0] ?? flag;
      expect(known).toContain(`  ${name} (`);
    }
  });

  it.runIf(existsSync(COMPILED))('the installed command sets them', async () => {
    const { stdout, stderr } = await run(process.execPath, ['--import', STUB, BIN, '--version']);
    expect(stderr).toBe(tieringFlags(process.versions.v8).map((flag) => `flag ${flag}\n`).join(''));
    expect(stdout).toMatch(/\d+\.\d+\.\d+/);
  });
});
