#!/usr/bin/env node
// The `veille` command: runs the compiled CLI (built by `npm install` through `prepare`).
// The runtime is tuned before the CLI, and with it every stage, is loaded.
import { tuneRuntime } from '../dist/cli/runtime.js';

tuneRuntime();
const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
