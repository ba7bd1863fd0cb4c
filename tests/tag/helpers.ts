// Shared helpers of the tag tests: fixture paths, the default taxonomy, and the held-out split.

import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const THEMES_FILE = `${ROOT}config/themes.yaml`;
export const FIXTURES = `${ROOT}tests/fixtures/`;

/** Held-out part of a labelled set: 30 % of items by their link's SHA-1, fixed before tuning. */
export function isHeldOut(link: string): boolean {
  return Number.parseInt(createHash('sha1').update(link).digest('hex').slice(0, 8), 16) % 10 < 3;
}
