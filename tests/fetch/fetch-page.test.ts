// Article pages fetched politely (issue 16): robots.txt first and kept per origin, the address
// policy on every hop (the test policy allows 127.0.0.1, where the pages are, and nothing else:
// a redirect to a private or metadata address is refused), HTML only, a byte cap, a deadline.
// Every request goes to 127.0.0.1; the names a redirect uses resolve through a stand-in resolver.
import type { LookupAddress } from 'node:dns';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LookupFunction } from '../../src/fetch/address-policy.js';
import { FetchError } from '../../src/fetch/fetch-error.js';
import { DEFAULT_FETCH_POLICY, type FetchPolicy } from '../../src/fetch/fetch-feed.js';
import { fetchArticlePage } from '../../src/fetch/fetch-page.js';
import { createHttpClient, type HttpClient } from '../../src/fetch/http-client.js';
import type { RobotsCache } from '../../src/fetch/robots.js';
import { startServer, type TestServer } from './servers.js';

const NOW = new Date('2026-12-06T10:00:00Z');
const USER_AGENT = 'veille/0.1.0 (+https://veille.example.org/)';
const ARTICLE = '<!doctype html><html lang="en"><head><title>Recap</title></head><body><article><p>Text.</p></article></body></html>';

const DNS: LookupFunction = (hostname, options, callback) => {
  const table: Record<string, string> = { 'metadata.test': '169.254.169.254', 'intranet.test': '10.1.2.3', 'other.test': '127.0.0.1' };
  const address = table[hostname];
  if (address === undefined) {
    callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '', 4);
    return;
  }
  if (options.all === true) callback(null, [{ address, family: 4 } satisfies LookupAddress]);
  else callback(null, address, 4);
};

function memoryRobots(): RobotsCache & { readonly kept: Map<string, { body: string | null; fetchedAt: string }> } {
  const kept = new Map<string, { body: string | null; fetchedAt: string }>();
  return { kept, read: (origin) => kept.get(origin) ?? null, write: (origin, body, fetchedAt) => kept.set(origin, { body, fetchedAt }) };
}

describe('fetchArticlePage', () => {
  let server: TestServer;
  let robotsTxt: { status: number; body: string };
  const endless: ServerResponse[] = [];

  beforeAll(async () => {
    server = await startServer({
      // Another origin on the same server (other.test, resolved to 127.0.0.1) disallows everything.
      '/robots.txt': (request, response) =>
        (request.headers.host ?? '').startsWith('other.test')
          ? response.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nDisallow: /\n')
          : response.writeHead(robotsTxt.status, { 'content-type': 'text/plain' }).end(robotsTxt.body),
      '/to-other-origin': (_request, response) => response.writeHead(302, { location: server.url('/article').replace('127.0.0.1', 'other.test') }).end(),
      '/to-private-path': (_request, response) => response.writeHead(302, { location: '/private/article' }).end(),
      '/article': (_request, response) => response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(ARTICLE),
      '/private/article': (_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end(ARTICLE),
      '/paper.pdf': (_request, response) => response.writeHead(200, { 'content-type': 'application/pdf' }).end('%PDF-1.7 ...'),
      '/feed-as-page': (_request, response) => response.writeHead(200, { 'content-type': 'application/rss+xml' }).end('<rss/>'),
      '/to-metadata': (_request, response) => response.writeHead(302, { location: 'http://metadata.test/latest/meta-data/' }).end(),
      '/to-private-ip': (_request, response) => response.writeHead(301, { location: 'http://10.1.2.3/admin' }).end(),
      '/to-intranet': (_request, response) => response.writeHead(307, { location: 'http://intranet.test:80/' }).end(),
      '/huge': (_request, response) => {
        // 10 MB of HTML, declared without a length: the cap stops the body as it arrives.
        response.writeHead(200, { 'content-type': 'text/html' });
        const chunk = Buffer.alloc(64 * 1024, 'a');
        let sent = 0;
        const push = (): void => {
          while (sent < 10 * 1024 * 1024) {
            sent += chunk.length;
            if (!response.write(chunk)) {
              response.once('drain', push);
              return;
            }
          }
          response.end();
        };
        response.write('<!doctype html><html><body><p>');
        push();
      },
      '/never-ends': (_request, response) => {
        // Headers, then a few bytes, then nothing more, never the end.
        response.writeHead(200, { 'content-type': 'text/html' });
        response.write('<!doctype html><html><body><p>Once upon a time');
        endless.push(response);
      },
      '/rate-limited': (_request, response) => response.writeHead(429, { 'content-type': 'text/plain', 'retry-after': '120' }).end('slow down'),
    });
  });

  beforeEach(() => {
    robotsTxt = { status: 404, body: 'not found' };
    server.requests.length = 0;
  });

  afterAll(async () => {
    for (const response of endless) response.destroy();
    await server.close();
  });

  const policy = (overrides: Partial<FetchPolicy> = {}): FetchPolicy => ({
    ...DEFAULT_FETCH_POLICY,
    userAgent: USER_AGENT,
    connectTimeoutMs: 1_000,
    untrusted: true,
    allowPrivateHosts: ['127.0.0.1'],
    ...overrides,
  });

  /** Body bytes the client handed to the fetcher, over every request of the last fetchPage. */
  let bodyBytes = 0;

  async function fetchPage(path: string, overrides: Partial<FetchPolicy> = {}, robots: RobotsCache = memoryRobots()) {
    const chosen = policy(overrides);
    const real = createHttpClient(chosen, { resolve: DNS });
    bodyBytes = 0;
    const client: HttpClient = {
      ...real,
      async request(request) {
        const response = await real.request(request);
        response.body.on('data', (chunk: Buffer) => { bodyBytes += chunk.length; });
        return response;
      },
    };
    try {
      return await fetchArticlePage(server.url(path), chosen, robots, { client, now: () => NOW });
    } finally {
      await real.close();
    }
  }

  async function failure(promise: Promise<unknown>): Promise<FetchError> {
    const error: unknown = await promise.then(() => null, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(FetchError);
    return error as FetchError;
  }

  const paths = () => server.requests.map((request) => request.path);

  it('fetches an HTML page after robots.txt, with the User-Agent and an Accept for HTML', async () => {
    const page = await fetchPage('/article');
    expect(page.html).toBe(ARTICLE);
    expect(paths()).toEqual(['/robots.txt', '/article']);
    for (const request of server.requests) expect(request.headers['user-agent']).toBe(USER_AGENT);
    expect(server.requests[1]?.headers.accept).toMatch(/^text\/html/);
  });

  it.each([
    ['a PDF', '/paper.pdf', 'application/pdf'],
    ['a feed', '/feed-as-page', 'application/rss+xml'],
  ])('refuses %s: HTML only (FETCH_NOT_HTML)', async (_name, path, type) => {
    const error = await failure(fetchPage(path));
    expect(error.code).toBe('FETCH_NOT_HTML');
    expect(error.message).toBe(`fetch: ${server.url(path)}: not an HTML page (Content-Type ${type})`);
  });

  it.each([
    ['a metadata address, by name (checked at connect time)', '/to-metadata'],
    ['a private IP address', '/to-private-ip'],
    ['a private address, by name', '/to-intranet'],
  ])('refuses a redirect to %s, though the test policy allows loopback', async (_name, path) => {
    const error = await failure(fetchPage(path));
    expect(error.code).toBe('FETCH_BLOCKED_ADDRESS');
    expect(error.message).toContain('redirected to a host that may not be reached');
  });

  it('without the loopback exception, the page itself is refused (the policy is the untrusted one)', async () => {
    const error = await failure(fetchPage('/article', { allowPrivateHosts: [] }));
    expect(error.code).toBe('FETCH_BLOCKED_ADDRESS');
    expect(paths()).toEqual([]);
  });

  it('an untrusted policy is kept even when the caller passes a trusted one', async () => {
    const error = await failure(fetchPage('/to-metadata', { untrusted: false }));
    expect(error.code).toBe('FETCH_BLOCKED_ADDRESS');
  });

  it('honours robots.txt: a disallowed page is never requested (RFC 9309)', async () => {
    robotsTxt = { status: 200, body: 'User-agent: *\nDisallow: /private/\n' };
    const error = await failure(fetchPage('/private/article'));
    expect(error.code).toBe('FETCH_ROBOTS_DISALLOWED');
    expect(paths()).toEqual(['/robots.txt']);
  });

  it('honours the robots.txt of a redirect\'s target, on its own origin or another, before requesting it', async () => {
    robotsTxt = { status: 200, body: 'User-agent: *\nDisallow: /private/\n' };
    const sameOrigin = await failure(fetchPage('/to-private-path'));
    expect(sameOrigin.code).toBe('FETCH_ROBOTS_DISALLOWED');
    expect(sameOrigin.message).toContain('redirected to');
    expect(paths()).toEqual(['/robots.txt', '/to-private-path']);
    server.requests.length = 0;
    const otherOrigin = await failure(fetchPage('/to-other-origin', { allowPrivateHosts: ['127.0.0.1', 'other.test'] }));
    expect(otherOrigin.code).toBe('FETCH_ROBOTS_DISALLOWED');
    // The other origin's robots.txt was read; its page never requested.
    expect(server.requests.map((request) => `${request.headers.host?.split(':')[0]}${request.path}`)).toEqual([
      '127.0.0.1/robots.txt', '127.0.0.1/to-other-origin', 'other.test/robots.txt',
    ]);
  });

  it('reads the group of its own product token ("veille")', async () => {
    robotsTxt = { status: 200, body: 'User-agent: veille\nDisallow: /\n\nUser-agent: *\nAllow: /\n' };
    expect((await failure(fetchPage('/article'))).code).toBe('FETCH_ROBOTS_DISALLOWED');
  });

  it('a robots.txt that answers 5xx disallows the site for now, and is not kept (RFC 9309 §2.3.1.4)', async () => {
    robotsTxt = { status: 503, body: 'down' };
    const robots = memoryRobots();
    expect((await failure(fetchPage('/article', {}, robots))).code).toBe('FETCH_ROBOTS_DISALLOWED');
    expect(robots.kept.size).toBe(0);
    expect(paths()).toEqual(['/robots.txt']);
  });

  it('keeps robots.txt per origin: asked once for two pages, again after a day', async () => {
    robotsTxt = { status: 200, body: 'User-agent: *\nDisallow: /private/\n' };
    const robots = memoryRobots();
    await fetchPage('/article', {}, robots);
    await fetchPage('/article', {}, robots);
    expect(paths()).toEqual(['/robots.txt', '/article', '/article']);
    expect([...robots.kept.values()]).toEqual([{ body: 'User-agent: *\nDisallow: /private/\n', fetchedAt: NOW.toISOString() }]);
    const [origin] = robots.kept.keys();
    robots.kept.set(origin as string, { body: 'User-agent: *\nDisallow: /\n', fetchedAt: new Date(NOW.getTime() - 25 * 3_600_000).toISOString() });
    server.requests.length = 0;
    await fetchPage('/article', {}, robots);
    expect(paths()).toEqual(['/robots.txt', '/article']);
  });

  it('stops a 10 MB page at the byte cap, without reading the rest', async () => {
    // An untrusted link's failure does not say what the server answered (fetch-feed's concealment).
    const error = await failure(fetchPage('/huge', { maxBytes: 2 * 1024 * 1024 }));
    expect(error.code).toBe('FETCH_UNTRUSTED_FAILED');
    expect(bodyBytes).toBeGreaterThan(2 * 1024 * 1024);
    expect(bodyBytes).toBeLessThan(4 * 1024 * 1024);
  });

  it('gives up on a page that never ends, at the body deadline', async () => {
    const error = await failure(fetchPage('/never-ends', { bodyTimeoutMs: 300 }));
    expect(error.code).toBe('FETCH_UNTRUSTED_FAILED');
  });

  it('keeps the status and Retry-After of a 429 (not in the message), so that the host is left alone', async () => {
    const error = await failure(fetchPage('/rate-limited'));
    expect(error).toMatchObject({ httpStatus: 429, retryAfterMs: 120_000 });
    expect(error.message).not.toContain('slow down');
  });
});
