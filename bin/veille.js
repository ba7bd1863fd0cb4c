#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=4 --heap-growing-percent=30
// The `veille` command: runs the compiled CLI (built by `npm install` through `prepare`).
// --max-semi-space-size=4: a cycle allocates many short-lived strings and objects, and V8's
// default 16 MB semi-spaces let them pile up; 4 MB ones keep a 200-feed cycle's peak resident
// memory lower for no measurable time (npm run bench). It only works on the command line.
// --heap-growing-percent=30: after each full collection V8 lets a heap grow to about twice its live
// size (more while it is small); 1.3 times keeps a first import's peak lower (bench:peers, 1st cycle:
// 257 → 239 MB, 11.7 s CPU either way, two runs each) in every thread, the processing one included.
// MALLOC_ARENA_MAX=2: glibc gives each thread that allocates (the processing thread, V8's and
// libuv's helpers) its own malloc arena, and freed memory stays in them: two arenas take 36 MB
// off a 200-feed first cycle's peak (300 → 264 MB) and 60 MB off the soak's RSS for the same CPU
// (issue 15; build/tools/bench/cycle-memory.js). It is read when the process starts, hence here.
// module.enableCompileCache (Node ≥ 22.1): V8 keeps the compiled code of veille's modules between
// runs, in the system's temporary folder, so that a one-shot `veille run` compiles them once (issue
// 15: loading the modules is most of a cycle whose feeds all answer 304). Node 20 has none: nothing
// changes there. NODE_DISABLE_COMPILE_CACHE=1 turns it off. Enabled before the CLI is imported.
import module from 'node:module';

module.enableCompileCache?.();
const { main } = await import('../dist/cli/main.js');

process.exitCode = await main(process.argv.slice(2));
