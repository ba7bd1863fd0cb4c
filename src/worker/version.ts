// veille's version, read once from package.json (used in the User-Agent and the feeds' generator).
import { readFileSync } from 'node:fs';
import type { Config } from '../config/load-config.js';

export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** The configured User-Agent, else `veille/<version> (+<site url>)` so publishers can reach the operator. */
export function userAgentFor(config: Pick<Config, 'fetch' | 'site'>): string {
  return config.fetch.userAgent ?? `veille/${VERSION} (+${config.site.url})`;
}
