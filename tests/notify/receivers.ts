// Webhook receivers on 127.0.0.1 for the notify tests: every request recorded (method, path,
// headers, body) and checked against the signing secret as a receiver would (README's snippet);
// the answer per path is the test's to set (200 by default).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '../../src/notify/sign.js';

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The X-Veille-Signature header verified with the secret (5 minutes' tolerance around the request's own clock). */
  readonly signed: boolean;
}

export interface Receiver {
  readonly origin: string;
  url(path: string): string;
  readonly received: ReceivedRequest[];
  /** The requests to a path (its first segment for Matrix's and ntfy's derived URLs: startsWith). */
  to(prefix: string): ReceivedRequest[];
  /** Status answered for requests whose path starts with `prefix`. */
  answer(prefix: string, status: number, body?: string): void;
  close(): Promise<void>;
}

export async function startReceiver(secret: string, now: () => Date): Promise<Receiver> {
  const received: ReceivedRequest[] = [];
  const answers = new Map<string, { status: number; body: string }>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = request.url ?? '/';
      const header = request.headers['x-veille-signature'];
      const signed = typeof header === 'string' && verifySignature(secret, body, header, Math.floor(now().getTime() / 1000));
      received.push({ method: request.method ?? '', path, headers: request.headers, body, signed });
      const answer = [...answers].find(([prefix]) => path.startsWith(prefix))?.[1] ?? { status: 200, body: '{"ok":true}' };
      response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: (path) => `${origin}${path}`,
    received,
    to: (prefix) => received.filter((request) => request.path.startsWith(prefix)),
    answer: (prefix, status, body = '') => void answers.set(prefix, { status, body }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
