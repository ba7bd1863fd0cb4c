// veille's version, read once from package.json (used in the User-Agent and the feeds' generator).
import { readFileSync } from 'node:fs';

export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export function userAgentFor(siteUrl: string): string {
  return `veille/${VERSION} (+${siteUrl})`;
}
