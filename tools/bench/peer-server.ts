// Child process of `npm run bench:peers`: serves the expanded AI-news feeds on 127.0.0.1, so that
// the bench's figures are the readers' alone. Prints "ready <port>" when listening. Arguments: the
// number of feeds (200), and the port (0: any free one; a fixed one gives two runs the same feed URLs,
// so that import-digest.ts can compare what they stored).
//   GET  /feeds/<i>.xml   feed i; 304 when If-None-Match or If-Modified-Since matches, while
//                         validators are on (ETag and Last-Modified are then sent with each 200)
//   POST /control?validators=0|1     validators off or on
//   POST /control?add=N&date=ISO     one new item in each of the next N feeds, round robin
//   GET  /stats, POST /control?reset=1   answers counted by status since the last reset
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { addSoakItem, expandFeeds, readPeerFeeds } from './peer-feeds.js';

const feedCount = Number(process.argv[2] ?? '200');
const bodies = expandFeeds(readPeerFeeds(), feedCount).map((xml) => Buffer.from(xml));
const LAUNCH = new Date(Date.UTC(2026, 10, 30, 6, 0, 0)).toUTCString();
const etags = bodies.map(etagOf);
const lastModified = bodies.map(() => LAUNCH);
let validators = true;
let nextFeed = 0;
let serial = 0;
let stats: Record<string, number> = {};

function etagOf(body: Buffer): string {
  return `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`;
}

function answer(response: ServerResponse, status: number, headers: Record<string, string | number> = {}, body?: Buffer | string): void {
  stats[status] = (stats[status] ?? 0) + 1;
  response.writeHead(status, headers).end(body);
}

function control(query: URLSearchParams): unknown {
  if (query.get('reset') === '1') stats = {};
  const mode = query.get('validators');
  if (mode !== null) validators = mode === '1';
  const add = Number(query.get('add') ?? '0');
  const date = new Date(query.get('date') ?? LAUNCH);
  const changed: number[] = [];
  for (let n = 0; n < add && bodies.length > 0; n += 1) {
    const index = nextFeed;
    nextFeed = (nextFeed + 1) % bodies.length;
    serial += 1;
    const body = Buffer.from(addSoakItem(bodies[index]?.toString('utf8') ?? '', serial, date));
    bodies[index] = body;
    etags[index] = etagOf(body);
    lastModified[index] = date.toUTCString();
    changed.push(index);
  }
  return { validators, changed };
}

function handle(request: IncomingMessage, response: ServerResponse): void {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  if (request.method === 'POST' && url.pathname === '/control') {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(control(url.searchParams)));
    return;
  }
  if (url.pathname === '/stats') {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stats));
    return;
  }
  const match = /^\/feeds\/(\d{1,4})\.xml$/.exec(url.pathname);
  const index = match ? Number(match[1]) : -1;
  const body = bodies[index];
  if (!body) return answer(response, 404);
  const etag = etags[index] ?? '';
  const modified = lastModified[index] ?? LAUNCH;
  if (validators && (request.headers['if-none-match'] === etag || (request.headers['if-none-match'] === undefined && request.headers['if-modified-since'] === modified))) {
    return answer(response, 304, { etag, 'last-modified': modified });
  }
  const headers: Record<string, string | number> = { 'content-type': 'application/rss+xml; charset=utf-8', 'content-length': body.length };
  if (validators) Object.assign(headers, { etag, 'last-modified': modified });
  answer(response, 200, headers, request.method === 'HEAD' ? undefined : body);
}

const server = createServer(handle);
server.keepAliveTimeout = 5000;
await new Promise<void>((resolve) => server.listen(Number(process.argv[3] ?? '0'), '127.0.0.1', resolve));
process.stdout.write(`ready ${(server.address() as AddressInfo).port}\n`);
process.on('SIGTERM', () => {
  server.close();
  process.exit(0);
});
