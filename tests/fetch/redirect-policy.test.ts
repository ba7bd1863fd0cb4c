// Redirects judged like links (issue 13, finding 4): a hop that leaves the origin of the URL the
// user chose must pass the address policy, at connect time, unless that URL is itself on the
// user's own network (loopback, private) and the hop stays there; a failed untrusted hop does not
// say what it answered. Every request goes to 127.0.0.1: a stand-in resolver makes "localhost"
// look public to the policy (the trusted connection still resolves it with the system's resolver).
import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LookupFunction } from '../../src/fetch/address-policy.js';
import { FetchError } from '../../src/fetch/fetch-error.js';
import { DEFAULT_FETCH_POLICY, fetchFeed, type FetchOptions, type FetchPolicy } from '../../src/fetch/fetch-feed.js';
import { createHttpClient } from '../../src/fetch/http-client.js';
import { findClosedPort, sendFeed, startServer, type TestServer } from './servers.js';

/** A resolver standing in for DNS: each name answers what the table says; others do not exist. */
function resolverOf(table: Readonly<Record<string, string>>): LookupFunction {
  return (hostname, options, callback) => {
    const address = table[hostname];
    if (address === undefined) {
      callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '', 4);
      return;
    }
    const family = address.includes(':') ? 6 : 4;
    if (options.all === true) callback(null, [{ address, family } satisfies LookupAddress]);
    else callback(null, address, family);
  };
}

const DNS = resolverOf({
  // The configured "public" source: only the policy asks (the trusted connection resolves localhost
  // with the system's resolver); TEST-NET-1 (RFC 5737) is public to the policy and never routed.
  localhost: '192.0.2.1',
  'rebind.test': '127.0.0.1',
  'metadata.test': '169.254.169.254',
  'intranet.test': '10.1.2.3',
});

describe('fetchFeed: redirects leaving the origin of the configured URL', () => {
  let server: TestServer;
  let port: number;
  let closedPort: number;
  const redirect = (location: () => string) => (_request: unknown, response: import('node:http').ServerResponse) =>
    response.writeHead(302, { location: location() }).end();

  beforeAll(async () => {
    closedPort = await findClosedPort();
    server = await startServer({
      '/feed': (_request, response) => sendFeed(response),
      '/same-origin': redirect(() => '/feed'),
      '/to-loopback': redirect(() => `http://127.0.0.1:${port}/feed`),
      '/to-mapped-loopback': redirect(() => `http://[::ffff:127.0.0.1]:${port}/feed`),
      '/to-rebound-name': redirect(() => `http://rebind.test:${port}/feed`),
      '/to-metadata-name': redirect(() => 'http://metadata.test/latest/meta-data/'),
      '/to-loopback-name': redirect(() => `http://rebind.test:${port}/feed`),
      '/to-forbidden': redirect(() => `http://127.0.0.1:${port}/forbidden`),
      '/to-closed-port': redirect(() => `http://127.0.0.1:${closedPort}/feed`),
      '/to-loop': redirect(() => `http://127.0.0.1:${port}/loop`),
      '/loop': redirect(() => `http://127.0.0.1:${port}/loop`),
      '/to-busy': redirect(() => `http://127.0.0.1:${port}/busy`),
      '/busy': (_request, response) =>
        response.writeHead(429, { 'content-type': 'text/plain', 'retry-after': '120' }).end('slow down, internal note'),
      '/forbidden': (_request, response) =>
        response.writeHead(403, { 'content-type': 'text/plain', 'retry-after': '120' }).end('internal admin console'),
    });
    port = Number(new URL(server.origin).port);
  });

  afterAll(() => server.close());

  async function fetchWith(url: string, allowPrivateHosts: readonly string[] = [], options: FetchOptions = {}) {
    const policy: FetchPolicy = { ...DEFAULT_FETCH_POLICY, connectTimeoutMs: 1_000, allowPrivateHosts };
    const client = createHttpClient(policy, { resolve: DNS });
    try {
      return await fetchFeed(url, { etag: null, lastModified: null }, policy, { ...options, client });
    } finally {
      await client.close();
    }
  }

  async function failure(promise: Promise<unknown>): Promise<FetchError> {
    const error: unknown = await promise.then(() => null, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(FetchError);
    return error as FetchError;
  }

  const publicSource = (path: string) => `http://localhost:${port}${path}`;

  it.each([
    ['an IP literal on loopback', '/to-loopback'],
    ['an IPv4-mapped IPv6 literal on loopback', '/to-mapped-loopback'],
    ['a name that resolves to loopback when connecting', '/to-rebound-name'],
    ['a name that resolves to the metadata address', '/to-metadata-name'],
  ])('a public source redirecting to %s is refused, without naming the target', async (_name, path) => {
    const error = await failure(fetchWith(publicSource(path)));
    expect(error.code).toBe('FETCH_BLOCKED_ADDRESS');
    expect(error.message).toBe(
      `fetch: ${publicSource(path)}: redirected to a host that may not be reached (a loopback, private, link-local or metadata ` +
        'address, refused after a redirect to another origin; fetch.allowPrivateHosts lists exceptions)',
    );
    // The feed was never asked for.
    expect(server.requests.filter((request) => request.path === '/feed' && request.headers.host !== `localhost:${port}`)).toEqual([]);
  });

  it('a public source redirecting on its own origin is followed', async () => {
    const outcome = await fetchWith(publicSource('/same-origin'));
    expect(outcome.kind).toBe('ok');
  });

  it('a redirect to an address fetch.allowPrivateHosts lists is followed', async () => {
    const outcome = await fetchWith(publicSource('/to-loopback'), ['127.0.0.1']);
    expect(outcome).toMatchObject({ kind: 'ok', finalUrl: `http://127.0.0.1:${port}/feed` });
  });

  it.each([
    ['answered 403 with a body and Retry-After', '/to-forbidden'],
    ['refused the connection', '/to-closed-port'],
    ['redirected in a loop', '/to-loop'],
  ])('a redirect target that %s is reported without its answer', async (_name, path) => {
    const error = await failure(fetchWith(publicSource(path), ['127.0.0.1']));
    expect(error.code).toBe('FETCH_UNTRUSTED_FAILED');
    expect(error.message).toBe(
      `fetch: ${publicSource(path)}: the redirect target could not be fetched (it is on another origin, so its answer is not shown)`,
    );
    expect(error.httpStatus).toBeNull();
    expect(error.retryAfterMs).toBeNull();
  });

  it('a redirect target that says "slow down" (429, Retry-After) keeps its status and delay for the scheduler, not in the message', async () => {
    const error = await failure(fetchWith(publicSource('/to-busy'), ['127.0.0.1']));
    expect(error.code).toBe('FETCH_UNTRUSTED_FAILED');
    expect(error.message).toBe(
      `fetch: ${publicSource('/to-busy')}: the redirect target could not be fetched (it is on another origin, so its answer is not shown)`,
    );
    expect(error).toMatchObject({ httpStatus: 429, retryAfterMs: 120_000, url: `http://127.0.0.1:${port}/busy` });
  });

  it('a source on loopback may redirect to another loopback origin (the user\'s own network)', async () => {
    const outcome = await fetchWith(`http://127.0.0.1:${port}/to-loopback-name`);
    expect(outcome).toMatchObject({ kind: 'ok', finalUrl: `http://rebind.test:${port}/feed` });
  });

  it('a source on loopback may not redirect to the metadata address', async () => {
    const error = await failure(fetchWith(`http://127.0.0.1:${port}/to-metadata-name`));
    expect(error.code).toBe('FETCH_BLOCKED_ADDRESS');
  });

  it('a source that moved (301) elsewhere is fetched there as a redirect of the configured URL', async () => {
    // The store fetches the new URL; only the configured one's origin is trusted.
    const error = await failure(fetchWith(`http://127.0.0.1:${port}/feed`, [], { trustedUrl: publicSource('/old-feed') }));
    expect(error.code).toBe('FETCH_BLOCKED_ADDRESS');
  });
});
