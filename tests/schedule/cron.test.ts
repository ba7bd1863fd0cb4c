// The node-cron adapter: a tick skipped because the last run still goes, or missed because the
// process was busy, reaches veille's callbacks, and node-cron prints none of its own coloured
// "[NODE-CRON] [WARN]" lines beside veille's (seen in bench:scale's output, issue 15).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { scheduleCron, type CronJob } from '../../src/schedule/cron.js';

const EVERY_SECOND = '* * * * * *';

/** Polls `done` every 50 ms for at most `limitMs`. */
async function waitFor(done: () => boolean, limitMs: number): Promise<void> {
  for (let waited = 0; !done() && waited < limitMs; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
}

describe('scheduleCron', () => {
  let job: CronJob | null = null;
  const printed: string[] = [];

  afterEach(async () => {
    await job?.stop();
    job = null;
    vi.restoreAllMocks();
    printed.length = 0;
  });

  const captureConsole = () => {
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ')));
    }
  };

  it('tells onSkip of a tick that finds the last run going, and node-cron prints nothing', async () => {
    captureConsole();
    let release = () => {};
    const running = new Promise<void>((resolve) => (release = resolve));
    let runs = 0;
    let skips = 0;
    job = scheduleCron(EVERY_SECOND, 'Europe/Paris', 'test', () => ((runs += 1), running), () => (skips += 1));
    await waitFor(() => skips > 0, 5_000);
    release();
    expect(runs).toBe(1);
    expect(skips).toBeGreaterThan(0);
    expect(printed).toEqual([]);
  });

  it('tells onMissed of a tick the busy process could not start on time, and node-cron prints nothing', async () => {
    captureConsole();
    const missed: Date[] = [];
    job = scheduleCron(EVERY_SECOND, 'Europe/Paris', 'test', async () => undefined, () => undefined, (planned) => missed.push(planned));
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The event loop blocked for 2.5 s: the ticks planned meanwhile are over node-cron's 1 s tolerance.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2_500);
    await waitFor(() => missed.length > 0, 3_000);
    expect(missed.length).toBeGreaterThan(0);
    expect(missed.every((date) => date instanceof Date)).toBe(true);
    expect(printed).toEqual([]);
  });
});
