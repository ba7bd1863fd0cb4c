// One conditional GET of a feed: validators, manual redirects, time and size limits on every phase,
// streaming decompression counted against the cap, and charset decoding of the body.

import { STATUS_CODES } from 'node:http';
import { pipeline, Transform } from 'node:stream';
import type { Readable, TransformCallback } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate, createInflateRaw } from 'node:zlib';
import { publicUrl } from '../domain/source-url.js';
import { readFeedBytes } from './charset.js';
import { FetchError, convertToFetchError } from './fetch-error.js';
import { parseRetryAfter } from './retry-after.js';
import { createHttpClient } from './http-client.js';
import type { HttpClient, HttpResponse } from './http-client.js';

export interface FetchPolicy {
  userAgent: string;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  /** Deadline for the whole body, from the response headers to the last byte. */
  bodyTimeoutMs: number;
  /** Cap on the body, checked on the bytes received and again on the decoded bytes. */
  maxBytes: number;
  maxRedirects: number;
  /**
   * The URL does not come from the user's config (a link found in a page or an item): every hop,
   * redirects included, is refused when it reaches a loopback, private, link-local or metadata address.
   * A trusted URL's redirect to another origin is judged so too (see fetchFeed).
   */
  untrusted: boolean;
  /** Exceptions to that refusal: CIDR ranges, addresses or host names (`fetch.allowPrivateHosts`). */
  allowPrivateHosts: readonly string[];
}

export const DEFAULT_FETCH_POLICY: FetchPolicy = Object.freeze({
  userAgent: 'veille/0.1.0 (+https://veille.example.org/)',
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 15_000,
  bodyTimeoutMs: 30_000,
  maxBytes: 10 * 1024 * 1024,
  maxRedirects: 5,
  untrusted: false,
  allowPrivateHosts: Object.freeze([]) as readonly string[],
});

export interface ConditionalState {
  etag: string | null;
  lastModified: string | null;
}

export interface ResponseHints {
  /** Cache-Control max-age, in seconds. */
  maxAgeSeconds: number | null;
  /** Retry-After resolved against the clock, in milliseconds from now (never negative). */
  retryAfterMs: number | null;
}

interface OutcomeBase {
  requestedUrl: string;
  finalUrl: string;
  /** The URL to store instead of `requestedUrl`: set only when every redirect was 301 or 308. */
  permanentUrl: string | null;
  etag: string | null;
  lastModified: string | null;
  hints: ResponseHints;
  durationMs: number;
}

export type FetchOutcome =
  | (OutcomeBase & { kind: 'not-modified'; httpStatus: 304 })
  | (OutcomeBase & {
      kind: 'ok';
      httpStatus: number;
      text: string;
      /** The bytes whose UTF-8 decoding `text` is, exactly, when they are (charset.ts FeedText); null or absent otherwise. */
      utf8?: Uint8Array | null;
      charset: string;
      contentType: string | null;
      /** Size of the decoded body. */
      bytes: number;
      /** Size of the body as received, before decompression. */
      receivedBytes: number;
    });

export interface FetchOptions {
  /** Reuse one client per cycle; without one, a client is created and closed for this call. */
  client?: HttpClient;
  now?: () => Date;
  /** Aborting rejects with the signal's reason, not a FetchError: the caller asked for it. */
  signal?: AbortSignal;
  /**
   * The URL the user chose (the configured or typed one) when `url` is not it, such as the new URL
   * of a source that moved: only its origin is trusted. Default: `url`.
   */
  trustedUrl?: string;
  /** The Accept header: feeds by default (an article page asks for HTML). */
  accept?: string;
  /** Called with each redirect's target before it is requested; a rejection stops the fetch with its error (robots.txt of an article page's new origin). */
  beforeRedirect?: (url: string) => Promise<void>;
}

/** How one hop is requested: trusted, or untrusted (address policy), from the user's own network or not. */
interface HopAccess {
  readonly untrusted: boolean;
  readonly ownNetwork: boolean;
}

const TRUSTED_HOP: HopAccess = Object.freeze({ untrusted: false, ownNetwork: false });

const ACCEPT =
  'application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, ' +
  'application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5';

/** RFC 9110 §15.4: the redirections that carry a Location to follow. */
const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
/** RFC 9110 §15.4.2 and §15.4.9: only these tell the client to update its stored link. */
const PERMANENT_REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 308]);

/**
 * Fetches `url`, following redirects. A hop is trusted on the origin of the URL the user chose
 * (`options.trustedUrl`, else `url`); a hop to another origin is untrusted, like a link found in a
 * page: it must pass the address policy, unless the chosen URL is itself on the user's own network
 * (loopback or private) and the hop stays there. An untrusted hop that fails says so without what
 * it answered (status, body, timing), so that a redirect cannot make veille probe an internal address.
 */
export async function fetchFeed(
  url: string,
  conditional: ConditionalState,
  policy: FetchPolicy,
  options: FetchOptions = {},
): Promise<FetchOutcome> {
  const startedAt = performance.now();
  const now = options.now ?? (() => new Date());
  const requestHeaders = buildRequestHeaders(conditional, policy, options.accept ?? ACCEPT);
  let current = parseHttpUrl(url, url, 'is not a valid http(s) URL');
  const client = options.client ?? createHttpClient(policy);
  const visited = new Set<string>([current]);
  let everyRedirectPermanent = true;
  let redirects = 0;
  const chosenUrl = options.trustedUrl ?? url;
  let ownNetwork: Promise<boolean> | null = null;
  const judgeHop = async (target: string): Promise<HopAccess> => {
    if (policy.untrusted) return { untrusted: true, ownNetwork: false };
    if (originOf(target) === originOf(chosenUrl)) return TRUSTED_HOP;
    ownNetwork ??= client.isOwnNetwork(chosenUrl);
    return { untrusted: true, ownNetwork: await ownNetwork };
  };
  try {
    for (;;) {
      const access = await judgeHop(current);
      // A link fetched untrusted on purpose is not a redirect: its own first hop is named as such.
      const followed = !(policy.untrusted && redirects === 0);
      let step: FetchOutcome | { readonly next: string; readonly status: number };
      try {
        step = await fetchHop(current, access);
      } catch (error) {
        throw access.untrusted ? concealUntrustedFailure(error, url, current, followed) : error;
      }
      if ('kind' in step) return step;
      redirects += 1;
      if (redirects > policy.maxRedirects) {
        const error = new FetchError('FETCH_TOO_MANY_REDIRECTS',
          `fetch: ${publicUrl(url)}: more than ${policy.maxRedirects} redirects (the last one to ${publicUrl(step.next)})`,
          { url: current, httpStatus: step.status });
        throw access.untrusted ? concealUntrustedFailure(error, url, current, followed) : error;
      }
      visited.add(step.next);
      if (!PERMANENT_REDIRECT_STATUSES.has(step.status)) everyRedirectPermanent = false;
      current = step.next;
      if (options.beforeRedirect) await options.beforeRedirect(current);
    }
  } finally {
    if (options.client === undefined) await client.close();
  }

  /** One request: the outcome, or the redirect to follow. An untrusted hop's failure is concealed by the caller. */
  async function fetchHop(hopUrl: string, access: HopAccess): Promise<FetchOutcome | { next: string; status: number }> {
    const exchange = await sendRequest(client, hopUrl, requestHeaders, policy, access, options.signal);
    const { response } = exchange;
    const hints = readHints(response, now());

    if (REDIRECT_STATUSES.has(response.status)) {
      exchange.discard();
      return { next: readRedirectTarget(response, url, hopUrl, visited), status: response.status };
    }

    const base = {
      requestedUrl: url,
      finalUrl: hopUrl,
      permanentUrl: redirects > 0 && everyRedirectPermanent ? hopUrl : null,
      hints,
    };

    // RFC 9110 §15.4.5: a 304 carries the validators the stored copy should now keep; when the
    // server omits them, the ones that were sent still hold.
    if (response.status === 304) {
      exchange.discard();
      return {
        ...base,
        kind: 'not-modified',
        httpStatus: 304,
        etag: readHeader(response, 'etag') ?? conditional.etag,
        lastModified: readHeader(response, 'last-modified') ?? conditional.lastModified,
        durationMs: measureSince(startedAt),
      };
    }

    if (response.status < 200 || response.status > 299) {
      exchange.discard();
      throw new FetchError('FETCH_HTTP_STATUS', describeStatusFailure(hopUrl, response.status, hints),
        { url: hopUrl, httpStatus: response.status, retryAfterMs: hints.retryAfterMs });
    }

    const { body, receivedBytes } = await exchange.readBody();
    const contentType = readHeader(response, 'content-type');
    const decoded = readFeedBytes(body, contentType);
    return {
      ...base,
      kind: 'ok',
      httpStatus: response.status,
      // Decoded when first read: a body the store has processed already is known by its bytes (readFeedBytes).
      get text() {
        return decoded.text;
      },
      utf8: decoded.utf8,
      charset: decoded.charset,
      contentType,
      etag: readHeader(response, 'etag'),
      lastModified: readHeader(response, 'last-modified'),
      bytes: body.byteLength,
      receivedBytes,
      durationMs: measureSince(startedAt),
    };
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** The answers that ask a client to come back later (RFC 9110 §15.6.4, RFC 6585 §4). */
const SLOW_DOWN_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/**
 * The error shown for an untrusted hop that failed: the caller's abort passes through; a refusal
 * by the address policy keeps its code; anything else becomes FETCH_UNTRUSTED_FAILED. `followed`:
 * the hop came from a redirect (else it is a link fetched untrusted, whose refusal names the address,
 * as the link was written in a page the user chose).
 */
function concealUntrustedFailure(error: unknown, requestedUrl: string, hopUrl: string, followed: boolean): unknown {
  if (error !== null && !(error instanceof FetchError)) return error;
  const shown = publicUrl(requestedUrl);
  if (error?.code === 'FETCH_BLOCKED_ADDRESS') {
    if (!followed) return error;
    return new FetchError('FETCH_BLOCKED_ADDRESS',
      `fetch: ${shown}: redirected to a host that may not be reached (a loopback, private, link-local or metadata ` +
        'address, refused after a redirect to another origin; fetch.allowPrivateHosts lists exceptions)', { url: hopUrl });
  }
  // A link's own first hop passed the address policy: its status and Retry-After stay on the error
  // (not in the message), so that a 404 robots.txt allows and a 429 defers the host (issue 16).
  // A redirect target's answer stays hidden, except "slow down" (429, 503) with its Retry-After:
  // the host that said it is deferred, as politeness asks, and nothing of it reaches a message.
  const keepsAnswer = error !== null && (!followed || SLOW_DOWN_STATUSES.has(error.httpStatus ?? 0));
  const answer = keepsAnswer ? { httpStatus: error.httpStatus, retryAfterMs: error.retryAfterMs } : {};
  return new FetchError('FETCH_UNTRUSTED_FAILED', followed
    ? `fetch: ${shown}: the redirect target could not be fetched (it is on another origin, so its answer is not shown)`
    : `fetch: ${shown}: could not be fetched (a URL that does not come from the config: its answer is not shown)`,
  { url: hopUrl, ...answer });
}

/** The absolute URL a redirect points to; fails on a missing or non-http(s) Location and on a loop. */
function readRedirectTarget(response: HttpResponse, requestedUrl: string, current: string, visited: ReadonlySet<string>): string {
  const location = readHeader(response, 'location');
  if (location === null) {
    throw new FetchError('FETCH_HTTP_STATUS',
      `fetch: ${publicUrl(current)} answered ${describeStatus(response.status)} without a Location to follow`,
      { url: current, httpStatus: response.status });
  }
  // RFC 9110 §10.2.2: Location may be relative to the URL that was requested.
  const next = parseHttpUrl(location, current, `redirects to "${publicUrl(location)}", which is not a valid http(s) URL`);
  if (visited.has(next)) {
    throw new FetchError('FETCH_REDIRECT_LOOP',
      `fetch: ${publicUrl(requestedUrl)}: redirect loop, ${publicUrl(current)} sends back to ${publicUrl(next)}, which was already visited`,
      { url: current, httpStatus: response.status });
  }
  return next;
}

function buildRequestHeaders(conditional: ConditionalState, policy: FetchPolicy, accept: string): Record<string, string> {
  const headers: Record<string, string> = {
    'user-agent': policy.userAgent,
    accept,
    'accept-encoding': 'gzip, deflate, br',
  };
  // RFC 9110 §13.1.2 and §13.1.3: send both validators; the server gives If-None-Match precedence (§13.2.2).
  if (conditional.etag !== null) headers['if-none-match'] = conditional.etag;
  if (conditional.lastModified !== null) headers['if-modified-since'] = conditional.lastModified;
  return headers;
}

/** Absolute http(s) URL without its fragment (never sent, and it would hide redirect loops). */
function parseHttpUrl(input: string, base: string, problem: string): string {
  let parsed: URL;
  try {
    parsed = new URL(input, base);
  } catch (error) {
    throw new FetchError('FETCH_BAD_URL', `fetch: ${publicUrl(base)}: ${problem}`, { url: base, cause: error });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new FetchError('FETCH_BAD_URL', `fetch: ${publicUrl(base)}: ${problem}`, { url: base });
  }
  parsed.hash = '';
  return parsed.href;
}

/** RFC 6761 §6.4: names under .invalid never resolve, so answer at once instead of asking a resolver that may hang. */
function isReservedInvalidHost(url: string): boolean {
  const hostname = new URL(url).hostname.toLowerCase().replace(/\.$/, '');
  return hostname === 'invalid' || hostname.endsWith('.invalid');
}

interface Exchange {
  readonly response: HttpResponse;
  /** Drops the body and the connection with it. */
  discard(): void;
  /** The decoded body, within the policy's byte cap and body deadline, and the bytes received for it. */
  readBody(): Promise<{ body: Uint8Array; receivedBytes: number }>;
}

/**
 * One request, with its own AbortController: the caller's signal, a backstop deadline for the
 * headers (undici's connect and headers timeouts normally fire first) and the body deadline all abort it.
 */
async function sendRequest(
  client: HttpClient,
  url: string,
  headers: Record<string, string>,
  policy: FetchPolicy,
  access: HopAccess,
  signal: AbortSignal | undefined,
): Promise<Exchange> {
  signal?.throwIfAborted();
  if (isReservedInvalidHost(url)) {
    throw new FetchError('FETCH_DNS',
      `fetch: ${publicUrl(url)}: the host name could not be resolved (DNS); the .invalid domain never exists`, { url });
  }
  const controller = new AbortController();
  const forwardAbort = (): void => controller.abort(signal?.reason);
  signal?.addEventListener('abort', forwardAbort, { once: true });
  const release = (): void => signal?.removeEventListener('abort', forwardAbort);

  const headersDeadline = setTimeout(() => {
    controller.abort(new FetchError('FETCH_TIMEOUT',
      `fetch: ${publicUrl(url)}: the server sent no response within ${policy.connectTimeoutMs + policy.headersTimeoutMs} ms`,
      { url }));
  }, policy.connectTimeoutMs + policy.headersTimeoutMs);

  let response: HttpResponse;
  try {
    response = await client.request({ url, headers, signal: controller.signal, untrusted: access.untrusted, ownNetwork: access.ownNetwork });
  } catch (error) {
    release();
    throw explainFailure(error, controller.signal, url);
  } finally {
    clearTimeout(headersDeadline);
  }

  // undici reports a body destroyed before its end as an 'error' event; the failures that matter
  // reach readBody through the pipeline, so an unread body's abort must not crash the process.
  response.body.on('error', ignoreError);
  const destroyBodyOnAbort = (): void => {
    response.body.destroy(controller.signal.reason instanceof Error ? controller.signal.reason : undefined);
  };
  controller.signal.addEventListener('abort', destroyBodyOnAbort, { once: true });

  return {
    response,
    discard(): void {
      release();
      // RFC 9110 §15.4.5: a 304 has no body. Read to its end, it ends at once; destroyed, it made
      // undici's RequestAbortedError, whose stack Node builds (issue 15: a cycle of 200 answers 304).
      if (response.status === 304) response.body.resume();
      else response.body.destroy();
    },
    async readBody(): Promise<{ body: Uint8Array; receivedBytes: number }> {
      const bodyDeadline = setTimeout(() => {
        controller.abort(new FetchError('FETCH_TIMEOUT',
          `fetch: ${publicUrl(url)}: the body did not arrive within ${policy.bodyTimeoutMs} ms (server too slow)`, { url }));
      }, policy.bodyTimeoutMs);
      try {
        return await readLimitedBody(response, url, policy.maxBytes, controller);
      } catch (error) {
        throw explainFailure(error, controller.signal, url);
      } finally {
        clearTimeout(bodyDeadline);
        release();
        response.body.destroy();
      }
    },
  };
}

function ignoreError(): void {}

/** Our own aborts say why (timeout, cap); the caller's abort passes through unchanged; the rest is classified. */
function explainFailure(error: unknown, signal: AbortSignal, url: string): unknown {
  if (signal.aborted) return signal.reason;
  return convertToFetchError(error, url);
}

async function readLimitedBody(
  response: HttpResponse,
  url: string,
  maxBytes: number,
  controller: AbortController,
): Promise<{ body: Uint8Array; receivedBytes: number }> {
  const stopTooLarge = (what: string): FetchError => {
    const error = new FetchError('FETCH_TOO_LARGE',
      `fetch: ${publicUrl(url)}: the ${what} is larger than the ${formatBytes(maxBytes)} limit`, { url });
    controller.abort(error);
    return error;
  };

  const declaredLength = Number(readHeader(response, 'content-length') ?? Number.NaN);
  if (Number.isFinite(declaredLength) && declaredLength > maxBytes) throw stopTooLarge('response body');

  const encodings = parseContentEncodings(readHeader(response, 'content-encoding'));
  const outermost = encodings.at(-1);
  const firstBytes = outermost === 'deflate' ? await peekFirstBytes(response.body) : null;

  const received = createByteCap(maxBytes, () => stopTooLarge('response body'));
  const stages: Transform[] = [received.stage];
  // RFC 9110 §8.4: codings are listed in the order applied, so undo them from last to first.
  for (const encoding of [...encodings].reverse()) {
    stages.push(createDecoder(encoding, url, encoding === outermost ? firstBytes : null));
  }
  stages.push(createByteCap(maxBytes, () => stopTooLarge('decompressed body')).stage);

  const chunks: Buffer[] = [];
  let total = 0;
  const output = stages.at(-1) as Transform;
  // Errors reach `output` too; pipeline destroys every stage, the undici body and its socket included.
  pipeline([response.body, ...stages], () => undefined);
  for await (const chunk of output as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    total += chunk.byteLength;
  }
  return { body: Buffer.concat(chunks, total), receivedBytes: received.seen() };
}

function parseContentEncodings(header: string | null): string[] {
  if (header === null) return [];
  return header
    .split(',')
    .map((token) => token.trim().toLowerCase())
    .filter((token) => token !== '' && token !== 'identity');
}

function createDecoder(encoding: string, url: string, firstBytes: Buffer | null): Transform {
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'br':
      return createBrotliDecompress();
    case 'deflate':
      // RFC 9110 §8.4.1.2 says zlib-wrapped, but some servers send raw deflate; the zlib header tells them apart.
      return firstBytes === null || hasZlibHeader(firstBytes) ? createInflate() : createInflateRaw();
    default:
      throw new FetchError('FETCH_NETWORK',
        `fetch: ${publicUrl(url)}: the server used a content encoding veille cannot decode ("${encoding}")`, { url });
  }
}

function hasZlibHeader(bytes: Buffer): boolean {
  const [cmf, flg] = bytes;
  if (cmf === undefined || flg === undefined) return true;
  return (cmf & 0x0f) === 8 && ((cmf << 8) | flg) % 31 === 0;
}

/** Reads what has arrived of the body and puts it back, to look at the first bytes. */
async function peekFirstBytes(body: Readable): Promise<Buffer | null> {
  await new Promise<void>((resolve) => {
    const settle = (): void => {
      body.off('readable', settle).off('error', settle).off('close', settle);
      resolve();
    };
    body.on('readable', settle).on('error', settle).on('close', settle);
  });
  const chunk: unknown = body.read();
  if (!Buffer.isBuffer(chunk)) return null;
  body.unshift(chunk);
  return chunk;
}

/** A pass-through that fails as soon as more than `maxBytes` went through it, and counts them. */
function createByteCap(maxBytes: number, fail: () => Error): { stage: Transform; seen(): number } {
  let seen = 0;
  const stage = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
      seen += chunk.byteLength;
      if (seen > maxBytes) callback(fail());
      else callback(null, chunk);
    },
  });
  return { stage, seen: () => seen };
}

function readHeader(response: HttpResponse, name: string): string | null {
  const value = response.headers[name];
  if (value === undefined) return null;
  const joined = Array.isArray(value) ? value.join(', ') : value;
  return joined.trim() === '' ? null : joined.trim();
}

function readHints(response: HttpResponse, now: Date): ResponseHints {
  return {
    maxAgeSeconds: parseMaxAge(readHeader(response, 'cache-control')),
    retryAfterMs: parseRetryAfter(readHeader(response, 'retry-after'), now),
  };
}

function parseMaxAge(cacheControl: string | null): number | null {
  if (cacheControl === null) return null;
  const match = /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?\s*(?:,|$)/i.exec(cacheControl);
  return match?.[1] === undefined ? null : Number(match[1]);
}

function describeStatus(status: number): string {
  const reason = STATUS_CODES[status];
  return reason === undefined ? `HTTP ${status}` : `HTTP ${status} ${reason}`;
}

function describeStatusFailure(url: string, status: number, hints: ResponseHints): string {
  const retry = hints.retryAfterMs === null ? '' : `; retry in ${Math.ceil(hints.retryAfterMs / 1000)} s`;
  return `fetch: ${publicUrl(url)} answered ${describeStatus(status)}${retry}`;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

function measureSince(startedAt: number): number {
  return Math.round(performance.now() - startedAt);
}
