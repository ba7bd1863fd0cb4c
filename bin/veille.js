#!/usr/bin/env -S node --max-semi-space-size=4
// The `veille` command: runs the compiled CLI (built by `npm install` through `prepare`).
// --max-semi-space-size=4: a cycle allocates many short-lived strings and objects, and V8's
// default 16 MB semi-spaces let them pile up; 4 MB ones keep a 200-feed cycle's peak resident
// memory lower for no measurable time (npm run bench). It only works on the command line.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
