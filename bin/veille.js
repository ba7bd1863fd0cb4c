#!/usr/bin/env -S MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072 node --max-semi-space-size=4 --heap-growing-percent=30 --single-threaded-gc
// The `veille` command: runs the compiled CLI (built by `npm install` through `prepare`).
// --max-semi-space-size=4: a cycle allocates many short-lived strings and objects, and V8's
// default 16 MB semi-spaces let them pile up; 4 MB ones keep a 200-feed cycle's peak resident
// memory lower for no measurable time (npm run bench). It only works on the command line.
// --heap-growing-percent=30 --single-threaded-gc: after each full collection V8 lets a heap grow to about twice its live
// size (more while it is small); 1.3 times keeps a first import's peak lower (bench:peers, 1st cycle:
// 257 → 239 MB, 11.7 s CPU either way, two runs each) in every thread, the processing one included.
// --single-threaded-gc: V8 collects each thread's heap on that thread, without helper threads.
// veille's main and processing threads already keep both cores busy during an import, and the
// helpers only contended with them: bench:peers' 1st cycle, six interleaved runs, 9.46–10.20 s CPU
// (median 9.76) → 8.09–9.04 s (median 8.7), wall 6.4–6.8 → 5.6–6.3 s, the same peak RSS and 304 run.
// MALLOC_ARENA_MAX=2: glibc gives each thread that allocates (the processing thread, V8's and
// libuv's helpers) its own malloc arena, and freed memory stays in them: two arenas take 36 MB
// off a 200-feed first cycle's peak (300 → 264 MB) and 60 MB off the soak's RSS for the same CPU
// (issue 15; build/tools/bench/cycle-memory.js). It is read when the process starts, hence here.
// MALLOC_MMAP_THRESHOLD_=131072: glibc's own starting value, held fixed. glibc raises the threshold
// to the size of each mapped block freed (up to 32 MiB), so that after a first import's large bodies
// and messages every block below a few MiB came from an arena, whose freed middle stays resident;
// held at 128 KiB, such blocks get mappings of their own, given back when freed. V8's compiler zones
// (32 KiB segments) stay in the arenas, which the worker gives back after each cycle
// (src/system/release-memory.ts); 32 KiB here had cost 17 % more CPU (8886799). bench:peers, two
// interleaved rounds at load 12–14, the same build with and without: soak RSS after cycle 20 146,
// 141 → 131, 128 MB (main arena 19, 14 → 13, 11 MB); 1st cycle CPU 9.10, 10.12 → 9.54, 9.65 s,
// peak 151, 157 → 151, 147 MB.
// module.enableCompileCache (Node ≥ 22.1): V8 keeps the compiled code of veille's modules between
// runs, in the system's temporary folder, so that a one-shot `veille run` compiles them once (issue
// 15: loading the modules is most of a cycle whose feeds all answer 304). Node 20 has none: nothing
// changes there. NODE_DISABLE_COMPILE_CACHE=1 turns it off. Enabled before the CLI is imported.
// tuneTiering (src/system/v8-tiering.ts), on Node 20 only: --interrupt-budget=540672, 8 times V8
// 11.3's budget of bytecode a function runs before V8 compiles it with TurboFan on its helper
// threads. A first import runs most of its code briefly; by default it made 547 compiles and 94
// deoptimizations (most for code compiled before its branches had run: "insufficient type
// feedback"); with the larger budget 238 and 35 (--trace-opt --trace-deopt), and the helper
// threads' CPU about halved (perf record -F 999: 2,069 and 2,139 samples → 1,110 and 1,155). One
// first cycle, base and flag interleaved in six series at load 8–10: CPU −6 % (median of 32 paired
// rounds' ratios, lower in 20; 4 times the budget: −3 % over 32), peak −1.4 MB, wall within the
// load's noise; the soak's later cycles are not slower (bench:peers, 40 cycles: median cycle CPU
// 0.84 → 0.74 s). V8 12 and later (Node 22, 24) count invocations instead and refuse an
// --interrupt-budget on node's command line, hence set here, for V8 11.3 alone, not in the first
// line; the processing thread shares the process's flags. On Node 20 it also halves TurboFan's budget
// of inlined bytecode (--max-inlined-bytecode-size-cumulative=460): the helper threads' compiles of a
// first import were still about 0.8 s of its CPU; 7.5 % less CPU (figures in v8-tiering.ts).
// tuneTiering also keeps WebAssembly (undici's
// HTTP parser) on V8's baseline compiler, on every version: its TurboFan compile took 30 MB for a tenth
// of a second, the start-up spike of half the first imports (reasons and figures in v8-tiering.ts).
// dist/bundle/main.js: the CLI's modules in a few files (scripts/bundle.mjs, run by `npm run build`),
// which Node loads faster than the 150 modules of dist/cli/ a one-shot run needs (about 50 ms of CPU
// on Node 20); the same code, each command's own modules still loaded when it runs.
import module from 'node:module';

module.enableCompileCache?.();
const { tuneTiering } = await import('../dist/system/v8-tiering.js');
tuneTiering();
const { main } = await import('../dist/bundle/main.js');

process.exitCode = await main(process.argv.slice(2));
