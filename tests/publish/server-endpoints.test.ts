// Endpoints of the built-in server (a body, a path prefix, methods): what the unsubscribe,
// sign-up and WebSub routes are built on. Real loopback connections.

import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type EndpointRequest } from '../../src/publish/server.js';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

let dir: string;
let server: Awaited<ReturnType<typeof startServer>>;
const seen: EndpointRequest[] = [];

function send(path: string, method: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'veille-endpoints-'));
  await writeFile(join(dir, 'feed.xml'), '<rss/>');
  server = await startServer({
    dir,
    host: '127.0.0.1',
    port: 0,
    endpoints: [
      {
        path: '/unsubscribe/',
        prefix: true,
        methods: ['GET', 'POST'],
        maxBodyBytes: 1024,
        handle: (request) => {
          seen.push(request);
          return request.method === 'POST'
            ? { status: 200, contentType: 'text/plain; charset=utf-8', body: `posted ${request.body.toString('utf8')}` }
            : { status: 200, contentType: 'text/html; charset=utf-8', body: '<form method="post"></form>' };
        },
      },
      {
        path: '/websub',
        methods: ['POST'],
        handle: async (request) => ({ status: 202, body: '', headers: { 'X-Seen-Query': request.query.get('hub.topic') ?? '' } }),
      },
    ],
  });
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('endpoints', () => {
  it('hands a POST its body, path and query, and answers what the endpoint returns', async () => {
    const reply = await send('/unsubscribe/abc?x=1', 'POST', 'List-Unsubscribe=One-Click', {
      'Content-Type': 'application/x-www-form-urlencoded',
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('posted List-Unsubscribe=One-Click');
    expect(reply.headers['cache-control']).toBe('no-store');
    const request = seen.at(-1)!;
    expect(request.path).toBe('/unsubscribe/abc');
    expect(request.query.get('x')).toBe('1');
    expect(request.remoteAddress).toMatch(/127\.0\.0\.1/);
  });

  it('lets an HTML answer post forms back to this server only', async () => {
    const reply = await send('/unsubscribe/abc', 'GET');
    expect(reply.headers['content-security-policy']).toContain("form-action 'self'");
    const head = await send('/unsubscribe/abc', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('refuses a method the endpoint does not take, saying which it takes', async () => {
    const get = await send('/websub', 'GET');
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    const put = await send('/unsubscribe/abc', 'PUT', 'x');
    expect(put.status).toBe(405);
    expect(put.headers.allow).toBe('GET, POST, HEAD');
  });

  it('refuses a body over the limit, declared or streamed, without calling the endpoint', async () => {
    const before = seen.length;
    expect((await send('/unsubscribe/abc', 'POST', 'x'.repeat(2048))).status).toBe(413);
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: server.port, path: '/unsubscribe/abc', method: 'POST', agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', () => resolve(413));
      for (let i = 0; i < 8; i += 1) req.write('y'.repeat(512));
      req.end();
    }).catch(() => 0);
    expect(chunked).toBe(413);
    expect(seen.length).toBe(before);
  });

  it('leaves files and the methods of files as they were', async () => {
    expect((await send('/feed.xml', 'GET')).status).toBe(200);
    expect((await send('/feed.xml', 'POST', 'x')).status).toBe(405);
    expect((await send('/websub/other', 'POST', 'x')).status).toBe(405);
  });
});

describe('a folder not published yet', () => {
  it('answers 404 for a file, not an internal error', async () => {
    const other = await startServer({ dir: join(dir, 'not-yet'), host: '127.0.0.1', port: 0 });
    try {
      const reply = await fetch(`${other.url}feed.xml`);
      expect(reply.status).toBe(404);
    } finally {
      await other.close();
    }
  });
});
