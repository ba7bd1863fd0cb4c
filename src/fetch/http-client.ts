// The undici adapter: the only module that imports undici. One Agent per cycle, keep-alive between
// requests to the same origin, no automatic redirects and no automatic decompression (fetch-feed does both).

import { Agent } from 'undici';
import type { Readable } from 'node:stream';
import type { FetchPolicy } from './fetch-feed.js';

export interface HttpRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

export interface HttpResponse {
  readonly status: number;
  /** Lower-case header names; repeated headers as arrays. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The raw (still content-encoded) body. Destroying it aborts the request and closes the socket. */
  readonly body: Readable;
}

export interface HttpClient {
  request(request: HttpRequest): Promise<HttpResponse>;
  close(): Promise<void>;
}

export type HttpClientPolicy = Pick<FetchPolicy, 'connectTimeoutMs' | 'headersTimeoutMs' | 'bodyTimeoutMs'>;

export function createHttpClient(policy: HttpClientPolicy): HttpClient {
  const agent = new Agent({
    connect: { timeout: policy.connectTimeoutMs },
    headersTimeout: policy.headersTimeoutMs,
    // undici's bodyTimeout is an idle timeout between chunks; fetch-feed adds the whole-body deadline.
    bodyTimeout: policy.bodyTimeoutMs,
  });
  return {
    async request(request: HttpRequest): Promise<HttpResponse> {
      const target = new URL(request.url);
      const response = await agent.request({
        origin: target.origin,
        path: `${target.pathname}${target.search}`,
        method: 'GET',
        headers: { ...request.headers },
        signal: request.signal ?? null,
      });
      return { status: response.statusCode, headers: response.headers, body: response.body };
    },
    async close(): Promise<void> {
      // destroy rather than close: a cycle's leftover sockets must not keep the process waiting.
      await agent.destroy();
    },
  };
}
