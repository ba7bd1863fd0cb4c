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
