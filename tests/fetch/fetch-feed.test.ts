// fetchFeed against real node:http servers on loopback: validators, limits, redirects, failures.

import type { Readable } from 'node:stream';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchError } from '../../src/fetch/fetch-error.js';
import type { FetchErrorCode } from '../../src/fetch/fetch-error.js';
import { DEFAULT_FETCH_POLICY, fetchFeed } from '../../src/fetch/fetch-feed.js';
import type { ConditionalState, FetchOutcome, FetchPolicy } from '../../src/fetch/fetch-feed.js';
import { createHttpClient } from '../../src/fetch/http-client.js';
import type { HttpClient } from '../../src/fetch/http-client.js';
import { findClosedPort, SAMPLE_RSS, sendFeed, startServer } from './servers.js';
import type { Route, TestServer } from './servers.js';

const MiB = 1024 * 1024;
const NOW = new Date('2025-03-03T10:00:00Z');
const LAST_MODIFIED = 'Mon, 03 Mar 2025 08:00:00 GMT';
const NO_VALIDATORS: ConditionalState = { etag: null, lastModified: null };

const TEST_POLICY: FetchPolicy = {
  ...DEFAULT_FETCH_POLICY,
  userAgent: 'veille-test/0.1.0 (+https://veille.example.org/)',
  connectTimeoutMs: 1_000,
  headersTimeoutMs: 300,
  bodyTimeoutMs: 2_500,
  maxBytes: 1 * MiB,
};

/** What the endless route managed to write, and when the client hung up. */
const endless = { written: 0, closedAt: 0 };
const gzipBomb = gzipSync(Buffer.alloc(50 * MiB));

const routes: Record<string, Route> = {
  '/feed': (_request, response) => sendFeed(response),
  '/echo': (request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(request.headers));
  },
  '/etag': (request, response) => {
    if (request.headers['if-none-match'] === '"v1"') response.writeHead(304, { etag: '"v1"' }).end();
    else sendFeed(response, { etag: '"v1"' });
  },
  '/last-modified': (request, response) => {
    if (request.headers['if-modified-since'] === LAST_MODIFIED) response.writeHead(304).end();
    else sendFeed(response, { 'last-modified': LAST_MODIFIED, 'cache-control': 'public, max-age=1800' });
  },
  '/silent': () => {
    // Accepts the connection and never answers.
  },
  '/trickle': (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/rss+xml', 'content-length': '1000' });
    response.write('<');
    const timer = setInterval(() => response.write('x'), 1_000);
    response.on('close', () => clearInterval(timer));
  },
  '/endless': (_request, response) => {
    endless.written = 0;
    response.writeHead(200, { 'content-type': 'application/rss+xml' });
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const pump = (): void => {
      while (!response.destroyed && response.write(chunk)) endless.written += chunk.byteLength;
    };
    response.on('drain', pump);
    response.on('close', () => {
      endless.closedAt = performance.now();
    });
    pump();
  },
  '/gzip-bomb': (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'gzip' }).end(gzipBomb);
  },
  '/gzip': (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'gzip' }).end(gzipSync(SAMPLE_RSS));
  },
  '/brotli': (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'br' }).end(brotliCompressSync(SAMPLE_RSS));
  },
  '/deflate': (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'deflate' }).end(deflateSync(SAMPLE_RSS));
  },
  '/deflate-raw': (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'deflate' }).end(deflateRawSync(SAMPLE_RSS));
  },
  '/big-declared': (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/rss+xml', 'content-length': String(2 * MiB) }).end(Buffer.alloc(2 * MiB, 0x61));
  },
  '/big-chunked': (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/rss+xml' });
    for (let index = 0; index < 32; index += 1) response.write(Buffer.alloc(64 * 1024, 0x61));
    response.end();
  },
  '/latin1': (_request, response) => {
    const bytes = Buffer.from([...Buffer.from('<rss><title>l'), 0x92, ...Buffer.from('IA et le c'), 0x9c, ...Buffer.from('ur</title></rss>')]);
    response.writeHead(200, { 'content-type': 'application/rss+xml; charset=ISO-8859-1' }).end(bytes);
  },
  '/loop-a': (_request, response) => response.writeHead(302, { location: '/loop-b' }).end(),
  '/loop-b': (_request, response) => response.writeHead(302, { location: '/loop-a' }).end(),
  '/self': (_request, response) => response.writeHead(301, { location: '/self' }).end(),
  '/permanent-1': (_request, response) => response.writeHead(301, { location: '/permanent-2' }).end(),
  '/permanent-2': (_request, response) => response.writeHead(308, { location: 'feed' }).end(),
  '/mixed-1': (_request, response) => response.writeHead(301, { location: '/mixed-2' }).end(),
  '/mixed-2': (_request, response) => response.writeHead(302, { location: '/feed' }).end(),
  '/moved-etag': (_request, response) => response.writeHead(301, { location: '/etag' }).end(),
  '/temporary': (_request, response) => response.writeHead(307, { location: '/feed' }).end(),
  '/no-location': (_request, response) => response.writeHead(302).end(),
  '/to-ftp': (_request, response) => response.writeHead(302, { location: 'ftp://example.org/feed' }).end(),
  '/status/404': (_request, response) => response.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not here</h1>'),
  '/status/500': (_request, response) => response.writeHead(500).end('oops'),
  '/status/429-seconds': (_request, response) => response.writeHead(429, { 'retry-after': '120' }).end(),
  '/status/429-date': (_request, response) => {
    response.writeHead(429, { 'retry-after': new Date(NOW.getTime() + 90_000).toUTCString() }).end();
  },
  '/reset': (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/rss+xml', 'content-length': '1000' });
    response.write('<rss>');
    setTimeout(() => response.socket?.destroy(), 50);
  },
};
// /chain/6 → /chain/5 → ... → /chain/0, which answers the feed: /chain/N takes N redirects.
for (let step = 1; step <= 6; step += 1) {
  routes[`/chain/${step}`] = (_request, response) => response.writeHead(302, { location: `/chain/${step - 1}` }).end();
}
routes['/chain/0'] = (_request, response) => sendFeed(response);

let server: TestServer;
let client: HttpClient;
let closedPort: number;

beforeAll(async () => {
  server = await startServer(routes);
  client = createHttpClient(TEST_POLICY);
  closedPort = await findClosedPort();
});

afterAll(async () => {
  await client.close();
  await server.close();
});

function fetchTestFeed(url: string, conditional = NO_VALIDATORS, policy: Partial<FetchPolicy> = {}): Promise<FetchOutcome> {
  return fetchFeed(url, conditional, { ...TEST_POLICY, ...policy }, { client, now: () => NOW });
}

async function catchFetchError(promise: Promise<unknown>): Promise<FetchError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FetchError) return error;
    throw error;
  }
  throw new Error('expected a FetchError, got an outcome');
}

describe('fetchFeed: conditional requests (RFC 9110 §13)', () => {
  it('sends the user agent, the feed Accept list and the encodings it decodes', async () => {
    const outcome = await fetchTestFeed(server.url('/echo'));
    expect(outcome.kind).toBe('ok');
    const headers = JSON.parse(outcome.kind === 'ok' ? outcome.text : '{}') as Record<string, string>;
    expect(headers).toMatchObject({
      'user-agent': TEST_POLICY.userAgent,
      accept: 'application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5',
      'accept-encoding': 'gzip, deflate, br',
    });
    expect(headers['if-none-match']).toBeUndefined();
    expect(headers['if-modified-since']).toBeUndefined();
  });

  // RFC 9110 §13.1.2: If-None-Match with the stored ETag; §15.4.5: 304 Not Modified.
  it('answers 200 with the ETag, then not-modified when If-None-Match matches', async () => {
    const first = await fetchTestFeed(server.url('/etag'));
    expect(first).toMatchObject({ kind: 'ok', httpStatus: 200, etag: '"v1"', text: SAMPLE_RSS, charset: 'utf-8' });
    const second = await fetchTestFeed(server.url('/etag'), { etag: '"v1"', lastModified: null });
    expect(second).toMatchObject({ kind: 'not-modified', httpStatus: 304, etag: '"v1"', permanentUrl: null });
    expect(server.requests.at(-1)?.headers['if-none-match']).toBe('"v1"');
  });

  // RFC 9110 §15.4.5: a 304 has no body: it is read to its end, not destroyed (undici then makes a
  // RequestAbortedError, whose stack Node builds: issue 15, a cycle of 200 answers 304).
  it('reads the empty body of a 304 to its end instead of aborting it', async () => {
    const bodies: Readable[] = [];
    const watching: HttpClient = {
      ...client,
      request: async (request) => {
        const response = await client.request(request);
        bodies.push(response.body);
        return response;
      },
    };
    const outcome = await fetchFeed(server.url('/etag'), { etag: '"v1"', lastModified: null }, TEST_POLICY, { client: watching, now: () => NOW });
    expect(outcome.kind).toBe('not-modified');
    const [body] = bodies;
    if (body === undefined) throw new Error('no request made');
    if (!body.closed) await new Promise((resolve) => body.once('close', resolve));
    expect(body.errored).toBeNull();
    expect(body.readableEnded).toBe(true);
  });

  // RFC 9110 §13.1.3: If-Modified-Since with the stored Last-Modified.
  it('answers 200 with Last-Modified, then not-modified when If-Modified-Since matches', async () => {
    const first = await fetchTestFeed(server.url('/last-modified'));
    expect(first).toMatchObject({ kind: 'ok', lastModified: LAST_MODIFIED, hints: { maxAgeSeconds: 1800, retryAfterMs: null } });
    const second = await fetchTestFeed(server.url('/last-modified'), { etag: null, lastModified: LAST_MODIFIED });
    // The 304 repeats no validator: the ones sent still hold.
    expect(second).toMatchObject({ kind: 'not-modified', lastModified: LAST_MODIFIED, etag: null });
  });
});

describe('fetchFeed: bodies', () => {
  it.each([
    { name: 'gzip', path: '/gzip' },
    { name: 'brotli', path: '/brotli' },
    { name: 'deflate (zlib-wrapped, RFC 9110 §8.4.1.2)', path: '/deflate' },
    { name: 'deflate sent raw by a sloppy server', path: '/deflate-raw' },
  ])('decodes $name', async ({ path }) => {
    const outcome = await fetchTestFeed(server.url(path));
    expect(outcome).toMatchObject({ kind: 'ok', text: SAMPLE_RSS, bytes: Buffer.byteLength(SAMPLE_RSS) });
  });

  it('decodes an ISO-8859-1 label as windows-1252 (’ and œ in 0x80–0x9F)', async () => {
    const outcome = await fetchTestFeed(server.url('/latin1'));
    expect(outcome).toMatchObject({ kind: 'ok', text: '<rss><title>l’IA et le cœur</title></rss>', charset: 'windows-1252' });
  });
});

describe('fetchFeed: redirects (RFC 9110 §15.4)', () => {
  it.each([
    { name: '301 then 308 (relative Location) sets permanentUrl', path: '/permanent-1', finalPath: '/feed', permanent: true },
    { name: '301 then 302 keeps the old URL', path: '/mixed-1', finalPath: '/feed', permanent: false },
    { name: '307 keeps the old URL', path: '/temporary', finalPath: '/feed', permanent: false },
    { name: 'five redirects, the limit, are followed', path: '/chain/5', finalPath: '/chain/0', permanent: false },
  ])('$name', async ({ path, finalPath, permanent }) => {
    const outcome = await fetchTestFeed(server.url(path));
    expect(outcome).toMatchObject({
      kind: 'ok',
      requestedUrl: server.url(path),
      finalUrl: server.url(finalPath),
      permanentUrl: permanent ? server.url(finalPath) : null,
    });
  });
});

describe('fetchFeed: redirects and validators together', () => {
  // RFC 9110 §15.4.2: a 301 tells the client to use the new URL, even when the answer is a 304.
  it('reports permanentUrl on a not-modified answer reached through a 301', async () => {
    const outcome = await fetchTestFeed(server.url('/moved-etag'), { etag: '"v1"', lastModified: null });
    expect(outcome).toMatchObject({ kind: 'not-modified', finalUrl: server.url('/etag'), permanentUrl: server.url('/etag') });
  });
});

describe('fetchFeed: failures', () => {
  it.each<{ name: string; path: string; code: FetchErrorCode; httpStatus?: number; retryAfterMs?: number; message?: RegExp }>([
    { name: '404', path: '/status/404', code: 'FETCH_HTTP_STATUS', httpStatus: 404, message: /answered HTTP 404 Not Found$/ },
    { name: '500', path: '/status/500', code: 'FETCH_HTTP_STATUS', httpStatus: 500, message: /answered HTTP 500 Internal Server Error$/ },
    // RFC 9110 §10.2.3: Retry-After as delay-seconds, or as an HTTP-date resolved against the clock.
    { name: '429 with Retry-After in seconds', path: '/status/429-seconds', code: 'FETCH_HTTP_STATUS', httpStatus: 429, retryAfterMs: 120_000 },
    { name: '429 with Retry-After as a date', path: '/status/429-date', code: 'FETCH_HTTP_STATUS', httpStatus: 429, retryAfterMs: 90_000 },
    { name: 'a redirect loop', path: '/loop-a', code: 'FETCH_REDIRECT_LOOP', message: /redirect loop/ },
    { name: 'a redirect to itself', path: '/self', code: 'FETCH_REDIRECT_LOOP' },
    { name: 'six redirects', path: '/chain/6', code: 'FETCH_TOO_MANY_REDIRECTS', message: /more than 5 redirects/ },
    { name: 'a redirect without Location', path: '/no-location', code: 'FETCH_HTTP_STATUS', httpStatus: 302 },
    { name: 'a redirect to ftp:', path: '/to-ftp', code: 'FETCH_BAD_URL' },
    { name: 'a plain body over the cap (declared length)', path: '/big-declared', code: 'FETCH_TOO_LARGE', message: /1 MiB/ },
    { name: 'a plain body over the cap (chunked)', path: '/big-chunked', code: 'FETCH_TOO_LARGE' },
    { name: 'a gzip bomb: 50 MB of zeros', path: '/gzip-bomb', code: 'FETCH_TOO_LARGE', message: /decompressed/ },
    { name: 'a connection reset mid-body', path: '/reset', code: 'FETCH_RESET' },
  ])('$name → $code', async ({ path, code, httpStatus, retryAfterMs, message }) => {
    const error = await catchFetchError(fetchTestFeed(server.url(path)));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(/^fetch: http:\/\/127\.0\.0\.1:\d+\//);
    if (httpStatus !== undefined) expect(error.httpStatus).toBe(httpStatus);
    if (retryAfterMs !== undefined) expect(error.retryAfterMs).toBe(retryAfterMs);
    if (message !== undefined) expect(error.message).toMatch(message);
  });

  it.each([
    { name: 'connection refused (closed port)', target: () => `http://127.0.0.1:${closedPort}/feed`, code: 'FETCH_REFUSED' },
    // RFC 6761 §6.4: .invalid never resolves; this must fail fast even where DNS is unavailable.
    { name: 'an unresolvable host', target: () => 'http://does-not-exist.invalid/feed', code: 'FETCH_DNS' },
    { name: 'not a URL', target: () => 'feed.example.org/rss', code: 'FETCH_BAD_URL' },
    { name: 'not http(s)', target: () => 'file:///etc/passwd', code: 'FETCH_BAD_URL' },
  ])('$name → $code', async ({ target, code }) => {
    // How fast it fails is measured in tests/stress/timeouts.test.ts.
    const error = await catchFetchError(fetchTestFeed(target()));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(/^fetch: /);
  });

  it('also fails fast with FETCH_DNS when it creates its own client', async () => {
    const error = await catchFetchError(fetchFeed('http://does-not-exist.invalid/', NO_VALIDATORS, TEST_POLICY));
    expect(error.code).toBe('FETCH_DNS');
  });
});

// What each limit turns into; how long each takes is measured in tests/stress/timeouts.test.ts.
describe('fetchFeed: slow and endless servers cost at most their limit', () => {
  it.each([
    { name: 'headers never sent', path: '/silent', code: 'FETCH_TIMEOUT', message: /sent no response/ },
    // The deadline covers the whole body: a byte a second never trips undici's idle timeout.
    { name: 'a body at one byte a second', path: '/trickle', code: 'FETCH_TIMEOUT', message: /within 2500 ms/ },
  ])('$name → $code', async ({ path, code, message }) => {
    const error = await catchFetchError(fetchTestFeed(server.url(path)));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });

  it('stops an endless body at the cap and hangs up on the server', async () => {
    const error = await catchFetchError(fetchTestFeed(server.url('/endless')));
    expect(error.code).toBe('FETCH_TOO_LARGE');
    await expect.poll(() => endless.closedAt, { timeout: 10_000 }).toBeGreaterThan(0);
    // The server could only fill the socket buffers past the cap, not keep streaming.
    expect(endless.written).toBeLessThan(16 * MiB);
  });

  it('rejects with the caller\'s reason when the caller aborts', async () => {
    const controller = new AbortController();
    const reason = new Error('cycle stopped');
    setTimeout(() => controller.abort(reason), 100);
    const promise = fetchFeed(server.url('/trickle'), NO_VALIDATORS, TEST_POLICY, { client, signal: controller.signal });
    await expect(promise).rejects.toBe(reason);
  });
});
