// The built-in HTTP server, over real loopback connections: media types, validators and
// conditional GET (RFC 9110 §13), methods, and requests that try to leave the folder.

import { request as httpRequest, Agent, type IncomingHttpHeaders } from 'node:http';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { mkdir, mkdtemp, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishSite } from '../../src/publish/publish-site.js';
import { startServer } from '../../src/publish/server.js';
import { sampleSnapshot } from './sample-site.js';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

let root: string;
let dir: string;
let server: Awaited<ReturnType<typeof startServer>>;

function get(path: string, options: { method?: string; headers?: Record<string, string>; agent?: Agent } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: server.port, path, method: options.method ?? 'GET', headers: options.headers, agent: options.agent ?? false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Sends the request line byte for byte: http.request and fetch would normalize the path. */
function rawStatus(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    });
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString('latin1')));
    socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0)));
    socket.on('error', reject);
  });
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'veille-server-'));
  dir = join(root, 'public');
  await publishSite(dir, sampleSnapshot());
  await writeFile(join(dir, 'style.css'), 'body{}');
  await writeFile(join(dir, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  await writeFile(join(dir, 'digest.xml'), '<rss/>');
  await writeFile(join(dir, '.secret'), 'hidden');
  await mkdir(join(dir, '.git'));
  await writeFile(join(dir, '.git', 'config'), 'hidden');
  await writeFile(join(root, 'outside.txt'), 'outside');
  await symlink(join(root, 'outside.txt'), join(dir, 'link.txt'));
  // A fixed mtime, so If-Modified-Since cases do not depend on the clock.
  await utimes(join(dir, 'feed.xml'), new Date('2025-04-07T06:00:00Z'), new Date('2025-04-07T06:00:00Z'));
  server = await startServer({
    dir,
    host: '127.0.0.1',
    port: 0,
    routes: {
      '/healthz': () => ({ status: 200, contentType: 'text/plain; charset=utf-8', body: 'ok\n' }),
      '/boom': () => {
        throw new Error('route failed');
      },
    },
  });
});

afterAll(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

describe('files and media types', () => {
  it.each([
    ['/feed.xml', 'application/rss+xml; charset=utf-8'],
    ['/digest.xml', 'application/rss+xml; charset=utf-8'],
    ['/themes/privacy.xml', 'application/rss+xml; charset=utf-8'],
    ['/atom.xml', 'application/atom+xml; charset=utf-8'],
    ['/themes/privacy.atom', 'application/atom+xml; charset=utf-8'],
    ['/feed.json', 'application/feed+json; charset=utf-8'],
    ['/themes/privacy.json', 'application/feed+json; charset=utf-8'],
    ['/sources.opml', 'text/x-opml; charset=utf-8'],
    ['/index.html', 'text/html; charset=utf-8'],
    ['/themes/privacy.html', 'text/html; charset=utf-8'],
    ['/', 'text/html; charset=utf-8'],
    ['/style.css', 'text/css; charset=utf-8'],
    ['/logo.png', 'image/png'],
    ['/feed.xml?utm_source=x', 'application/rss+xml; charset=utf-8'],
  ])('GET %s is %s', async (path, type) => {
    const reply = await get(path);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe(type);
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(reply.headers['cache-control']).toBe('no-cache');
  });

  it('serves the bytes of the file, with its length', async () => {
    const reply = await get('/feed.xml');
    expect(reply.body).toBe(await readFile(join(dir, 'feed.xml'), 'utf8'));
    expect(Number(reply.headers['content-length'])).toBe(Buffer.byteLength(reply.body));
  });

  it('sends a CSP with HTML only', async () => {
    expect((await get('/')).headers['content-security-policy']).toMatch(/default-src 'none'.*frame-ancestors 'none'/);
    expect((await get('/themes/privacy.html')).headers['content-security-policy']).toMatch(/default-src 'none'.*frame-ancestors 'none'/);
    expect((await get('/feed.xml')).headers['content-security-policy']).toBeUndefined();
  });

  it('serves extra routes before files', async () => {
    const reply = await get('/healthz');
    expect([reply.status, reply.headers['content-type'], reply.body]).toEqual([200, 'text/plain; charset=utf-8', 'ok\n']);
    expect((await get('/boom')).status).toBe(500);
  });
});

describe('validators and conditional GET', () => {
  const LAST_MODIFIED = 'Mon, 07 Apr 2025 06:00:00 GMT';

  it('sends a strong ETag and Last-Modified', async () => {
    const reply = await get('/feed.xml');
    expect(reply.headers.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(reply.headers['last-modified']).toBe(LAST_MODIFIED);
  });

  it('keeps the ETag across restarts', async () => {
    const before = (await get('/feed.xml')).headers.etag;
    const other = await startServer({ dir, host: '127.0.0.1', port: 0 });
    const after = await new Promise<string | undefined>((resolve) => {
      httpRequest({ host: '127.0.0.1', port: other.port, path: '/feed.xml' }, (res) => {
        res.resume();
        resolve(res.headers.etag);
      }).end();
    });
    await other.close();
    expect(after).toBe(before);
  });

  it.each<[string, (etag: string) => Record<string, string>, number]>([
    ['If-None-Match with the ETag', (etag) => ({ 'If-None-Match': etag }), 304],
    ['If-None-Match in a list', (etag) => ({ 'If-None-Match': `"other", ${etag}` }), 304],
    ['If-None-Match with the weak form (weak comparison, RFC 9110 §13.1.2)', (etag) => ({ 'If-None-Match': `W/${etag}` }), 304],
    ['If-None-Match: *', () => ({ 'If-None-Match': '*' }), 304],
    ['If-None-Match with another ETag', () => ({ 'If-None-Match': '"other"' }), 200],
    // If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
    ['a stale ETag with a fresh If-Modified-Since', () => ({ 'If-None-Match': '"other"', 'If-Modified-Since': 'Tue, 01 Jan 2030 00:00:00 GMT' }), 200],
    ['a matching ETag with an old If-Modified-Since', (etag) => ({ 'If-None-Match': etag, 'If-Modified-Since': 'Mon, 01 Jan 2001 00:00:00 GMT' }), 304],
    ['If-Modified-Since equal to Last-Modified', () => ({ 'If-Modified-Since': LAST_MODIFIED }), 304],
    ['If-Modified-Since later', () => ({ 'If-Modified-Since': 'Tue, 08 Apr 2025 00:00:00 GMT' }), 304],
    ['If-Modified-Since earlier', () => ({ 'If-Modified-Since': 'Sun, 06 Apr 2025 00:00:00 GMT' }), 200],
    ['If-Modified-Since unreadable (ignored, RFC 9110 §13.1.3)', () => ({ 'If-Modified-Since': 'yesterday' }), 200],
    // Date.parse reads these as dates; they are not HTTP-dates (RFC 9110 §5.6.7), so they are ignored.
    ['If-Modified-Since: 3000 (not an HTTP-date)', () => ({ 'If-Modified-Since': '3000' }), 200],
    ['If-Modified-Since: Dec 2099 (not an HTTP-date)', () => ({ 'If-Modified-Since': 'Dec 2099' }), 200],
    ['If-Modified-Since with a numeric zone (not an HTTP-date)', () => ({ 'If-Modified-Since': 'Tue, 08 Apr 2025 00:00:00 +0000' }), 200],
    ['If-Modified-Since in the future (ignored, RFC 9110 §13.1.3)', () => ({ 'If-Modified-Since': 'Thu, 01 Jan 2099 00:00:00 GMT' }), 200],
    ['If-Modified-Since later, RFC 850 form', () => ({ 'If-Modified-Since': 'Tuesday, 08-Apr-25 00:00:00 GMT' }), 304],
    ['If-Modified-Since later, asctime form', () => ({ 'If-Modified-Since': 'Tue Apr  8 00:00:00 2025' }), 304],
  ])('%s -> %i', async (_name, headers, status) => {
    const etag = (await get('/feed.xml')).headers.etag ?? '';
    const reply = await get('/feed.xml', { headers: headers(etag) });
    expect(reply.status).toBe(status);
    if (status === 304) {
      expect(reply.body).toBe('');
      expect(reply.headers.etag).toBe(etag);
    }
  });
});

describe('request targets', () => {
  // RFC 9112 §3.2.2: a server must accept the absolute form, and serve it like the origin form.
  it.each([
    ['a file', 200, (port: number) => `http://127.0.0.1:${port}/feed.xml`],
    ['a file, another host named', 200, () => 'http://feeds.example/feed.xml'],
    ['a file, with a query', 200, (port: number) => `HTTP://127.0.0.1:${port}/feed.xml?x=1`],
    ['the home page, no path', 200, (port: number) => `http://127.0.0.1:${port}`],
    ['a route', 200, (port: number) => `http://127.0.0.1:${port}/healthz`],
    ['a missing file', 404, (port: number) => `http://127.0.0.1:${port}/nope.xml`],
    ['dot-dot', 404, (port: number) => `http://127.0.0.1:${port}/../outside.txt`],
    ['encoded dot-dot', 404, (port: number) => `http://127.0.0.1:${port}/%2e%2e/outside.txt`],
    ['a dotfile', 404, (port: number) => `http://127.0.0.1:${port}/.secret`],
  ])('absolute form: %s -> %i', async (_name, status, target) => {
    expect(await rawStatus(target(server.port))).toBe(status);
  });
});

describe('methods', () => {
  it('HEAD sends the headers of GET and no body', async () => {
    const [head, full] = [await get('/feed.xml', { method: 'HEAD' }), await get('/feed.xml')];
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers['content-length']).toBe(full.headers['content-length']);
    expect(head.headers.etag).toBe(full.headers.etag);
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])('%s -> 405 with Allow', async (method) => {
    const reply = await get('/feed.xml', { method });
    expect(reply.status).toBe(405);
    expect(reply.headers.allow).toBe('GET, HEAD');
  });
});

describe('paths that must not be served', () => {
  it.each([
    ['missing file', '/nope.xml'],
    ['a folder', '/themes'],
    ['dot-dot', '/../outside.txt'],
    ['dot-dot inside', '/themes/../../outside.txt'],
    ['dot-dot to a real file', '/themes/../feed.xml'],
    ['encoded dot-dot', '/%2e%2e/outside.txt'],
    ['encoded dot-dot, upper case', '/%2E%2E/outside.txt'],
    ['encoded slash', '/themes%2f..%2f..%2foutside.txt'],
    ['double-encoded dot-dot', '/%252e%252e/outside.txt'],
    ['backslash', '/themes\\..\\feed.xml'],
    ['encoded backslash', '/..%5coutside.txt'],
    ['encoded NUL', '/feed.xml%00.html'],
    ['invalid percent-encoding', '/%E0%A4%A'],
    ['dotfile', '/.secret'],
    ['dot folder', '/.git/config'],
    ['encoded dotfile', '/%2esecret'],
    ['a temporary file name', '/.feed.xml.1.abc.tmp'],
    ['a symbolic link out of the folder', '/link.txt'],
    ['empty segment', '//etc/passwd'],
    ['absolute path in the request line', '/etc/passwd'],
  ])('%s -> 404', async (_name, path) => {
    expect(await rawStatus(path)).toBe(404);
  });

  it('a raw NUL byte is refused by the HTTP parser', async () => {
    expect([400, 404]).toContain(await rawStatus('/feed.xml\0'));
  });
});

describe('close', () => {
  // How soon is measured in tests/stress/timeouts.test.ts.
  it('ends keep-alive connections when it closes', async () => {
    const other = await startServer({ dir, host: '127.0.0.1', port: 0 });
    const agent = new Agent({ keepAlive: true });
    const socket = await new Promise<Socket>((resolve) => {
      httpRequest({ host: '127.0.0.1', port: other.port, path: '/feed.xml', agent }, (res) => {
        const { socket } = res; // detached from the response once it ends
        res.resume();
        res.on('end', () => resolve(socket));
      }).end();
    });
    const socketClosed = once(socket, 'close');
    await other.close();
    await socketClosed; // the server hung up on the idle keep-alive connection
    expect(agent.freeSockets).toEqual({});
    agent.destroy();
  });

  it('reports the actual port when asked for port 0', () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
  });
});
