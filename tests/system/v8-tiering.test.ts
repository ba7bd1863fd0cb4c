// When V8 optimizes veille's code (issue 15): on Node 20 (V8 11.3) the installed command raises
// V8's interrupt budget, so that a first import compiles and throws away fewer functions; V8 12 and
// later have no such flag, and node refuses to start on a flag it does not know. On every version,
// undici's HTTP parser (WebAssembly) stays on V8's baseline compiler.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tieringFlags } from '../../src/system/v8-tiering.js';

const run = promisify(execFile);
const BIN = resolve(import.meta.dirname, '../../bin/veille.js');
const COMPILED = resolve(import.meta.dirname, '../../dist/cli/main.js');
// TIERING_DIST: another build's dist/ (a file: URL), to check the memory case against it.
const DIST = process.env.TIERING_DIST ?? new URL('../../dist/', import.meta.url).href;

/**
 * 300 answers of 20 KB through veille's HTTP client after a first one (which compiles undici's parser),
 * in a child that sets the tiering flags as the installed command does: by how many KiB its peak
 * resident memory grew meanwhile.
 */
const PARSER_CODE = `
const { tuneTiering } = await import(${JSON.stringify(`${DIST}system/v8-tiering.js`)});
tuneTiering();
const { createHttpClient } = await import(${JSON.stringify(`${DIST}fetch/http-client.js`)});
const { createServer } = await import('node:http');
const body = '<rss>' + 'x'.repeat(20_000) + '</rss>';
const server = createServer((_request, response) => response.end(body)).listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const url = 'http://127.0.0.1:' + server.address().port + '/feed.xml';
const client = createHttpClient({ connectTimeoutMs: 5_000, headersTimeoutMs: 5_000, bodyTimeoutMs: 5_000 });
const get = async () => { const response = await client.request({ url, headers: {} }); for await (const _chunk of response.body); };
await get();
const before = process.resourceUsage().maxRSS;
for (let index = 0; index < 300; index += 1) await get();
// A recompile started on a helper thread ends within this.
await new Promise((resolve) => setTimeout(resolve, 300));
const grewKib = process.resourceUsage().maxRSS - before;
await client.close();
server.close();
process.stdout.write(JSON.stringify({ grewKib }));
`;

/** Stands in V8's setter: says each flag it is given, and sets none. */
const STUB =
  'data:text/javascript,' +
  encodeURIComponent(
    "import v8 from 'node:v8'; import { syncBuiltinESMExports } from 'node:module';" +
      "v8.setFlagsFromString = (flag) => process.stderr.write(`flag ${flag}\\n`); syncBuiltinESMExports();",
  );

describe('V8 tiering', () => {
  it.each([
    ['Node 20', '11.3.244.8-node.33', ['--interrupt-budget=540672', '--max-inlined-bytecode-size-cumulative=460', '--liftoff-only']],
    ['Node 22', '12.4.254.21-node.57', ['--liftoff-only']],
    ['Node 24', '13.6.233.17-node.63', ['--liftoff-only']],
    ['V8 11.8 (Node 21), another budget scale', '11.8.172.17-node.18', ['--liftoff-only']],
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

  it.runIf(existsSync(fileURLToPath(new URL('fetch/http-client.js', DIST))))(
    "keeps undici's HTTP parser off TurboFan, whose compile of it took 30 MB at once",
    () => {
      // TurboFan's register allocation for llhttp's state machine: 37–38 MiB more at the peak here,
      // with the default tiering; 2–3 MiB with Liftoff alone (the answers' own buffers and garbage).
      const output = execFileSync(process.execPath, ['--input-type=module', '-e', PARSER_CODE], {
        encoding: 'utf8',
        env: { ...process.env, MALLOC_ARENA_MAX: '2' },
      });
      expect((JSON.parse(output) as { grewKib: number }).grewKib).toBeLessThan(12 * 1024);
    },
    30_000,
  );
});
