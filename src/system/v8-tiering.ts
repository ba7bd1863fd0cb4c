// When V8 optimizes veille's code (issue 15). V8 11.3 (Node 20) sends a function to its optimizing
// compiler, TurboFan, on its helper threads, after the function has run a few budgets of 66 KB of
// bytecode (--interrupt-budget). A first import runs most of its code once, briefly: with that
// budget it made 547 compiles and 94 deoptimizations (a compile made before its branches had run
// is thrown away at the first one that does), about 1.3 s of a 7.8 s cycle's CPU. With 8 times the
// budget, 238 compiles and 35 deoptimizations; the code that stays hot is compiled a little later
// (figures in bin/veille.js). Set before the CLI's modules are loaded; the processing thread
// shares the process's flags. V8 12 and later (Node 22, 24) count invocations instead and have no
// --interrupt-budget: node refuses to start on a flag it does not know, so it cannot be on the
// bin's first line, and that budget is not set there (not measured). WebAssembly's tiering
// (WASM_FLAGS) is set on every version.
import { setFlagsFromString } from 'node:v8';

/**
 * WebAssembly stays on V8's baseline compiler, Liftoff. The only WebAssembly veille runs is undici's
 * HTTP parser (llhttp), compiled on the first connection. V8 then recompiles its hot functions with
 * TurboFan on a helper thread, and the register allocation of llhttp's one large function, a state
 * machine of a few thousand states, takes about 30 MB of compiler zones in a malloc arena for a
 * tenth of a second (perf record -e syscalls:sys_enter_brk --call-graph dwarf: the main arena grows
 * 10 → 40 MB under Pipeline::GenerateCodeForWasmFunction, 0.8–1.0 s into a first import, and shrinks
 * after). That landed on the start-up's other loads in about half of the first imports: the spike of
 * 30–35 MB that made bench:peers' peak vary from 145 to 158 MB (issue 15), and it set the peak of a
 * cycle whose feeds all answer 304 or send the same bodies (115 → 80 MB, 125 → 98 MB). The compile
 * was 1.5 % of a first import's CPU samples (perf record -F 999 -g: 116 of 7,758), the parser's own
 * run in Liftoff's code 0.01 %: 400 requests of 50 KB through one undici Agent take 175 ms of CPU
 * with Liftoff alone and 275 ms with the recompile, peak RSS 64 MB and 96 MB (Node 20). The flag
 * is in V8 11.3 to 13.6 (Node 20 to 24), set while the process runs as the interrupt budget is.
 */
const WASM_FLAGS = ['--liftoff-only'];

/**
 * TurboFan inlines at most half its default of callee bytecode into one compiled function (920 bytes
 * in V8 11.3). With the budget above, the 230 compiles of a first import still took about 0.8 s of
 * its CPU on V8's helper threads (perf record -F 999: 798 of 7,300 samples), most of it in large
 * graphs of inlined callees (GraphReducer, the register allocator); a smaller graph compiles faster
 * and the hot loops keep their small callees inlined. bench:peers' cycles (peers.js --skip-peers
 * --soak-cycles 0), builds interleaved at load 5-8: first import CPU, median of 8 rounds, 7.90 s
 * without, 7.31 s with (-7.5 %); in two other series 8.45 → 7.80 s (-7.7 %, 6 rounds) and 7.55 →
 * 7.13 s (-5.6 %, 8 rounds); peak RSS, the cycles of 304s and of the same bodies unchanged (0.42 →
 * 0.43 s, 0.55 → 0.53 s CPU). A quarter of the default (230) did no better (8.03 s against 7.38 s, 6 rounds).
 */
const INLINING_FLAGS = ['--max-inlined-bytecode-size-cumulative=460'];

/** The tiering flags veille sets on this V8 version (`process.versions.v8`): the JavaScript budget only where measured. */
export function tieringFlags(v8Version: string): string[] {
  return v8Version.startsWith('11.3.') ? ['--interrupt-budget=540672', ...INLINING_FLAGS, ...WASM_FLAGS] : [...WASM_FLAGS];
}

/** Sets this process's tiering flags; call before the code they are for is loaded. */
export function tuneTiering(v8Version: string = process.versions.v8): void {
  for (const flag of tieringFlags(v8Version)) setFlagsFromString(flag);
}
