// A full disk is the machine's problem, not a source's: ENOSPC or EDQUOT from the file system and
// SQLITE_FULL from SQLite become one STORE_DISK_FULL error that says which folder to free.
import { VeilleError } from '../domain/errors.js';

/** ENOSPC: no space left on the device; EDQUOT: the user's quota is used up; SQLITE_FULL: "database or disk is full". */
const DISK_FULL_CODES: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);

export function isDiskFull(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && DISK_FULL_CODES.has(code);
}

/** "store: the disk holding /srv/veille/data is full (SQLITE_FULL) while storing a feed's items; …". */
export function diskFullError(error: unknown, folder: string, doing: string): VeilleError {
  const code = String((error as { code?: unknown }).code);
  return new VeilleError(
    'STORE_DISK_FULL',
    `store: the disk holding ${folder} is full (${code}) while ${doing}; what was stored before is kept: free some space there and run again`,
    { cause: error },
  );
}
