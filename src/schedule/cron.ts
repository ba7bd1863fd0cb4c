// Adapter for node-cron: the only module that imports it. Validates expressions and runs
// schedules in a time zone, never two runs of the same job at once.
import cron from 'node-cron';

/** Why an expression is invalid, or null when it is valid. */
export function explainCronExpression(expression: string): string | null {
  const result = cron.validateDetailed(expression);
  if (result.valid) return null;
  const reasons = result.errors.map((error) => `${error.field}: ${error.message}`);
  return reasons.length > 0 ? reasons.join('; ') : 'not a cron expression';
}

export interface CronJob {
  /** Next planned run, or null when none. */
  nextRun(): Date | null;
  stop(): Promise<void>;
}

/** Runs `job` on `expression` in `timeZone`; a run still in progress makes the next one skip. */
export function scheduleCron(
  expression: string,
  timeZone: string,
  name: string,
  job: () => Promise<void>,
  onSkip: () => void,
): CronJob {
  const task = cron.schedule(expression, job, { timezone: timeZone, name, noOverlap: true });
  task.on('execution:overlap', () => onSkip());
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
  const task = cron.createTask(expression, () => undefined, { timezone: timeZone });
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
