// When V8 optimizes veille's code (issue 15). V8 11.3 (Node 20) sends a function to its optimizing
// compiler, TurboFan, on its helper threads, after the function has run a few budgets of 66 KB of
// bytecode (--interrupt-budget). A first import runs most of its code once, briefly: with that
// budget it made 547 compiles and 94 deoptimizations (a compile made before its branches had run
// is thrown away at the first one that does), about 1.3 s of a 7.8 s cycle's CPU. With 8 times the
// budget, 238 compiles and 35 deoptimizations; the code that stays hot is compiled a little later
// (figures in bin/veille.js). Set before the CLI's modules are loaded; the processing thread
// shares the process's flags. V8 12 and later (Node 22, 24) count invocations instead and have no
// --interrupt-budget: node refuses to start on a flag it does not know, so it cannot be on the
// bin's first line, and nothing is set there (not measured).
import { setFlagsFromString } from 'node:v8';

/** The tiering flags veille sets on this V8 version (`process.versions.v8`): none where unmeasured. */
export function tieringFlags(v8Version: string): string[] {
  return v8Version.startsWith('11.3.') ? ['--interrupt-budget=540672'] : [];
}

/** Sets this process's tiering flags; call before the code they are for is loaded. */
export function tuneTiering(v8Version: string = process.versions.v8): void {
  for (const flag of tieringFlags(v8Version)) setFlagsFromString(flag);
}
