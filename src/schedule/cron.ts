// Adapter for node-cron: the only module that imports it. Validates expressions and runs
// schedules in a time zone, never two runs of the same job at once. node-cron's own logger (coloured
// "[NODE-CRON] [WARN]" lines on stderr) is silenced: what it would say reaches the caller as events,
// which veille logs in its own format (a skipped tick, a missed one).
import type * as NodeCron from 'node-cron';
import { lazyPackage } from '../system/lazy-package.js';

/**
 * node-cron, loaded by the first call (issue 15): the config's validation checks its expressions,
 * and a one-shot run that reads the validated config from the data folder never loads it (about 20 ms).
 */
const nodeCron = lazyPackage<typeof NodeCron>('node-cron');

/** Why an expression is invalid, or null when it is valid. */
export function explainCronExpression(expression: string): string | null {
  const result = nodeCron().validateDetailed(expression);
  if (result.valid) return null;
  const reasons = result.errors.map((error) => `${error.field}: ${error.message}`);
  return reasons.length > 0 ? reasons.join('; ') : 'not a cron expression';
}

export interface CronJob {
  /** Next planned run, or null when none. */
  nextRun(): Date | null;
  stop(): Promise<void>;
}

/** node-cron's logger, quiet: its warnings are the overlap and missed events below, said by the caller. */
const SILENT_CRON_LOGGER = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

/**
 * Runs `job` on `expression` in `timeZone`; a run still in progress makes the next one skip
 * (`onSkip`). A tick the process was too busy to start on time (over a second late) is not run
 * late: `onMissed` is told its planned time, and the next tick runs as planned.
 */
export function scheduleCron(
  expression: string,
  timeZone: string,
  name: string,
  job: () => Promise<void>,
  onSkip: () => void,
  onMissed: (planned: Date) => void = () => undefined,
): CronJob {
  const task = nodeCron().schedule(expression, job, { timezone: timeZone, name, noOverlap: true, logger: SILENT_CRON_LOGGER });
  task.on('execution:overlap', () => onSkip());
  task.on('execution:missed', (context) => onMissed(context.date));
  return {
    nextRun: () => task.getNextRun(),
    stop: async () => {
      await task.stop();
      await task.destroy();
    },
  };
}

/**
 * The shortest time between the next few runs of `expression` in `timeZone`, in seconds (1800 for
 * `*\/30 * * * *`), or null when it runs fewer than twice more. The task is never started.
 */
export function cronIntervalSeconds(expression: string, timeZone: string): number | null {
  const task = nodeCron().createTask(expression, () => undefined, { timezone: timeZone });
  try {
    const runs = task.getNextRuns(6).map((run) => run.getTime());
    let shortest: number | null = null;
    for (let index = 1; index < runs.length; index += 1) {
      const gap = (runs[index] ?? 0) - (runs[index - 1] ?? 0);
      if (gap > 0 && (shortest === null || gap < shortest)) shortest = gap;
    }
    return shortest === null ? null : Math.round(shortest / 1000);
  } finally {
    void task.destroy();
  }
}
