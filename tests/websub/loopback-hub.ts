// A WebSub hub on loopback, written from the W3C WebSub Recommendation (https://www.w3.org/TR/websub/)
// to check veille as a subscriber and as a publisher: it takes subscription requests (§5.1), verifies
// the subscriber's intent (§5.3), can deny (§5.2), distributes content signed or not (§7, §8), and
// records the publish pings publishers send (hub.mode=publish, hub.url).
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signBody, type SignatureMethod } from '../../src/websub/signature.js';

export interface HubSubscription {
  readonly callback: string;
  readonly topic: string;
  readonly secret: string | null;
  readonly leaseSeconds: number;
}

export interface Verification {
  readonly mode: string;
  readonly topic: string;
  readonly callback: string;
  /** The subscriber's status, and whether its body was exactly the challenge (§5.3.1). */
  readonly status: number;
  readonly echoed: boolean;
}

export interface LoopbackHub {
  readonly url: string;
  /** Each request body received, as a form. */
  readonly requests: URLSearchParams[];
  readonly verifications: Verification[];
  /** Verified subscriptions, by callback. */
  readonly subscriptions: Map<string, HubSubscription>;
  /** hub.url of each publish ping. */
  readonly pings: string[];
  /** The status the hub answers requests with (202 by default; 500 to fail them). */
  status: number;
  /** The lease the hub grants (§5.3: it may differ from the one asked). */
  grantSeconds: number;
  /** Resolves when every verification started so far has ended. */
  settled(): Promise<void>;
  /** §5.2: tells the subscriber its subscription to `topic` is denied. */
  deny(callback: string, topic: string, reason: string): Promise<number>;
  /** §5.3 with a challenge of the hub's choosing: the subscriber's status. */
  verify(callback: string, mode: string, topic: string): Promise<Verification>;
  /** §7: POSTs `body` to the callback, signed (§8) as asked; the subscriber's status. */
  distribute(callback: string, body: string, options?: DistributeOptions): Promise<number>;
  close(): Promise<void>;
}

export interface DistributeOptions {
  /** 'right' (default) signs with the subscription's secret, 'wrong' with another, 'none' leaves the header out. */
  readonly signature?: 'right' | 'wrong' | 'none';
  readonly method?: SignatureMethod;
  /** The rel="self" Link header (§7); default: the subscription's topic. */
  readonly self?: string;
  readonly contentType?: string;
}

export async function startLoopbackHub(): Promise<LoopbackHub> {
  const requests: URLSearchParams[] = [];
  const verifications: Verification[] = [];
  const subscriptions = new Map<string, HubSubscription>();
  const pings: string[] = [];
  const pending: Promise<unknown>[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      requests.push(form);
      if (request.method !== 'POST' || !String(request.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
        response.writeHead(400).end('expected a form POST');
        return;
      }
      if (hub.status !== 202) {
        response.writeHead(hub.status).end('failing on purpose');
        return;
      }
      const mode = form.get('hub.mode');
      if (mode === 'publish') {
        pings.push(form.get('hub.url') ?? '');
        response.writeHead(204).end();
        return;
      }
      const callback = form.get('hub.callback');
      const topic = form.get('hub.topic');
      const secret = form.get('hub.secret');
      // §5.1: callback, mode and topic are required; the secret MUST be under 200 bytes.
      if (callback === null || topic === null || (mode !== 'subscribe' && mode !== 'unsubscribe') || (secret !== null && Buffer.byteLength(secret) >= 200)) {
        response.writeHead(400).end('bad request');
        return;
      }
      // §5.1: 202 Accepted, then the verification of intent (§5.3), asynchronously.
      response.writeHead(202).end();
      pending.push(
        hub.verify(callback, mode, topic).then((verification) => {
          if (verification.status < 200 || verification.status > 299 || !verification.echoed) return;
          if (mode === 'subscribe') subscriptions.set(callback, { callback, topic, secret, leaseSeconds: hub.grantSeconds });
          else subscriptions.delete(callback);
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hub`;
  const hub: LoopbackHub = {
    url,
    requests,
    verifications,
    subscriptions,
    pings,
    status: 202,
    grantSeconds: 3600,
    async settled() {
      while (pending.length > 0) await Promise.all(pending.splice(0));
    },
    async deny(callback, topic, reason) {
      const target = new URL(callback);
      target.searchParams.set('hub.mode', 'denied');
      target.searchParams.set('hub.topic', topic);
      target.searchParams.set('hub.reason', reason);
      const response = await fetch(target);
      await response.arrayBuffer();
      return response.status;
    },
    async verify(callback, mode, topic) {
      // §5.3: the callback may carry its own query; the hub's parameters are appended to it.
      const target = new URL(callback);
      const challenge = randomBytes(12).toString('hex');
      target.searchParams.set('hub.mode', mode);
      target.searchParams.set('hub.topic', topic);
      target.searchParams.set('hub.challenge', challenge);
      if (mode === 'subscribe') target.searchParams.set('hub.lease_seconds', String(hub.grantSeconds));
      const response = await fetch(target);
      const body = await response.text();
      const verification = { mode, topic, callback, status: response.status, echoed: body === challenge };
      verifications.push(verification);
      return verification;
    },
    async distribute(callback, body, options = {}) {
      const subscription = subscriptions.get(callback);
      const topic = subscription?.topic ?? '';
      const headers: Record<string, string> = {
        'content-type': options.contentType ?? 'application/rss+xml; charset=utf-8',
        // §7: "the hub MUST send a Link header with rel=hub … and rel=self".
        link: `<${url}>; rel="hub", <${options.self ?? topic}>; rel="self"`,
      };
      const signature = options.signature ?? 'right';
      if (signature !== 'none') headers['x-hub-signature'] = signBody(body, signature === 'right' ? (subscription?.secret ?? '') : 'not-the-secret', options.method);
      const response = await fetch(callback, { method: 'POST', headers, body });
      await response.arrayBuffer();
      return response.status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return hub;
}
