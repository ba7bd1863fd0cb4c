// Use case "serve": the publish folder over HTTP, as published, with nothing fetched.
import type { Config } from '../config/load-config.js';
import { startServer, type RunningServer } from '../publish/server.js';
import { cronIntervalSeconds } from '../schedule/cron.js';

/** The longest a reader's cache keeps a file without asking again, whatever the schedule. */
const MAX_AGE_CAP_SECONDS = 3600;

/**
 * Cache-Control max-age of the published files: the interval between two fetch runs (a file
 * changes no more often), at most an hour; 0 when the schedule has no regular interval.
 */
export function cacheMaxAgeSeconds(config: Config): number {
  const interval = cronIntervalSeconds(config.schedule.fetch, config.site.timezone);
  return interval === null ? 0 : Math.min(interval, MAX_AGE_CAP_SECONDS);
}

export function serveSite(config: Config): Promise<RunningServer> {
  return startServer({ dir: config.publishDir, host: config.server.host, port: config.server.port, maxAgeSeconds: cacheMaxAgeSeconds(config) });
}
