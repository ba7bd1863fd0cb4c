// How long a reader may keep a published file without asking again: the fetch schedule's interval
// (nothing is published sooner), at most an hour (issue 22).

import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/load-config.js';
import { cacheMaxAgeSeconds } from '../../src/app/serve.js';

function configWith(fetch: string): Config {
  return { schedule: { fetch, digest: '0 7 * * 1' }, site: { timezone: 'Europe/Paris' } } as unknown as Config;
}

describe('cacheMaxAgeSeconds', () => {
  it.each([
    ['every 30 minutes (the default)', '*/30 * * * *', 1800],
    ['every 5 minutes', '*/5 * * * *', 300],
    ['every hour', '0 * * * *', 3600],
    ['twice a day: capped at an hour', '0 6,18 * * *', 3600],
    ['at 9:00 and 9:10 on weekdays: the shortest gap', '0,10 9 * * 1-5', 600],
  ])('%s: %s -> %i s', (_name, schedule, seconds) => {
    expect(cacheMaxAgeSeconds(configWith(schedule))).toBe(seconds);
  });
});
