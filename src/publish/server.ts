// The built-in HTTP server for the published folder: feeds with their media types, validators
// for conditional GET (RFC 9110 §13), no traversal out of the folder, no dotfiles.

import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, realpath, stat } from 'node:fs/promises';
import { join, posix, resolve, sep } from 'node:path';
import { VeilleError } from '../domain/errors.js';
import { parseHttpDate } from './http-date.js';
import { mediaTypeOf } from './site-files.js';

export interface RouteResponse {
  status: number;
  contentType: string;
  body: string;
}

/** What an endpoint is given: the request, its body read whole (empty for GET and HEAD). */
export interface EndpointRequest {
  method: 'GET' | 'HEAD' | 'POST';
  /** The path as sent, without the query (`/unsubscribe/abc`). */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The client's address as the socket sees it (for rate limits). */
  remoteAddress: string;
}

export interface EndpointResponse {
  status: number;
  contentType?: string;
  body?: string | Buffer;
  /** More headers (Location, Allow, a page's own Content-Security-Policy…). */
  headers?: Record<string, string>;
}

/**
 * A route with a body or a variable tail (`POST /unsubscribe/TOKEN`, a WebSub callback), answered
 * before files. HEAD is allowed wherever GET is; any other method gets 405 with `Allow`.
 */
export interface Endpoint {
  /** The exact path, or with `prefix` every path that starts with it. */
  path: string;
  prefix?: boolean;
  methods: readonly ('GET' | 'POST')[];
  /** Larger bodies get 413 without being read whole; 64 KiB unless said. */
  maxBodyBytes?: number;
  handle(request: EndpointRequest): EndpointResponse | Promise<EndpointResponse>;
}

export interface ServerOptions {
  dir: string;
  host: string;
  port: number;
  /** Extra routes by exact path (e.g. `/healthz`, `/metrics`), answered before files. */
  routes?: Record<string, () => RouteResponse>;
  /** Endpoints with methods, bodies or path prefixes, matched in order before files. */
  endpoints?: readonly Endpoint[];
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

// Pages have no script; the page's own meta CSP narrows styles further.
const HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
// An endpoint's page may post a form back to this server, and nowhere else.
const ENDPOINT_HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/**
 * The file a request path names, relative to the folder, or null for anything suspicious:
 * dot segments (plain or %-encoded), double encoding, backslashes, NUL, dotfiles.
 */
export function resolveRequestPath(rawUrl: string): string | null {
  const end = rawUrl.search(/[?#]/);
  const rawPath = end === -1 ? rawUrl : rawUrl.slice(0, end);
  if (!rawPath.startsWith('/') || rawPath.includes('\\') || /%5c|%00/i.test(rawPath)) return null;
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return null;
  }
  // A `%` left after one decoding is double encoding: never needed by our own file names.
  if (path.includes('%') || path.includes('\\') || path.includes('\0')) return null;
  if (path.endsWith('/')) path += 'index.html';
  const segments = path.slice(1).split('/');
  if (segments.some((segment) => segment === '' || segment.startsWith('.'))) return null;
  return segments.join('/');
}

interface CachedTag {
  readonly key: string;
  readonly etag: string;
}

/** Strong ETag from the content, cached by size and mtime so unchanged files are not rehashed. */
function createEtagCache(): (path: string, key: string, body: Buffer) => string {
  const cache = new Map<string, CachedTag>();
  return (path, key, body) => {
    const hit = cache.get(path);
    if (hit !== undefined && hit.key === key) return hit.etag;
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    cache.set(path, { key, etag });
    return etag;
  };
}

/** If-None-Match uses the weak comparison (RFC 9110 §13.1.2). */
function matchesEtag(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === bare);
}

function isNotModified(request: IncomingMessage, etag: string, modified: Date, now: Date): boolean {
  const ifNoneMatch = request.headers['if-none-match'];
  // If-None-Match wins over If-Modified-Since when both are sent (RFC 9110 §13.2.2).
  if (ifNoneMatch !== undefined) return matchesEtag(ifNoneMatch, etag);
  const ifModifiedSince = request.headers['if-modified-since'];
  if (ifModifiedSince === undefined) return false;
  // RFC 9110 §13.1.3: a value that is not an HTTP-date is ignored, and so is a date later than
  // the server's clock (the client cannot have seen the file then): both get the file.
  const since = parseHttpDate(ifModifiedSince, now);
  if (since === null || since > now.getTime()) return false;
  // HTTP dates have one-second precision.
  return Math.floor(modified.getTime() / 1000) * 1000 <= since;
}

/**
 * The origin-form of a request target: an absolute-form target (`GET http://host/feed.xml`, which
 * a server must accept, RFC 9112 §3.2.2) loses its scheme and authority, its path and query kept
 * as sent; anything else is returned unchanged.
 */
export function toOriginForm(target: string): string {
  const authority = /^https?:\/\/[^/?#]*/i.exec(target);
  if (authority === null) return target;
  const rest = target.slice(authority[0].length);
  return rest.startsWith('/') ? rest : `/${rest}`;
}

function sendText(response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  const buffer = Buffer.from(body, 'utf8');
  response.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(buffer.length),
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  response.end(response.req.method === 'HEAD' ? undefined : buffer);
}

export function startServer(options: ServerOptions): Promise<RunningServer> {
  const root = resolve(options.dir);
  const etagOf = createEtagCache();

  async function serveFile(request: IncomingMessage, response: ServerResponse, relativePath: string): Promise<void> {
    const path = join(root, ...relativePath.split('/'));
    let real: string;
    let body: Buffer;
    let modified: Date;
    try {
      // Symbolic links must not lead out of the folder either.
      const realRoot = await realpath(root);
      real = await realpath(path);
      if (!real.startsWith(realRoot + sep)) return sendText(response, 404, 'Not found\n');
      const info = await stat(real);
      if (!info.isFile()) return sendText(response, 404, 'Not found\n');
      body = await readFile(real);
      modified = info.mtime;
      const etag = etagOf(real, `${info.size}:${info.mtimeMs}:${info.ino}`, body);
      const headers = {
        'Content-Type': mediaTypeOf(relativePath),
        ETag: etag,
        'Last-Modified': modified.toUTCString(),
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
        ...(relativePath.endsWith('.html') ? { 'Content-Security-Policy': HTML_CSP } : {}),
      };
      if (isNotModified(request, etag, modified, new Date())) {
        response.writeHead(304, headers);
        response.end();
        return;
      }
      response.writeHead(200, { ...headers, 'Content-Length': String(body.length) });
      response.end(request.method === 'HEAD' ? undefined : body);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR' || code === 'ENAMETOOLONG') {
        return sendText(response, 404, 'Not found\n');
      }
      return sendText(response, 500, 'Internal error\n');
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const rawUrl = toOriginForm(request.url ?? '/');
    const endpoint = findEndpoint(options.endpoints, rawUrl.split(/[?#]/)[0] ?? '');
    if (endpoint !== undefined) return answerEndpoint(endpoint, request, response, rawUrl);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return sendText(response, 405, 'Method not allowed\n', { Allow: 'GET, HEAD' });
    }
    const route = options.routes?.[rawUrl.split('?')[0] ?? ''];
    if (route !== undefined) {
      const result = route();
      const buffer = Buffer.from(result.body, 'utf8');
      response.writeHead(result.status, {
        'Content-Type': result.contentType,
        'Content-Length': String(buffer.length),
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      });
      response.end(request.method === 'HEAD' ? undefined : buffer);
      return;
    }
    const relativePath = resolveRequestPath(rawUrl);
    if (relativePath === null || posix.normalize(relativePath) !== relativePath) {
      return sendText(response, 404, 'Not found\n');
    }
    await serveFile(request, response, relativePath);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) sendText(response, 500, 'Internal error\n');
      else response.destroy();
    });
  });

  return new Promise((resolvePromise, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(describeListenError(error, options.host, options.port)));
    server.listen(options.port, options.host, () => {
      server.removeAllListeners('error');
      const { port } = server.address() as AddressInfo;
      const host = options.host.includes(':') ? `[${options.host}]` : options.host;
      resolvePromise({
        url: `http://${host}:${port}/`,
        port,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            // Keep-alive connections would otherwise hold close() open until they time out.
            server.closeAllConnections();
          }),
      });
    });
  });
}

function findEndpoint(endpoints: readonly Endpoint[] | undefined, path: string): Endpoint | undefined {
  return endpoints?.find((endpoint) => (endpoint.prefix === true ? path.startsWith(endpoint.path) : path === endpoint.path));
}

async function answerEndpoint(endpoint: Endpoint, request: IncomingMessage, response: ServerResponse, rawUrl: string): Promise<void> {
  const method = request.method;
  const allowed = endpoint.methods.includes('GET') ? [...endpoint.methods, 'HEAD'] : [...endpoint.methods];
  if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') {
    return sendText(response, 405, 'Method not allowed\n', { Allow: allowed.join(', ') });
  }
  if (!allowed.includes(method)) return sendText(response, 405, 'Method not allowed\n', { Allow: allowed.join(', ') });
  let body: Buffer = Buffer.alloc(0);
  if (method === 'POST') {
    const read = await readBody(request, endpoint.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
    if (read === null) {
      sendText(response, 413, 'Request body too large\n', { Connection: 'close' });
      request.destroy();
      return;
    }
    body = read;
  }
  const queryStart = rawUrl.indexOf('?');
  const result = await endpoint.handle({
    method,
    path: rawUrl.split(/[?#]/)[0] ?? '',
    query: new URLSearchParams(queryStart === -1 ? '' : rawUrl.slice(queryStart + 1).split('#')[0]),
    headers: request.headers,
    body,
    remoteAddress: request.socket.remoteAddress ?? '',
  });
  const payload = typeof result.body === 'string' ? Buffer.from(result.body, 'utf8') : (result.body ?? Buffer.alloc(0));
  const contentType = result.contentType ?? 'text/plain; charset=utf-8';
  response.writeHead(result.status, {
    'Content-Type': contentType,
    'Content-Length': String(payload.length),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...(contentType.startsWith('text/html') ? { 'Content-Security-Policy': ENDPOINT_HTML_CSP } : {}),
    ...result.headers,
  });
  response.end(method === 'HEAD' ? undefined : payload);
}

/** The request body, or null as soon as it passes the limit (declared or sent). */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | null> {
  const declared = Number(request.headers['content-length'] ?? '0');
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(null);
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners('data');
        request.pause();
        done(null);
        return;
      }
      chunks.push(chunk);
    });
    request.once('end', () => done(Buffer.concat(chunks, size)));
    request.once('error', fail);
  });
}

/** A listen failure in words: which address, and what to change. */
function describeListenError(error: NodeJS.ErrnoException, host: string, port: number): VeilleError {
  const address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const reason =
    error.code === 'EADDRINUSE'
      ? `${address} is already in use (another veille, or another server); stop it or change server.port`
      : error.code === 'EACCES'
        ? `not allowed to listen on ${address} (ports below 1024 need privileges); change server.port`
        : error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND'
          ? `${host} is not an address of this machine; change server.host`
          : `cannot listen on ${address}: ${error.message}`;
  return new VeilleError('SERVER_LISTEN', `server: ${reason}`, { cause: error });
}
