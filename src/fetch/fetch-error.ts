// FetchError: why one source could not be fetched, with the HTTP status and Retry-After when known.
// Also turns transport errors (undici UND_ERR_*, system ENOTFOUND / ECONNREFUSED / TLS codes) into FetchError codes.

import { VeilleError } from '../domain/errors.js';
import type { ErrorCode } from '../domain/errors.js';
import { publicUrl } from '../domain/source-url.js';

export type FetchErrorCode = Extract<ErrorCode, `FETCH_${string}`>;

export class FetchError extends VeilleError {
  readonly httpStatus: number | null;
  readonly retryAfterMs: number | null;
  /** The URL being requested when it failed: the source's URL, or the redirect target reached. */
  readonly url: string;

  constructor(
    code: FetchErrorCode,
    message: string,
    details: { url: string; httpStatus?: number | null; retryAfterMs?: number | null; cause?: unknown },
  ) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.url = details.url;
    this.httpStatus = details.httpStatus ?? null;
    this.retryAfterMs = details.retryAfterMs ?? null;
  }
}

export function isFetchError(error: unknown, code?: FetchErrorCode): error is FetchError {
  return error instanceof FetchError && (code === undefined || error.code === code);
}

interface Classification {
  readonly code: FetchErrorCode;
  readonly says: string;
}

const CODE_TABLE: ReadonlyArray<readonly [test: (code: string) => boolean, classification: Classification]> = [
  [(c) => c === 'ENOTFOUND' || c === 'EAI_AGAIN' || c === 'EAI_NONAME' || c === 'EAI_NODATA' || c === 'EAI_FAIL',
    { code: 'FETCH_DNS', says: 'the host name could not be resolved (DNS); check the address or try again later' }],
  [(c) => c === 'ECONNREFUSED',
    { code: 'FETCH_REFUSED', says: 'the server refused the connection (nothing listening on that port)' }],
  [(c) => c === 'ECONNRESET' || c === 'EPIPE' || c === 'UND_ERR_SOCKET' || c === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
    { code: 'FETCH_RESET', says: 'the server closed the connection before the response was complete' }],
  [(c) => c === 'UND_ERR_CONNECT_TIMEOUT' || c === 'ETIMEDOUT',
    { code: 'FETCH_TIMEOUT', says: 'the server did not accept the connection in time' }],
  [(c) => c === 'UND_ERR_HEADERS_TIMEOUT',
    { code: 'FETCH_TIMEOUT', says: 'the server accepted the connection but sent no response in time' }],
  [(c) => c === 'UND_ERR_BODY_TIMEOUT',
    { code: 'FETCH_TIMEOUT', says: 'the server stopped sending the response body' }],
  [(c) => c === 'UND_ERR_HEADERS_OVERFLOW',
    { code: 'FETCH_TOO_LARGE', says: 'the response headers are too large' }],
  [(c) => c.startsWith('ERR_TLS_') || c.startsWith('ERR_SSL_') || c.includes('CERT') || c === 'EPROTO'
    || c === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' || c === 'UND_ERR_PRX_TLS',
    { code: 'FETCH_TLS', says: 'the secure connection (TLS) failed; the certificate may be invalid or expired' }],
  [(c) => c.startsWith('HPE_'),
    { code: 'FETCH_NETWORK', says: 'the server sent a malformed HTTP response' }],
  [(c) => c === 'EHOSTUNREACH' || c === 'ENETUNREACH' || c === 'ENETDOWN' || c === 'EHOSTDOWN',
    { code: 'FETCH_NETWORK', says: 'the host cannot be reached from this network' }],
];

/** Every `code` found on an error, its causes and (for happy-eyeballs AggregateErrors) its inner errors. */
function collectCodes(error: unknown, seen = new Set<unknown>()): string[] {
  if (typeof error !== 'object' || error === null || seen.has(error)) return [];
  seen.add(error);
  const codes: string[] = [];
  const record = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof record.code === 'string') codes.push(record.code);
  codes.push(...collectCodes(record.cause, seen));
  if (Array.isArray(record.errors)) for (const inner of record.errors) codes.push(...collectCodes(inner, seen));
  return codes;
}

/** The message of a FETCH_BLOCKED_ADDRESS refusal found in the error, its causes or inner errors. */
function findBlockedAddress(error: unknown, seen = new Set<unknown>()): string | null {
  if (typeof error !== 'object' || error === null || seen.has(error)) return null;
  seen.add(error);
  const record = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (record.code === 'FETCH_BLOCKED_ADDRESS' && typeof record.message === 'string') return record.message;
  const inner = [record.cause, ...(Array.isArray(record.errors) ? record.errors : [])];
  for (const candidate of inner) {
    const found = findBlockedAddress(candidate, seen);
    if (found !== null) return found;
  }
  return null;
}

/** Turns whatever the transport threw into a FetchError naming the URL; FetchErrors pass through. */
export function convertToFetchError(error: unknown, url: string): FetchError {
  if (error instanceof FetchError) return error;
  // The address guard (address-policy.ts) refuses at connect time; its message names the address.
  const blocked = findBlockedAddress(error);
  if (blocked !== null) return new FetchError('FETCH_BLOCKED_ADDRESS', `fetch: ${publicUrl(url)}: ${blocked}`, { url, cause: error });
  for (const code of collectCodes(error)) {
    for (const [test, classification] of CODE_TABLE) {
      if (test(code)) {
        return new FetchError(classification.code, `fetch: ${publicUrl(url)}: ${classification.says} (${code})`, { url, cause: error });
      }
    }
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new FetchError('FETCH_NETWORK', `fetch: ${publicUrl(url)}: network error: ${detail}`, { url, cause: error });
}
