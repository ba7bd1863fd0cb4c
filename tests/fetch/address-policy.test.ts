// SSRF guard: which addresses an untrusted URL may reach, and fetchFeed refusing them after DNS
// resolution, at connect time and on every redirect, unless fetch.allowPrivateHosts says otherwise.
import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainBlockedAddress, isOwnNetworkAddress, type LookupFunction } from '../../src/fetch/address-policy.js';
import { FetchError } from '../../src/fetch/fetch-error.js';
import { DEFAULT_FETCH_POLICY, fetchFeed, type FetchPolicy } from '../../src/fetch/fetch-feed.js';
import { createHttpClient } from '../../src/fetch/http-client.js';
import { sendFeed, startServer, type TestServer } from './servers.js';

describe('explainBlockedAddress', () => {
  it.each([
    { address: '127.0.0.1', why: /loopback/ },
    { address: '127.255.0.9', why: /loopback/ },
    { address: '::1', why: /loopback/ },
    { address: '0.0.0.0', why: /this network/ },
    { address: '::', why: /unspecified/ },
    // RFC 1918
    { address: '10.1.2.3', why: /private.*RFC 1918/ },
    { address: '172.16.0.1', why: /private.*RFC 1918/ },
    { address: '172.31.255.255', why: /private.*RFC 1918/ },
    { address: '192.168.1.1', why: /private.*RFC 1918/ },
    // RFC 4193 unique local, RFC 4291 link-local
    { address: 'fd12:3456::1', why: /unique local/ },
    { address: 'fe80::1', why: /link-local/ },
    { address: '169.254.1.1', why: /link-local/ },
    // Cloud metadata endpoints
    { address: '169.254.169.254', why: /metadata/ },
    { address: 'fd00:ec2::254', why: /unique local/ },
    { address: '100.100.100.200', why: /CGNAT/ },
    // RFC 6598 shared address space
    { address: '100.64.0.1', why: /CGNAT/ },
    { address: '224.0.0.251', why: /multicast/ },
    { address: 'ff02::1', why: /multicast/ },
    { address: '255.255.255.255', why: /broadcast/ },
    // IPv4 carried in IPv6 is judged as the IPv4 address: mapped (RFC 4291 §2.5.5.2) and NAT64 (RFC 6052).
    { address: '::ffff:127.0.0.1', why: /loopback/ },
    { address: '::ffff:7f00:1', why: /loopback/ },
    { address: '64:ff9b::a9fe:a9fe', why: /metadata/ },
  ])('$address is refused ($why)', ({ address, why }) => {
    expect(explainBlockedAddress(address)).toMatch(why);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])('%s is public', (address) => {
    expect(explainBlockedAddress(address)).toBeNull();
  });
});

describe('isOwnNetworkAddress: where a source on the user\'s own network may redirect', () => {
  it.each(['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', 'fd12:3456::1'])('%s is', (address) => {
    expect(isOwnNetworkAddress(address)).toBe(true);
  });

  // Link-local and CGNAT hold the cloud metadata endpoints; fd00:ec2::254 is AWS's.
  it.each(['169.254.169.254', '169.254.1.1', 'fe80::1', '100.100.100.200', '100.64.0.1', 'fd00:ec2::254', '0.0.0.0', '224.0.0.1', '8.8.8.8', 'localhost'])(
    '%s is not',
    (address) => {
      expect(isOwnNetworkAddress(address)).toBe(false);
    },
  );
});

describe('fetchFeed with an untrusted URL', () => {
  let server: TestServer;
  let port: number;

  beforeAll(async () => {
    server = await startServer({
      '/feed': (_request, response) => sendFeed(response),
      '/to-loopback': (_request, response) => response.writeHead(302, { location: `http://127.0.0.1:${port}/feed` }).end(),
    });
    port = Number(new URL(server.origin).port);
  });

  afterAll(() => server.close());

  /** A resolver standing in for DNS: every name answers what `answer` says, at connect time. */
  const resolverAnswering = (answer: () => string): LookupFunction => (_hostname, options, callback) => {
    const address = answer();
    const family = address.includes(':') ? 6 : 4;
    if (options.all === true) callback(null, [{ address, family } satisfies LookupAddress]);
    else callback(null, address, family);
  };

  async function fetchUntrusted(url: string, allowPrivateHosts: readonly string[] = [], resolve?: LookupFunction) {
    const policy: FetchPolicy = { ...DEFAULT_FETCH_POLICY, connectTimeoutMs: 1_000, untrusted: true, allowPrivateHosts };
    const client = createHttpClient(policy, resolve === undefined ? {} : { resolve });
    try {
      return await fetchFeed(url, { etag: null, lastModified: null }, policy, { client });
    } finally {
      await client.close();
    }
  }

  async function blockedError(promise: Promise<unknown>): Promise<FetchError> {
    const error: unknown = await promise.then(() => null, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(FetchError);
    return error as FetchError;
  }

  it.each([
    { name: 'an IP literal on loopback', url: () => `http://127.0.0.1:${port}/feed`, message: /127\.0\.0\.1 is a loopback address/ },
    { name: 'an IPv4-mapped IPv6 literal', url: () => `http://[::ffff:127.0.0.1]:${port}/feed`, message: /loopback/ },
    { name: 'a name that resolves to loopback', url: () => `http://localhost:${port}/feed`, message: /localhost resolves to .* loopback/ },
    { name: 'the metadata address', url: () => 'http://169.254.169.254/latest/meta-data/', message: /metadata/ },
  ])('refuses $name with FETCH_BLOCKED_ADDRESS', async ({ url, message }) => {
    const error = await blockedError(fetchUntrusted(url()));
    expect(error.code).toBe('FETCH_BLOCKED_ADDRESS');
    expect(error.message).toMatch(/^fetch: http:\/\//);
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/fetch\.allowPrivateHosts/);
  });

  it('checks the address connected to, not the name: a name rebound to loopback is refused', async () => {
    let lookups = 0;
    const rebinding = resolverAnswering(() => (lookups++ === 0 ? '93.184.216.34' : '127.0.0.1'));
    // The first answer (public) would be what a check before the request sees; the connect uses the second.
    rebinding('feeds.rebind.test', {}, () => undefined);
    const error = await blockedError(fetchUntrusted(`http://feeds.rebind.test:${port}/feed`, [], rebinding));
    expect(error.code).toBe('FETCH_BLOCKED_ADDRESS');
    expect(error.message).toMatch(/feeds\.rebind\.test resolves to 127\.0\.0\.1/);
  });

  it('checks every redirect: an allowed host that redirects to loopback is refused', async () => {
    const error = await blockedError(fetchUntrusted(`http://localhost:${port}/to-loopback`, ['localhost']));
    expect(error.code).toBe('FETCH_BLOCKED_ADDRESS');
    expect(error.url).toBe(`http://127.0.0.1:${port}/feed`);
  });

  it.each([
    { name: 'a CIDR range', allow: ['127.0.0.0/8'], url: () => `http://127.0.0.1:${port}/feed` },
    { name: 'an address', allow: ['127.0.0.1'], url: () => `http://127.0.0.1:${port}/feed` },
    { name: 'a host name', allow: ['LOCALHOST'], url: () => `http://localhost:${port}/feed` },
    { name: 'the range of the resolved address', allow: ['127.0.0.0/8'], url: () => `http://localhost:${port}/feed` },
  ])('allows what fetch.allowPrivateHosts lists: $name', async ({ allow, url }) => {
    const outcome = await fetchUntrusted(url(), allow, resolverAnswering(() => '127.0.0.1'));
    expect(outcome.kind).toBe('ok');
  });

  it('fetches a trusted URL (from the config) on loopback as before', async () => {
    const outcome = await fetchFeed(server.url('/feed'), { etag: null, lastModified: null }, DEFAULT_FETCH_POLICY);
    expect(outcome.kind).toBe('ok');
  });
});
