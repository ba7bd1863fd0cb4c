// When the limits trip, on the wall clock: the unit tests check what each timeout and hang-up turns
// into (tests/fetch/fetch-feed.test.ts, tests/publish/server.test.ts,
// tests/translate/providers.test.ts); these check how long it takes, which a loaded machine can
// stretch, hence here and not in the default suite. Everything on 127.0.0.1 or msw.

import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent, request as httpRequest } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchError } from '../../src/fetch/fetch-error.js';
import { DEFAULT_FETCH_POLICY, fetchFeed, type FetchPolicy } from '../../src/fetch/fetch-feed.js';
import { createHttpClient, type HttpClient } from '../../src/fetch/http-client.js';
import { startServer as startSiteServer } from '../../src/publish/server.js';
import { createLibreTranslate } from '../../src/translate/libretranslate.js';
import { TranslateError } from '../../src/translate/provider.js';
import { findClosedPort, startServer, type TestServer } from '../fetch/servers.js';
import { LIBRE_URL, libreTranslateMock } from '../translate/providers.js';

const MiB = 1024 * 1024;
const POLICY: FetchPolicy = {
  ...DEFAULT_FETCH_POLICY,
  userAgent: 'veille-test/0.1.0 (+https://veille.example.org/)',
  connectTimeoutMs: 1_000,
  headersTimeoutMs: 300,
  bodyTimeoutMs: 2_500,
  maxBytes: 1 * MiB,
};

/** When the endless route's client hung up (performance.now()), 0 until then. */
const endless = { closedAt: 0 };

let feeds: TestServer;
let client: HttpClient;
let closedPort: number;

beforeAll(async () => {
  feeds = await startServer({
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
      response.writeHead(200, { 'content-type': 'application/rss+xml' });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const pump = (): void => {
        while (!response.destroyed && response.write(chunk));
      };
      response.on('drain', pump);
      response.on('close', () => {
        endless.closedAt = performance.now();
      });
      pump();
    },
  });
  client = createHttpClient(POLICY);
  closedPort = await findClosedPort();
});

afterAll(async () => {
  await client.close();
  await feeds.close();
});

/** The FetchError fetching `url` ends with, and how long it took in milliseconds. */
async function timedFetchError(url: string): Promise<{ error: FetchError; elapsedMs: number }> {
  const started = performance.now();
  try {
    await fetchFeed(url, { etag: null, lastModified: null }, POLICY, { client, now: () => new Date('2025-03-03T10:00:00Z') });
  } catch (error) {
    if (error instanceof FetchError) return { error, elapsedMs: performance.now() - started };
    throw error;
  }
  throw new Error('expected a FetchError, got an outcome');
}

describe('fetchFeed', () => {
  it.each([
    { name: 'connection refused (closed port)', target: () => `http://127.0.0.1:${closedPort}/feed`, code: 'FETCH_REFUSED' },
    // RFC 6761 §6.4: .invalid never resolves; this must fail fast even where DNS is unavailable.
    { name: 'an unresolvable host', target: () => 'http://does-not-exist.invalid/feed', code: 'FETCH_DNS' },
  ])('fails fast on $name ($code), under 2 s', async ({ target, code }) => {
    const { error, elapsedMs } = await timedFetchError(target());
    expect(error.code).toBe(code);
    expect(elapsedMs).toBeLessThan(2_000);
  });

  it.each([
    // undici's headers timer has about half a second of resolution, hence the margin.
    { name: 'headers never sent', path: '/silent', minMs: 250, maxMs: POLICY.headersTimeoutMs + 1_000 },
    // The deadline covers the whole body: a byte a second never trips undici's idle timeout.
    { name: 'a body at one byte a second', path: '/trickle', minMs: 2_400, maxMs: POLICY.bodyTimeoutMs + 1_000 },
  ])('gives up on $name at its timeout, not before', async ({ path, minMs, maxMs }) => {
    const { error, elapsedMs } = await timedFetchError(feeds.url(path));
    expect(error.code).toBe('FETCH_TIMEOUT');
    expect(elapsedMs).toBeGreaterThanOrEqual(minMs);
    expect(elapsedMs).toBeLessThan(maxMs);
  });

  it('hangs up on an endless body within 500 ms of stopping at the cap', async () => {
    const { error } = await timedFetchError(feeds.url('/endless'));
    const failedAt = performance.now();
    expect(error.code).toBe('FETCH_TOO_LARGE');
    await expect.poll(() => endless.closedAt, { timeout: 1_000 }).toBeGreaterThan(0);
    expect(endless.closedAt - failedAt).toBeLessThan(500);
  });
});

describe('the site server', () => {
  it('ends keep-alive connections within 1 s of close()', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'veille-timeouts-'));
    await writeFile(join(dir, 'feed.xml'), '<rss version="2.0"><channel><title>t</title></channel></rss>\n');
    const server = await startSiteServer({ dir, host: '127.0.0.1', port: 0 });
    const agent = new Agent({ keepAlive: true });
    try {
      const socket = await new Promise<Socket>((resolve) => {
        httpRequest({ host: '127.0.0.1', port: server.port, path: '/feed.xml', agent }, (res) => {
          const { socket: used } = res;
          res.resume();
          res.on('end', () => resolve(used));
        }).end();
      });
      const socketClosed = once(socket, 'close');
      const started = performance.now();
      await Promise.all([server.close(), socketClosed]);
      expect(performance.now() - started).toBeLessThan(1_000);
    } finally {
      agent.destroy();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a translation provider', () => {
  const libre = libreTranslateMock();
  const msw = setupServer(...libre.handlers);
  beforeAll(() => msw.listen({ onUnhandledRequest: 'error' }));
  afterAll(() => msw.close());

  it('gives up on one that does not answer within 2 s, at its 150 ms timeout', async () => {
    libre.fail('hang');
    const provider = createLibreTranslate({ url: LIBRE_URL, apiKey: null, model: '', timeoutMs: 150 });
    const started = performance.now();
    const error = await provider.translate({ texts: ['A new model'], from: 'en', to: 'fr', glossary: [], now: () => new Date('2026-11-26T08:00:00Z') }).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(TranslateError);
    expect((error as TranslateError).code).toBe('TRANSLATE_TIMEOUT');
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
