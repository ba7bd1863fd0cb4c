// veille's version, read once from package.json (used in the User-Agent and the feeds' generator).
import { existsSync, readFileSync } from 'node:fs';

/**
 * The nearest package.json above this module: `../../` from dist/ (and when installed), deeper
 * from build/src/, where `npm run build:tools` compiles src/ beside the developer tools.
 */
function findPackageJson(): URL {
  for (let dir = new URL('./', import.meta.url); ; dir = new URL('../', dir)) {
    const file = new URL('package.json', dir);
    if (existsSync(file)) return file;
    if (new URL('../', dir).href === dir.href) throw new Error(`version: no package.json above ${import.meta.url}`);
  }
}

export const VERSION: string = (JSON.parse(readFileSync(findPackageJson(), 'utf8')) as { version: string }).version;

/** The configured User-Agent, else `veille/<version> (+<site url>)` so publishers can reach the operator. */
export function userAgentFor(config: { readonly fetch: { readonly userAgent?: string | undefined }; readonly site: { readonly url: string } }): string {
  return config.fetch.userAgent ?? `veille/${VERSION} (+${config.site.url})`;
}
