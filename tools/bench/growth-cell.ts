// One cell of the growth checks (growth.ts), in a worker thread: times a stage on one shape at
// sizes n and 8n and posts each figure as soon as it has it, so that the test can stop a stage
// that runs too long and still tell what it measured.

import { parentPort, workerData } from 'node:worker_threads';
import { SHAPES, STAGES, type PreparedRun } from './growth.js';

export interface GrowthCellRequest {
  readonly stage: string;
  readonly shape: string;
}

/** Milliseconds per call: `kind` 'small' once (size n), then 'large' once per round (size 8n). */
export type GrowthCellMessage =
  | { readonly kind: 'small'; readonly ms: number; readonly size: number }
  | { readonly kind: 'large'; readonly ms: number }
  | { readonly kind: 'done' };

/** A batch of calls lasts at least this long, so that a fast stage is timed well above the timer's grain. */
const MIN_BATCH_MS = 40;
export const LARGE_ROUNDS = 3;

/** Milliseconds per call, over as many calls as fill MIN_BATCH_MS (at least one). */
async function timePerCall(prepared: PreparedRun): Promise<number> {
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    await prepared.run();
    calls += 1;
    elapsed = performance.now() - start;
  } while (elapsed < MIN_BATCH_MS);
  return elapsed / calls;
}

async function measure(request: GrowthCellRequest, post: (message: GrowthCellMessage) => void): Promise<void> {
  const stage = STAGES.find((s) => s.name === request.stage);
  const shape = SHAPES.find((s) => s.name === request.shape);
  if (stage === undefined || shape === undefined) throw new Error(`growth: no cell ${request.stage} × ${request.shape}`);
  const small = stage.prepare(shape, stage.size);
  const large = stage.prepare(shape, stage.size * 8);

  // Warm-up: the code paths compiled and the stage's tables loaded (eld, the taxonomy) before timing.
  const warm = await timePerCall(small);
  let best = warm;
  if (warm < 1000) for (let round = 0; round < 3; round += 1) best = Math.min(best, await timePerCall(small));
  post({ kind: 'small', ms: best, size: stage.size });
  for (let round = 0; round < LARGE_ROUNDS; round += 1) post({ kind: 'large', ms: await timePerCall(large) });
  post({ kind: 'done' });
}

if (parentPort !== null) {
  const port = parentPort;
  await measure(workerData as GrowthCellRequest, (message) => port.postMessage(message));
}
