// A loopback HTTP server with named routes, counting the requests it receives.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Route = (request: IncomingMessage, response: ServerResponse) => void;

export interface FeedServer {
  readonly base: string;
  readonly requests: string[];
  setRoute(path: string, route: Route): void;
  close(): Promise<void>;
}

export async function startFeedServer(routes: Record<string, Route> = {}): Promise<FeedServer> {
  const table = new Map(Object.entries(routes));
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const path = request.url ?? '/';
    requests.push(path);
    const route = table.get(path);
    if (route) route(request, response);
    else response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    setRoute: (path, route) => table.set(path, route),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function serveBody(body: string | Buffer, contentType: string, headers: Record<string, string> = {}): Route {
  return (_request, response) => {
    response.writeHead(200, { 'content-type': contentType, ...headers }).end(body);
  };
}

export function serveStatus(status: number): Route {
  return (_request, response) => {
    response.writeHead(status, { 'content-type': 'text/plain' }).end(`status ${status}`);
  };
}

export function rssFeed(title: string, items: { title: string; link: string; guid?: string; date?: string; description?: string; category?: string }[], language = 'en'): string {
  const entries = items
    .map(
      (item) => `<item><title>${item.title}</title><link>${item.link}</link>` +
        (item.guid ? `<guid isPermaLink="false">${item.guid}</guid>` : '') +
        (item.date ? `<pubDate>${item.date}</pubDate>` : '') +
        (item.category ? `<category>${item.category}</category>` : '') +
        `<description><![CDATA[${item.description ?? ''}]]></description></item>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>${title}</title><link>https://example.org/</link><description>${title}</description><language>${language}</language>
${entries}
</channel></rss>`;
}
