// The undici adapter: the only module that imports undici. One Agent per cycle, keep-alive between
// requests to the same origin, no automatic redirects and no automatic decompression (fetch-feed does both).
// Untrusted requests go through a second Agent whose connections resolve names with the address guard
// (a third when they come from a source on the user's own network, whose private addresses pass).
// The Agent and request come from their own modules, not undici's index, which loads all of undici
// (fetch, WebSocket, caches, mocks: about 90 ms of a one-shot run; undici-parts.d.ts).

import type { Agent } from 'undici';
import AgentClass from 'undici/lib/dispatcher/agent.js';
import dispatchRequest from 'undici/lib/api/api-request.js';
import type { Readable } from 'node:stream';
import { publicUrl } from '../domain/source-url.js';
import { BlockedAddressError, createAddressGuard, type LookupFunction } from './address-policy.js';
import { FetchError } from './fetch-error.js';

export interface HttpRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  /** The URL does not come from the config: private and loopback addresses are refused (SSRF). */
  readonly untrusted?: boolean;
  /** With `untrusted`: reached from a source on the user's own network, so loopback and private addresses pass. */
  readonly ownNetwork?: boolean;
  /** GET by default; webhooks POST (or PUT, Matrix) a body (issue 21). */
  readonly method?: 'GET' | 'POST' | 'PUT';
  readonly body?: string;
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
  /** True when the URL's host is, or resolves only to, loopback or private addresses (the user's own network). */
  isOwnNetwork(url: string): Promise<boolean>;
  close(): Promise<void>;
}

/** The part of fetch-feed's FetchPolicy the client applies (declared here: fetch-feed imports this module, not the reverse). */
export interface HttpClientPolicy {
  readonly connectTimeoutMs: number;
  readonly headersTimeoutMs: number;
  /** undici's idle time between two chunks of the body. */
  readonly bodyTimeoutMs: number;
  /** Exceptions to the refusal of private addresses: CIDR ranges, addresses or host names (`fetch.allowPrivateHosts`). */
  readonly allowPrivateHosts?: readonly string[];
}

export interface HttpClientOptions {
  /**
   * Name resolution for untrusted requests and isOwnNetwork (dns.lookup by default; tests stand in
   * a resolver that rebinds, or that answers a public address for a name that is on loopback).
   */
  readonly resolve?: LookupFunction;
}

export function createHttpClient(policy: HttpClientPolicy, options: HttpClientOptions = {}): HttpClient {
  const guard = createAddressGuard(policy.allowPrivateHosts ?? [], options.resolve);
  const ownNetworkGuard = createAddressGuard(policy.allowPrivateHosts ?? [], options.resolve, { ownNetwork: true });
  const makeAgent = (lookup?: LookupFunction): Agent =>
    new AgentClass({
      // The lookup runs for every new connection, after any redirect: the check sees the address
      // actually connected to, so DNS rebinding between a check and the connect cannot pass.
      connect: lookup === undefined ? { timeout: policy.connectTimeoutMs } : { timeout: policy.connectTimeoutMs, lookup },
      headersTimeout: policy.headersTimeoutMs,
      // undici's bodyTimeout is an idle timeout between chunks; fetch-feed adds the whole-body deadline.
      bodyTimeout: policy.bodyTimeoutMs,
    });
  const trustedAgent = makeAgent();
  let guardedAgent: Agent | null = null;
  let ownNetworkAgent: Agent | null = null;
  return {
    async request(request: HttpRequest): Promise<HttpResponse> {
      const target = new URL(request.url);
      let agent = trustedAgent;
      if (request.untrusted === true) {
        const ownNetwork = request.ownNetwork === true;
        try {
          // An IP literal is connected to without any lookup, so it is checked here.
          (ownNetwork ? ownNetworkGuard : guard).checkLiteralHost(request.url);
        } catch (error) {
          if (error instanceof BlockedAddressError) {
            throw new FetchError('FETCH_BLOCKED_ADDRESS', `fetch: ${publicUrl(request.url)}: ${error.message}`, { url: request.url });
          }
          throw error;
        }
        if (ownNetwork) agent = ownNetworkAgent ??= makeAgent(ownNetworkGuard.lookup);
        else agent = guardedAgent ??= makeAgent(guard.lookup);
      }
      const response = await dispatchRequest.call(agent, {
        origin: target.origin,
        path: `${target.pathname}${target.search}`,
        method: request.method ?? 'GET',
        headers: { ...request.headers },
        ...(request.body === undefined ? {} : { body: request.body }),
        signal: request.signal ?? null,
      });
      return { status: response.statusCode, headers: response.headers, body: response.body };
    },
    isOwnNetwork(url: string): Promise<boolean> {
      return guard.isOwnNetworkHost(url);
    },
    async close(): Promise<void> {
      // destroy rather than close: a cycle's leftover sockets must not keep the process waiting.
      await Promise.all([trustedAgent.destroy(), guardedAgent?.destroy(), ownNetworkAgent?.destroy()]);
    },
  };
}
