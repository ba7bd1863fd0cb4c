// The built-in HTTP server for the published folder: feeds with their media types, validators
// for conditional GET (RFC 9110 §13), no traversal out of the folder, no dotfiles.

import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { open } from 'node:fs/promises';
import { posix, resolve } from 'node:path';
import { VeilleError } from '../domain/errors.js';
import { parseHttpDate } from './http-date.js';
import { mediaTypeOf } from './site-files.js';
import { COMPRESSED_FORMS } from './compressed-forms.js';
import { chooseCoding, parseRange, rangeStillApplies } from './content-negotiation.js';
import { createFileTable, type Representation, type ServedFile } from './served-files.js';

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
  /**
   * `Cache-Control: max-age` of files, in seconds (cacheMaxAge: the fetch schedule's interval);
   * absent: `no-cache`, every use revalidated.
   */
  maxAgeSeconds?: number;
  /** How long a file held in memory is trusted before its stat is looked at again (1 s unless said). */
  recheckMs?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  /** Forgets the files held in memory: a publish in this process calls it, so the next request reads them. */
  refresh(): void;
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

/** If-None-Match uses the weak comparison (RFC 9110 §13.1.2). */
function matchesEtag(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === bare);
}

function isNotModified(request: IncomingMessage, etag: string, modifiedMs: number): boolean {
  const ifNoneMatch = request.headers['if-none-match'];
  // If-None-Match wins over If-Modified-Since when both are sent (RFC 9110 §13.2.2).
  if (ifNoneMatch !== undefined) return matchesEtag(ifNoneMatch, etag);
  const ifModifiedSince = request.headers['if-modified-since'];
  if (ifModifiedSince === undefined) return false;
  // RFC 9110 §13.1.3: a value that is not an HTTP-date is ignored, and so is a date later than
  // the server's clock (the client cannot have seen the file then): both get the file.
  const now = new Date();
  const since = parseHttpDate(ifModifiedSince, now);
  if (since === null || since > now.getTime()) return false;
  // HTTP dates have one-second precision.
  return Math.floor(modifiedMs / 1000) * 1000 <= since;
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
  const cacheControl = options.maxAgeSeconds === undefined ? 'no-cache' : `public, max-age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`;
  const files = createFileTable({
    root,
    recheckMs: options.recheckMs ?? 1000,
    headersOf: (relativePath) => ({
      'Content-Type': mediaTypeOf(relativePath),
      'Cache-Control': cacheControl,
      ...(relativePath.endsWith('.html') ? { 'Content-Security-Policy': HTML_CSP } : {}),
    }),
  });

  /** Answers from memory when the file is held and unchanged: no promise, no read, no hash. */
  function serveFile(request: IncomingMessage, response: ServerResponse, relativePath: string): void | Promise<void> {
    const held = files.fresh(relativePath, Date.now());
    if (held !== undefined) return answerFile(request, response, relativePath, held, true);
    return files.load(relativePath).then((loaded) => (loaded === null ? sendText(response, 404, 'Not found\n') : answerFile(request, response, relativePath, loaded, true)));
  }

  function answerFile(request: IncomingMessage, response: ServerResponse, relativePath: string, file: ServedFile, retry: boolean): void | Promise<void> {
    const coding = chooseCoding(request.headers['accept-encoding'], file.codings);
    if (coding === null) return sendText(response, 406, 'Not acceptable: this request refuses every content coding of the file\n', { Vary: 'Accept-Encoding' });
    const chosen = coding === 'identity' ? file.plain : (file.forms.find((form) => form.coding === coding) ?? file.plain);
    if (isNotModified(request, chosen.etag, file.modifiedMs)) {
      const keepAlive10 = request.httpVersion === '1.0' && request.headers.connection?.toLowerCase() === 'keep-alive';
      response.writeHead(304, keepAlive10 ? chosen.notModifiedKeepAliveHeaders : chosen.notModifiedHeaders);
      response.end();
      return;
    }
    // Range applies to GET only (RFC 9110 §14.2), to the representation chosen (its coding's bytes).
    const rangeHeader = request.method === 'GET' ? request.headers.range : undefined;
    const ifRange = request.headers['if-range'];
    // If-Range sent twice names no one validator: the whole file.
    const applies = ifRange === undefined || (typeof ifRange === 'string' && rangeStillApplies(ifRange, chosen.etag, file.lastModified));
    const range = rangeHeader !== undefined && applies ? parseRange(rangeHeader, chosen.size) : null;
    if (range === 'unsatisfiable') {
      return sendText(response, 416, 'Range not satisfiable\n', { 'Content-Range': `bytes */${chosen.size}`, Vary: 'Accept-Encoding' });
    }
    const [status, start, end] = range === null ? [200, 0, chosen.size - 1] : [206, range.start, range.end];
    const headers =
      range === null
        ? chosen.fullHeaders
        : { ...chosen.fullHeaders, 'Content-Length': String(end - start + 1), 'Content-Range': `bytes ${start}-${end}/${chosen.size}` };
    if (chosen.body !== null) {
      response.writeHead(status, headers);
      response.end(request.method === 'HEAD' ? undefined : range === null ? chosen.body : chosen.body.subarray(start, end + 1));
      return;
    }
    return sendFromDisk(request, response, chosen, status, headers, start, end).then((sent) => {
      if (sent) return;
      // Replaced since it was read: read it again, once.
      files.forget(relativePath);
      if (!retry) return sendText(response, 503, 'File changing, try again\n', { 'Retry-After': '1' });
      return files.load(relativePath).then((loaded) => (loaded === null ? sendText(response, 404, 'Not found\n') : answerFile(request, response, relativePath, loaded, false)));
    });
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const rawUrl = toOriginForm(request.url ?? '/');
    if (options.endpoints !== undefined && options.endpoints.length > 0) {
      const path = pathOf(rawUrl);
      const endpoint = findEndpoint(options.endpoints, path);
      if (endpoint !== undefined) return answerEndpoint(endpoint, request, response, rawUrl, path);
    }
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
    // The compressed forms are sent in place of their file, never as files of their own.
    if (relativePath === null || posix.normalize(relativePath) !== relativePath || isCompressedForm(relativePath)) {
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
        refresh: () => files.clear(),
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

function isCompressedForm(relativePath: string): boolean {
  return COMPRESSED_FORMS.some(({ suffix }) => relativePath.endsWith(suffix));
}

/** A large representation from disk, while the file is the one that was read (false: it was replaced). */
async function sendFromDisk(
  request: IncomingMessage,
  response: ServerResponse,
  chosen: Representation,
  status: number,
  headers: Readonly<Record<string, string>>,
  start: number,
  end: number,
): Promise<boolean> {
  let handle;
  try {
    handle = await open(chosen.path, 'r');
  } catch {
    return false;
  }
  const info = await handle.stat();
  if (info.ino !== chosen.ino || info.size !== chosen.size || info.mtimeMs !== chosen.mtimeMs) {
    await handle.close();
    return false;
  }
  response.writeHead(status, headers);
  if (request.method === 'HEAD' || chosen.size === 0) {
    await handle.close();
    response.end();
    return true;
  }
  const stream = handle.createReadStream({ start, end });
  stream.on('error', () => response.destroy());
  stream.pipe(response);
  return true;
}

/** The path of an origin-form target: what comes before its query or fragment. */
function pathOf(rawUrl: string): string {
  const query = rawUrl.indexOf('?');
  const fragment = rawUrl.indexOf('#');
  const end = query === -1 ? fragment : fragment === -1 ? query : Math.min(query, fragment);
  return end === -1 ? rawUrl : rawUrl.slice(0, end);
}

function findEndpoint(endpoints: readonly Endpoint[], path: string): Endpoint | undefined {
  return endpoints.find((endpoint) => (endpoint.prefix === true ? path.startsWith(endpoint.path) : path === endpoint.path));
}

async function answerEndpoint(endpoint: Endpoint, request: IncomingMessage, response: ServerResponse, rawUrl: string, path: string): Promise<void> {
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
    path,
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
