// The installed command asks Node for its compile cache where Node has one (module.enableCompileCache,
// Node ≥ 22.1), before the CLI's modules are loaded, and runs as before where it has none (Node 20).
// Issue 15: loading the modules is most of a one-shot cycle whose feeds all answer 304.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BIN = resolve(import.meta.dirname, '../../bin/veille.js');
const COMPILED = resolve(import.meta.dirname, '../../dist/cli/main.js');

/** Stands in Node's function (absent on Node 20): says when it is called. */
const STUB =
  'data:text/javascript,' +
  encodeURIComponent(
    "import module from 'node:module';" +
      "module.enableCompileCache = () => { process.stderr.write('compile cache asked\\n'); return { status: 0 }; };",
  );

describe.runIf(existsSync(COMPILED))('bin/veille.js and the compile cache', () => {
  it('asks for it when Node has it', async () => {
    const { stdout, stderr } = await run(process.execPath, ['--import', STUB, BIN, '--version']);
    expect(stderr).toBe('compile cache asked\n');
    expect(stdout).toMatch(/\d+\.\d+\.\d+/);
  });

  it('runs as before when Node has none', async () => {
    const { stdout, stderr } = await run(process.execPath, ['--import', "data:text/javascript,import module from 'node:module'; delete module.enableCompileCache;", BIN, '--version']);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/\d+\.\d+\.\d+/);
  });
});
