// The server as a host of published files (issue 22): the compressed form a request accepts,
// an ETag per form, byte ranges, Cache-Control from the schedule, and files held in memory.

import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { copyFile, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishSite } from '../../src/publish/publish-site.js';
import { startServer, type RunningServer } from '../../src/publish/server.js';
import { sampleSnapshot } from './sample-site.js';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

let root: string;
let dir: string;
let server: RunningServer;
let plain: Buffer;

function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

function decoded(reply: Reply): Buffer {
  const coding = reply.headers['content-encoding'];
  if (coding === 'br') return brotliDecompressSync(reply.body);
  if (coding === 'gzip') return gunzipSync(reply.body);
  return reply.body;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'veille-encoding-'));
  dir = join(root, 'public');
  await publishSite(dir, sampleSnapshot());
  await writeFile(join(dir, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  plain = await readFile(join(dir, 'feed.xml'));
  server = await startServer({ dir, host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

describe('content codings', () => {
  it.each<[string, Record<string, string>, string | undefined]>([
    ['no Accept-Encoding: the plain file', {}, undefined],
    ['gzip', { 'Accept-Encoding': 'gzip' }, 'gzip'],
    ['what curl and feedparser ask', { 'Accept-Encoding': 'gzip, deflate' }, 'gzip'],
    ['a browser: br first', { 'Accept-Encoding': 'gzip, deflate, br, zstd' }, 'br'],
    ['br refused', { 'Accept-Encoding': 'br;q=0, gzip' }, 'gzip'],
    ['*', { 'Accept-Encoding': '*' }, 'br'],
    ['nothing veille has: the plain file', { 'Accept-Encoding': 'deflate' }, undefined],
    ['identity refused', { 'Accept-Encoding': 'identity;q=0, gzip' }, 'gzip'],
  ])('%s', async (_name, headers, coding) => {
    const reply = await get(server.port, '/feed.xml', headers);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-encoding']).toBe(coding);
    expect(reply.headers.vary).toBe('Accept-Encoding');
    expect(reply.headers['content-type']).toBe('application/rss+xml; charset=utf-8');
    expect(Number(reply.headers['content-length'])).toBe(reply.body.length);
    expect(decoded(reply).equals(plain)).toBe(true);
  });

  it('sends fewer bytes to a gzip reader than gzip makes of the file', async () => {
    const reply = await get(server.port, '/feed.xml', { 'Accept-Encoding': 'gzip' });
    expect(reply.body.length).toBeLessThanOrEqual(gzipSync(plain).length);
  });

  it('gives each form its own ETag, the plain one with a suffix', async () => {
    const identity = (await get(server.port, '/feed.xml')).headers.etag ?? '';
    const gzip = (await get(server.port, '/feed.xml', { 'Accept-Encoding': 'gzip' })).headers.etag;
    const br = (await get(server.port, '/feed.xml', { 'Accept-Encoding': 'br' })).headers.etag;
    expect(identity).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect([gzip, br]).toEqual([`${identity.slice(0, -1)}-gz"`, `${identity.slice(0, -1)}-br"`]);
  });

  it.each<[string, number, string, Record<string, string>]>([
    // RFC 9110 §13.1.2: the validator is the representation's, so another form's ETag does not match.
    ['the gzip ETag, gzip accepted', 304, 'gzip', { 'Accept-Encoding': 'gzip' }],
    ['the gzip ETag, nothing accepted', 200, 'gzip', {}],
    ['the plain ETag, gzip accepted', 200, 'identity', { 'Accept-Encoding': 'gzip' }],
  ])('If-None-Match with %s -> %i', async (_name, status, heldCoding, headers) => {
    const held = (await get(server.port, '/feed.xml', heldCoding === 'identity' ? {} : { 'Accept-Encoding': heldCoding })).headers.etag ?? '';
    const reply = await get(server.port, '/feed.xml', { ...headers, 'If-None-Match': held });
    expect(reply.status).toBe(status);
    expect(reply.headers.vary).toBe('Accept-Encoding');
  });

  it('answers 406 when the request refuses the plain file and the file has no form (an image)', async () => {
    const reply = await get(server.port, '/logo.png', { 'Accept-Encoding': 'gzip, identity;q=0' });
    expect(reply.status).toBe(406);
    expect(reply.headers.vary).toBe('Accept-Encoding');
  });

  it.each(['/feed.xml.gz', '/feed.xml.br', '/themes/privacy.xml.gz'])('does not serve %s as a file of its own', async (path) => {
    expect((await get(server.port, path)).status).toBe(404);
  });

  it('never sends a form that is not this version of the file', async () => {
    const site = join(root, 'mismatched');
    await publishSite(site, sampleSnapshot());
    // An earlier feed.xml's gzip form left beside a feed.xml edited by hand.
    await writeFile(join(site, 'feed.xml.gz'), gzipSync(Buffer.from('<rss>an earlier version</rss>')));
    await writeFile(join(site, 'feed.xml'), '<rss>edited by hand</rss>');
    const other = await startServer({ dir: site, host: '127.0.0.1', port: 0 });
    try {
      const reply = await get(other.port, '/feed.xml', { 'Accept-Encoding': 'gzip' });
      expect(reply.headers['content-encoding']).toBeUndefined();
      expect(reply.body.toString()).toBe('<rss>edited by hand</rss>');
    } finally {
      await other.close();
    }
  });
});

describe('byte ranges (RFC 9110 §14)', () => {
  it.each<[string, number, Record<string, string>, string | undefined, [number, number] | null]>([
    ['the first ten bytes', 206, { Range: 'bytes=0-9' }, 'bytes 0-9/', [0, 10]],
    ['the last five bytes', 206, { Range: 'bytes=-5' }, undefined, [-5, Infinity]],
    ['several ranges: the whole file', 200, { Range: 'bytes=0-1,4-5' }, undefined, null],
    ['a start past the end', 416, { Range: 'bytes=99999999-' }, undefined, null],
    ['If-Range with another ETag: the whole file', 200, { Range: 'bytes=0-9', 'If-Range': '"other"' }, undefined, null],
  ])('%s -> %i', async (_name, status, headers, contentRange, slice) => {
    const reply = await get(server.port, '/feed.xml', headers);
    expect(reply.status).toBe(status);
    if (contentRange !== undefined) expect(reply.headers['content-range']).toBe(`${contentRange}${plain.length}`);
    if (status === 416) expect(reply.headers['content-range']).toBe(`bytes */${plain.length}`);
    if (status === 200) expect(reply.body.equals(plain)).toBe(true);
    if (slice !== null) expect(reply.body.equals(plain.subarray(slice[0], slice[1] === Infinity ? undefined : slice[1]))).toBe(true);
  });

  it('If-Range with the ETag held: the range', async () => {
    const etag = (await get(server.port, '/feed.xml')).headers.etag ?? '';
    const reply = await get(server.port, '/feed.xml', { Range: 'bytes=5-14', 'If-Range': etag });
    expect([reply.status, reply.body.toString()]).toEqual([206, plain.subarray(5, 15).toString()]);
  });

  it('a range of the gzip form is a range of its bytes', async () => {
    const whole = (await get(server.port, '/feed.xml', { 'Accept-Encoding': 'gzip' })).body;
    const reply = await get(server.port, '/feed.xml', { 'Accept-Encoding': 'gzip', Range: 'bytes=0-99' });
    expect([reply.status, reply.headers['content-encoding']]).toEqual([206, 'gzip']);
    expect(reply.body.equals(whole.subarray(0, 100))).toBe(true);
  });

  it('HEAD ignores Range', async () => {
    const reply = await get(server.port, '/feed.xml', { Range: 'bytes=0-9' }, 'HEAD');
    expect([reply.status, reply.headers['content-length'], reply.body.length]).toEqual([200, String(plain.length), 0]);
  });

  it('serves a file too large to hold from disk, whole and in part', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 17, 'veille ');
    await writeFile(join(dir, 'big.txt'), big);
    const whole = await get(server.port, '/big.txt');
    expect([whole.status, whole.body.equals(big)]).toEqual([200, true]);
    const part = await get(server.port, '/big.txt', { Range: 'bytes=2000000-2000009' });
    expect([part.status, part.body.toString()]).toEqual([206, big.subarray(2000000, 2000010).toString()]);
  });
});

describe('Cache-Control', () => {
  it('says the max-age the server is given (the fetch schedule), on answers and 304s', async () => {
    const other = await startServer({ dir, host: '127.0.0.1', port: 0, maxAgeSeconds: 1800 });
    try {
      const reply = await get(other.port, '/feed.xml');
      expect(reply.headers['cache-control']).toBe('public, max-age=1800');
      const notModified = await get(other.port, '/feed.xml', { 'If-None-Match': reply.headers.etag ?? '' });
      expect([notModified.status, notModified.headers['cache-control']]).toEqual([304, 'public, max-age=1800']);
    } finally {
      await other.close();
    }
  });
});

describe('files held in memory', () => {
  async function siteServer(recheckMs: number): Promise<{ site: string; server: RunningServer }> {
    const site = await mkdtemp(join(root, 'held-'));
    await copyFile(join(dir, 'feed.xml'), join(site, 'feed.xml'));
    await copyFile(join(dir, 'feed.xml.gz'), join(site, 'feed.xml.gz'));
    return { site, server: await startServer({ dir: site, host: '127.0.0.1', port: 0, recheckMs }) };
  }

  it('answers a 304 and a 200 without reading the file again (it may be gone meanwhile)', async () => {
    const { site, server: held } = await siteServer(60_000);
    try {
      const first = await get(held.port, '/feed.xml', { 'Accept-Encoding': 'gzip' });
      await unlink(join(site, 'feed.xml'));
      await unlink(join(site, 'feed.xml.gz'));
      const again = await get(held.port, '/feed.xml', { 'Accept-Encoding': 'gzip', 'If-None-Match': first.headers.etag ?? '' });
      expect(again.status).toBe(304);
      expect((await get(held.port, '/feed.xml')).body.equals(plain)).toBe(true);
    } finally {
      await held.close();
    }
  });

  it('reads the file again when told of a publish (refresh)', async () => {
    const { site, server: held } = await siteServer(60_000);
    try {
      await get(held.port, '/feed.xml');
      await writeFile(join(site, 'feed.xml'), '<rss>new</rss>');
      expect((await get(held.port, '/feed.xml')).body.equals(plain)).toBe(true);
      held.refresh();
      const reply = await get(held.port, '/feed.xml', { 'Accept-Encoding': 'gzip' });
      expect([reply.body.toString(), reply.headers['content-encoding']]).toEqual(['<rss>new</rss>', undefined]);
    } finally {
      await held.close();
    }
  });

  it('sees a file another process replaced once its stat is looked at again', async () => {
    const { site, server: held } = await siteServer(0);
    try {
      await get(held.port, '/feed.xml');
      await writeFile(join(site, 'feed.xml'), '<rss>from another process</rss>');
      expect((await get(held.port, '/feed.xml')).body.toString()).toBe('<rss>from another process</rss>');
    } finally {
      await held.close();
    }
  });
});

describe('HTTP/1.0 keep-alive', () => {
  // ab and old readers speak HTTP/1.0: a 304 must not cost them a new connection each time.
  it('keeps the connection after a 304', async () => {
    const etag = (await get(server.port, '/feed.xml')).headers.etag ?? '';
    const request = `GET /feed.xml HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: Keep-Alive\r\nIf-None-Match: ${etag}\r\n\r\n`;
    const answers = await new Promise<string>((resolve, reject) => {
      const socket = connect(server.port, '127.0.0.1', () => socket.write(request + request));
      let data = '';
      socket.on('data', (chunk) => {
        data += chunk.toString('latin1');
        if (data.split('HTTP/1.1 304').length === 3) {
          socket.destroy();
          resolve(data);
        }
      });
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
    });
    expect(answers.split('HTTP/1.1 304').length - 1).toBe(2);
    expect(answers).toMatch(/^Connection: keep-alive\r$/im);
  });
});
