// What every translation provider offers, and the one HTTP call they share: a JSON POST through
// the global fetch, with a timeout, turned into veille's errors (retryable or not, Retry-After).
import { VeilleError, type ErrorCode } from '../domain/errors.js';
import { parseRetryAfter } from '../fetch/retry-after.js';
import type { GlossaryEntry } from './glossary.js';

export interface TranslationProvider {
  /** libretranslate, deepl or openai: part of the cache key. */
  readonly name: string;
  /** The model, '' when the provider has none: part of the cache key. */
  readonly model: string;
  /** Texts one request may carry. */
  readonly batchSize: number;
  /**
   * How the glossary reaches the provider: in the request (a chat prompt, DeepL's glossary), or
   * by a post-pass over the output (LibreTranslate has no glossary).
   */
  readonly glossaryMode: 'request' | 'post-pass';
  /** The texts in `to`, in order; `glossary` holds the entries that occur in the texts. */
  translate(request: TranslationRequest): Promise<string[]>;
}

export interface TranslationRequest {
  readonly texts: readonly string[];
  /** ISO 639-1 codes, lower case. */
  readonly from: string;
  readonly to: string;
  readonly glossary: readonly GlossaryEntry[];
  readonly signal?: AbortSignal;
  /** The caller's clock: a Retry-After given as an HTTP date is read against it. */
  readonly now: () => Date;
}

export interface ProviderSettings {
  readonly url: string;
  readonly model: string;
  readonly apiKey: string | null;
  readonly timeoutMs: number;
}

/** A failed call: `retryable` for 429, 5xx, timeouts and network errors; `retryAfterMs` from the header. */
export class TranslateError extends VeilleError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

export function isTranslateError(error: unknown): error is TranslateError {
  return error instanceof TranslateError;
}

/**
 * The most an answer may weigh: 4 MiB, or 16 bytes per byte sent when a request is bigger. A
 * translation is about as long as its text (JSON escapes, a reasoning model's <think> block and
 * the provider's envelope fit well within); feeds are capped the same way (fetch.maxBytes), so a
 * provider that streams without end costs bounded memory (issue 13, finding 7).
 */
export const MIN_ANSWER_CAP_BYTES = 4 * 1024 * 1024;
const ANSWER_BYTES_PER_REQUEST_BYTE = 16;

export function answerCapFor(requestBytes: number): number {
  return Math.max(MIN_ANSWER_CAP_BYTES, requestBytes * ANSWER_BYTES_PER_REQUEST_BYTE);
}

/** POSTs `body` as JSON and returns the parsed JSON answer, or throws a TranslateError. */
export async function postJson(
  provider: string,
  url: string,
  body: unknown,
  options: {
    headers?: Record<string, string>;
    timeoutMs: number;
    signal?: AbortSignal | undefined;
    statusCodes?: Readonly<Record<number, ErrorCode>>;
    /** The caller's clock, for a Retry-After given as an HTTP date. */
    now: () => Date;
  },
): Promise<unknown> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const json = JSON.stringify(body);
  const cap = answerCapFor(Buffer.byteLength(json));
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...options.headers },
      body: json,
      signal,
    });
  } catch (cause) {
    if (timeout.aborted) throw new TranslateError('TRANSLATE_TIMEOUT', `translate: ${provider}: no answer within ${options.timeoutMs} ms`, true, null, { cause });
    if (options.signal?.aborted) throw cause;
    throw new TranslateError('TRANSLATE_NETWORK', `translate: ${provider}: cannot reach ${originOf(url)}: ${reasonOf(cause)}`, true, null, { cause });
  }
  let text: string;
  try {
    text = await readCapped(provider, response, cap);
  } catch (cause) {
    if (isTranslateError(cause)) throw cause;
    if (timeout.aborted) throw new TranslateError('TRANSLATE_TIMEOUT', `translate: ${provider}: the answer did not finish within ${options.timeoutMs} ms`, true, null, { cause });
    throw new TranslateError('TRANSLATE_NETWORK', `translate: ${provider}: the answer was cut: ${reasonOf(cause)}`, true, null, { cause });
  }
  if (!response.ok) throw statusError(provider, response, text, options.now(), options.statusCodes);
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new TranslateError('TRANSLATE_BAD_RESPONSE', `translate: ${provider}: the answer is not JSON`, false, null, { cause });
  }
}

/** The body as text, read chunk by chunk and refused as soon as it passes `cap` bytes. */
async function readCapped(provider: string, response: Response, cap: number): Promise<string> {
  const tooLarge = () =>
    new TranslateError('TRANSLATE_BAD_RESPONSE', `translate: ${provider}: the answer exceeds ${formatMiB(cap)}; refused unread`, false);
  const declared = Number(response.headers.get('content-length'));
  // Cancelling closes the connection; it is not awaited, as a peer need not acknowledge it.
  if (declared > cap) {
    response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > cap) {
      reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks, size));
}

function formatMiB(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
}

/** 400 Bad Request, 413 Content Too Large, 414 URI Too Long, 422 Unprocessable Content (RFC 9110 §15.5). */
const REFUSED_TEXT_STATUSES: ReadonlySet<number> = new Set([400, 413, 414, 422]);

function statusError(provider: string, response: Response, body: string, now: Date, codes: Readonly<Record<number, ErrorCode>> = {}): TranslateError {
  const status = response.status;
  const detail = errorDetail(body);
  const said = `HTTP ${status}${detail === '' ? '' : ` (${detail})`}`;
  const code = codes[status];
  if (status === 401 || status === 403) {
    return new TranslateError('TRANSLATE_AUTH', `translate: ${provider}: ${said}: the key is missing, wrong or not allowed; check translate.apiKeyEnv`, false);
  }
  if (code === 'TRANSLATE_QUOTA') {
    return new TranslateError('TRANSLATE_QUOTA', `translate: ${provider}: ${said}: the quota is used up; the rest waits`, false);
  }
  if (status === 429) {
    return new TranslateError('TRANSLATE_RATE_LIMITED', `translate: ${provider}: ${said}: too many requests`, true, parseRetryAfter(response.headers.get('retry-after'), now));
  }
  if (status >= 500) {
    return new TranslateError('TRANSLATE_HTTP_STATUS', `translate: ${provider}: ${said}`, true, parseRetryAfter(response.headers.get('retry-after'), now));
  }
  // The request's texts refused (a bad request, too long, unprocessable): another text may pass.
  if (code === undefined && REFUSED_TEXT_STATUSES.has(status)) return new TranslateError('TRANSLATE_REFUSED_TEXT', `translate: ${provider}: ${said}`, false);
  return new TranslateError(code ?? 'TRANSLATE_HTTP_STATUS', `translate: ${provider}: ${said}`, false);
}

/** The provider's own error message, short and on one line, when the body has one. */
function errorDetail(body: string): string {
  let message = '';
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown };
    const error = parsed.error;
    if (typeof error === 'string') message = error;
    else if (error !== null && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') {
      message = (error as { message: string }).message;
    } else if (typeof parsed.message === 'string') message = parsed.message;
  } catch {
    message = '';
  }
  return message.replace(/\s+/g, ' ').trim().slice(0, 200);
}

/** `base` + `path`, with exactly one slash between. */
export function joinUrl(base: string, path: string): string {
  return `${withoutTrailingSlashes(base)}/${path.replace(/^\/+/, '')}`;
}

/** `text` without the slashes it ends with (a loop: `/\/+$/` retries every run of slashes to its end). */
export function withoutTrailingSlashes(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x2f) end -= 1;
  return text.slice(0, end);
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

function reasonOf(cause: unknown): string {
  const inner = (cause as { cause?: { code?: string; message?: string } }).cause;
  return inner?.code ?? inner?.message ?? (cause instanceof Error ? cause.message : String(cause));
}

/** A missing field in a provider's answer. */
export function badResponse(provider: string, what: string): TranslateError {
  return new TranslateError('TRANSLATE_BAD_RESPONSE', `translate: ${provider}: unexpected answer: ${what}`, false);
}
