// A configured source as stored: its HTTP state, its health and what its feed said about itself.
import type { ErrorCode } from './errors.js';

export interface SourceRecord {
  readonly id: number;
  readonly key: string;
  readonly url: string;
  readonly name: string | null;
  readonly lang: string | null;
  readonly active: boolean;
  readonly siteUrl: string | null;
  readonly feedTitle: string | null;
  readonly etag: string | null;
  readonly lastModified: string | null;
  readonly lastAttemptAt: string | null;
  readonly lastSuccessAt: string | null;
  readonly lastErrorAt: string | null;
  readonly lastErrorCode: ErrorCode | null;
  readonly lastError: string | null;
  readonly consecutiveFailures: number;
  readonly nextFetchAt: string | null;
  readonly movedFrom: string | null;
  readonly movedAt: string | null;
  readonly lastNewItemAt: string | null;
  readonly itemCount: number;
  readonly createdAt: string;
  /** JSON of the feed's own schedule hints, as the worker wrote them on the last full fetch. */
  readonly feedHints: string | null;
  /** The body key of the last feed body processed (app/body-key.ts); null or absent: none yet. */
  readonly bodyHash?: string | null;
}

/** A host that asked not to be contacted before a time (HTTP 429 or 503 with Retry-After). */
export interface HostDeferral {
  readonly host: string;
  readonly notBefore: string;
  readonly reason: string;
}
