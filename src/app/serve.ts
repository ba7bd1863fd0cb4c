// Use case "serve": the publish folder over HTTP, as published, with nothing fetched; with
// server.publicUrl, also the readers' unsubscribe, theme and sign-up routes (issue 23), which read
// and write the store.
import { dirname } from 'node:path';
import { localeOf, type Config } from '../config/load-config.js';
import type { Clock, Logger } from '../domain/ports.js';
import { startServer, type RunningServer } from '../publish/server.js';
import { Store } from '../store/store.js';
import { createMailer } from './digest.js';
import { subscriberRoutes } from './subscribers.js';
import { loadTaxonomyCached } from './taxonomy-cache.js';
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

export interface ServeOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly clock: Clock;
  readonly logger: Logger;
}

export async function serveSite(config: Config, options?: ServeOptions): Promise<RunningServer> {
  const base = { dir: config.publishDir, host: config.server.host, port: config.server.port, maxAgeSeconds: cacheMaxAgeSeconds(config) };
  if (options === undefined || config.server.publicUrl === undefined) return startServer(base);
  const taxonomy = loadTaxonomyCached(config.themesFile, dirname(config.storagePath));
  const store = Store.open(config.storagePath);
  try {
    const endpoints = subscriberRoutes({
      config,
      env: options.env,
      store,
      taxonomy,
      locale: localeOf(config),
      clock: options.clock,
      logger: options.logger,
      mailer: () => createMailer(config, options.env),
    });
    const server = await startServer({ ...base, endpoints });
    return {
      ...server,
      close: async () => {
        try {
          await server.close();
        } finally {
          store.close();
        }
      },
    };
  } catch (error) {
    store.close();
    throw error;
  }
}
