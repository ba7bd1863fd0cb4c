// Error codes shared by every stage: callers branch on `code`, never on message text.

export const ERROR_CODES = [
  'USAGE',
  'CONFIG_NOT_FOUND',
  'CONFIG_INVALID',
  'TAXONOMY_INVALID',
  'OPML_INVALID',
  'FETCH_TIMEOUT',
  'FETCH_TOO_LARGE',
  'FETCH_HTTP_STATUS',
  'FETCH_REDIRECT_LOOP',
  'FETCH_TOO_MANY_REDIRECTS',
  'FETCH_DNS',
  'FETCH_REFUSED',
  'FETCH_RESET',
  'FETCH_TLS',
  'FETCH_NETWORK',
  'FETCH_BAD_URL',
  'FETCH_NOT_A_FEED',
  'FETCH_BLOCKED_ADDRESS',
  'PARSE_INVALID_FEED',
  'STORE_LOCKED',
  'STORE_FAILED',
  'PUBLISH_FAILED',
  'SERVER_LISTEN',
  'TRANSLATE_NO_KEY',
  'TRANSLATE_AUTH',
  'TRANSLATE_QUOTA',
  'TRANSLATE_RATE_LIMITED',
  'TRANSLATE_HTTP_STATUS',
  'TRANSLATE_REFUSED_TEXT',
  'TRANSLATE_TIMEOUT',
  'TRANSLATE_NETWORK',
  'TRANSLATE_BAD_RESPONSE',
  'LOCK_TIMEOUT',
  'FETCH_UNTRUSTED_FAILED',
  'STORE_DISK_FULL',
  'PARSE_TIMEOUT',
  'FETCH_NOT_HTML',
  'FETCH_ROBOTS_DISALLOWED',
  'EXTRACT_NO_ARTICLE',
  'WEBSUB_HUB_FAILED',
  'COORDINATION_FAILED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class VeilleError extends Error {
  override readonly name = 'VeilleError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isVeilleError(error: unknown, code?: ErrorCode): error is VeilleError {
  return error instanceof VeilleError && (code === undefined || error.code === code);
}

/** The message of any thrown value, for logs and the status table. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Why a file could not be read, in a few words for the common system errors ("no such file"). */
export function describeFileError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return error instanceof Error ? error.message : String(error);
}
