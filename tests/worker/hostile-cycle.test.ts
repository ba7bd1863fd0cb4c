// A whole cycle (runCycle) against one loopback server per hostile behaviour and two good
// sources: each hostile source ends with its code, the cycle costs at most its longest timeout,
// the good sources are published, and a host that asked to wait (Retry-After) is left alone.
import type { ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CycleSummary, SourceResult } from '../../src/app/pipeline.js';
import { startServer, type Route, type TestServer } from '../fetch/servers.js';
import { rssFeed } from '../helpers/feed-server.js';
import { makeCycleProject, type CycleProject } from './cycle-harness.js';

const MiB = 1024 * 1024;
const NOW = new Date('2026-11-26T08:00:00Z');
const LIMITS = { connectTimeoutMs: 1_000, headersTimeoutMs: 500, bodyTimeoutMs: 1_500, maxBytes: MiB };
/** Scheduling, parsing and publishing on top of the longest timeout. */
const MARGIN_MS = 1_500;

const goodFeed = (name: string): string =>
  rssFeed(name, [
    { title: `${name}: federated learning in hospitals`, link: `https://${name}.example/1`, guid: `${name}-1`, date: 'Mon, 23 Nov 2026 09:00:00 GMT' },
    { title: `${name}: an open-source model`, link: `https://${name}.example/2`, guid: `${name}-2`, date: 'Tue, 24 Nov 2026 09:00:00 GMT' },
  ]);

const rss = (response: ServerResponse, body: string | Buffer, headers: Record<string, string> = {}): void => {
  response.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', ...headers }).end(body);
};

/** Writes 64 KiB chunks as fast as the client reads, until it hangs up. */
const pump = (response: ServerResponse): void => {
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  const write = (): void => {
    while (!response.destroyed && response.write(chunk));
  };
  response.on('drain', write);
  write();
};

interface HostileCase {
  readonly name: string;
  readonly route: Route;
  /** The source's result: an error code, or ok / not_modified. */
  readonly code: string;
}

const HOSTILE: readonly HostileCase[] = [
  { name: 'headers never sent', code: 'FETCH_TIMEOUT', route: () => undefined },
  {
    name: 'a body at one byte a second',
    code: 'FETCH_TIMEOUT',
    route: (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/rss+xml', 'content-length': '1000' });
      response.write('<');
      const timer = setInterval(() => response.write('x'), 1_000);
      response.on('close', () => clearInterval(timer));
    },
  },
  {
    name: 'an endless body',
    code: 'FETCH_TOO_LARGE',
    route: (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/rss+xml' });
      pump(response);
    },
  },
  {
    name: 'a gzip bomb (20 MiB of zeros)',
    code: 'FETCH_TOO_LARGE',
    route: (_request, response) => rss(response, gzipSync(Buffer.alloc(20 * MiB)), { 'content-encoding': 'gzip' }),
  },
  {
    name: 'a 100 MB body',
    code: 'FETCH_TOO_LARGE',
    route: (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/rss+xml', 'content-length': String(100 * 1000 * 1000) });
      pump(response);
    },
  },
  {
    // RFC 9110 §15.4: a client detects redirect loops.
    name: 'a redirect loop',
    code: 'FETCH_REDIRECT_LOOP',
    route: (request, response) => response.writeHead(302, { location: request.url === '/feed' ? '/other' : '/feed' }).end(),
  },
  {
    // RFC 6585 §4 and RFC 9110 §10.2.3: Retry-After in seconds.
    name: '429 with Retry-After: 120',
    code: 'FETCH_HTTP_STATUS',
    route: (_request, response) => response.writeHead(429, { 'retry-after': '120' }).end('slow down'),
  },
  {
    // RFC 9110 §15.6.4 and §10.2.3: Retry-After as an HTTP date.
    name: '503 with Retry-After as a date',
    code: 'FETCH_HTTP_STATUS',
    route: (_request, response) =>
      response.writeHead(503, { 'retry-after': new Date(NOW.getTime() + 300_000).toUTCString() }).end('maintenance'),
  },
  {
    // Feeds are recognised by their content, not by a Content-Type servers often get wrong.
    name: 'a feed sent as application/json',
    code: 'ok',
    route: (_request, response) => rss(response, goodFeed('mislabelled'), { 'content-type': 'application/json' }),
  },
  {
    name: 'an HTML page',
    code: 'FETCH_NOT_A_FEED',
    route: (_request, response) =>
      response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><body>Login</body></html>'),
  },
  { name: 'an empty body', code: 'FETCH_NOT_A_FEED', route: (_request, response) => rss(response, '') },
  {
    name: 'truncated XML',
    code: 'PARSE_INVALID_FEED',
    route: (_request, response) => rss(response, goodFeed('truncated').slice(0, 400)),
  },
  {
    // An unknown label falls back to a default decoding rather than failing (WHATWG Encoding).
    name: 'a bogus charset',
    code: 'ok',
    route: (_request, response) =>
      response.writeHead(200, { 'content-type': 'application/rss+xml; charset=x-no-such-charset' }).end(goodFeed('bogus')),
  },
  {
    name: 'a connection reset mid-body',
    code: 'FETCH_RESET',
    route: (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/rss+xml', 'content-length': '1000' });
      response.write('<rss>');
      setTimeout(() => response.socket?.destroy(), 50);
    },
  },
];

function codeOf(result: SourceResult | undefined): string {
  if (result === undefined) return 'missing';
  if (result.kind === 'failed') return result.code;
  return result.kind === 'not-modified' ? 'not_modified' : result.kind;
}

describe('runCycle against hostile servers', () => {
  const servers = new Map<string, TestServer>();
  let good: TestServer;
  let project: CycleProject;
  let first: { summary: CycleSummary; results: Map<string, SourceResult> };
  let firstMs: number;
  const feedUrl = (name: string): string => (servers.get(name) as TestServer).url('/feed');

  beforeAll(async () => {
    for (const hostile of HOSTILE) {
      servers.set(hostile.name, await startServer({ '/feed': hostile.route, '/other': hostile.route, '/second': hostile.route }));
    }
    good = await startServer({
      '/one.xml': (_request, response) => rss(response, goodFeed('alpha')),
      '/two.xml': (_request, response) => rss(response, goodFeed('beta')),
    });
    const sources = [
      ...HOSTILE.map((hostile) => `  - { url: "${feedUrl(hostile.name)}", name: ${JSON.stringify(hostile.name)} }`),
      // A second source on the host that answers 429: it must wait too.
      `  - { url: "${(servers.get('429 with Retry-After: 120') as TestServer).url('/second')}", name: "same host as the 429" }`,
      `  - { url: "${good.url('/one.xml')}", name: Alpha }`,
      `  - { url: "${good.url('/two.xml')}", name: Beta }`,
    ];
    project = makeCycleProject(
      `sources:\n${sources.join('\n')}\n` +
        `fetch: { connectTimeoutMs: ${LIMITS.connectTimeoutMs}, headersTimeoutMs: ${LIMITS.headersTimeoutMs}, ` +
        `bodyTimeoutMs: ${LIMITS.bodyTimeoutMs}, maxBytes: ${LIMITS.maxBytes}, concurrency: 32, perHostConcurrency: 1, perHostDelayMs: 0 }`,
    );
    const started = performance.now();
    first = await project.run(NOW);
    firstMs = performance.now() - started;
  }, 20_000);

  afterAll(async () => {
    project.cleanup();
    await Promise.all([...servers.values(), good].map((server) => server.close()));
  });

  it.each(HOSTILE.map((hostile) => ({ name: hostile.name, code: hostile.code })))('$name → $code', ({ name, code }) => {
    expect(codeOf(first.results.get(feedUrl(name)))).toBe(code);
  });

  it('accounts for every source', () => {
    expect(first.summary.due).toBe(HOSTILE.length + 3);
    expect(first.results.size).toBe(HOSTILE.length + 3);
  });

  // A wall-clock bound: checked by `npm run test:stress` (which runs this file on a quiet machine,
  // one file at a time), not by the default suite, where other tests share the cores.
  it.runIf(process.env.VEILLE_TIMING_CHECKS === '1')('finishes within the longest timeout and a margin', () => {
    expect(firstMs).toBeLessThan(LIMITS.headersTimeoutMs + LIMITS.bodyTimeoutMs + MARGIN_MS);
  });

  it('publishes the good sources, and the hostile ones that still gave a feed', () => {
    expect(codeOf(first.results.get(good.url('/one.xml')))).toBe('ok');
    expect(codeOf(first.results.get(good.url('/two.xml')))).toBe('ok');
    const titles = project.publishedTitles();
    for (const name of ['alpha', 'beta', 'mislabelled', 'bogus']) {
      // English items without a translator say their language.
      expect(titles).toContain(`${name}: federated learning in hospitals (en anglais)`);
    }
    expect(first.summary.newItems).toBe(8);
  });

  it('does not send the second request to a host that answered 429 with Retry-After (RFC 6585 §4)', () => {
    const server = servers.get('429 with Retry-After: 120') as TestServer;
    expect(first.results.get(server.url('/second'))).toEqual({ kind: 'deferred', until: new Date(NOW.getTime() + 120_000).toISOString() });
    expect(server.requests.map((request) => request.path)).toEqual(['/feed']);
    expect(first.summary.deferred).toBe(1);
  });

  it('remembers the hosts that asked to wait, and leaves them alone in the next cycle too', async () => {
    const host = (name: string): string => new URL(feedUrl(name)).host;
    expect(project.store.listHostDeferrals(NOW.toISOString())).toEqual([
      { host: host('429 with Retry-After: 120'), notBefore: new Date(NOW.getTime() + 120_000).toISOString(), reason: 'HTTP 429 Retry-After' },
      { host: host('503 with Retry-After as a date'), notBefore: new Date(NOW.getTime() + 300_000).toISOString(), reason: 'HTTP 503 Retry-After' },
    ].sort((a, b) => a.host.localeCompare(b.host)));

    const later = new Date(NOW.getTime() + 60_000);
    const second = await project.run(later, { force: true });
    const tooManyRequests = servers.get('429 with Retry-After: 120') as TestServer;
    expect(codeOf(second.results.get(feedUrl('429 with Retry-After: 120')))).toBe('deferred');
    expect(codeOf(second.results.get(tooManyRequests.url('/second')))).toBe('deferred');
    expect(codeOf(second.results.get(feedUrl('503 with Retry-After as a date')))).toBe('deferred');
    expect(tooManyRequests.requests).toHaveLength(1);
    // The stored next fetch is the host's time, so status shows when the source will be tried.
    const stored = project.store.listSources({ activeOnly: true }).find((source) => source.url === tooManyRequests.url('/second'));
    expect(stored?.nextFetchAt).toBe(new Date(NOW.getTime() + 120_000).toISOString());
    expect(stored?.consecutiveFailures).toBe(0);
  }, 20_000);
});
