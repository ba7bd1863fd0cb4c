// Child process for benchmarks: serves synthetic feeds on several loopback addresses, so the
// benchmark's own memory figures are veille's alone. Prints "ready <port>" when listening.
import { createServer, type Server } from 'node:http';
import { syntheticFeed } from './synthetic-feeds.js';

const [feeds = '200', items = '50', hosts = '50', latencyMs = '0'] = process.argv.slice(2);
const feedCount = Number(feeds);
const bodies = Array.from({ length: feedCount }, (_, index) => Buffer.from(syntheticFeed(index, Number(items))));
const etags = bodies.map((_, index) => `"feed-${index}"`);

function handle(request: import('node:http').IncomingMessage, response: import('node:http').ServerResponse): void {
  const match = /^\/feed\/(\d+)\.xml$/.exec(request.url ?? '');
  const index = match ? Number(match[1]) : -1;
  const body = bodies[index];
  setTimeout(() => {
    if (!body) {
      response.writeHead(404).end();
    } else if (request.headers['if-none-match'] === etags[index]) {
      response.writeHead(304, { etag: etags[index] }).end();
    } else {
      response.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag: etags[index], 'content-length': body.length }).end(body);
    }
  }, Number(latencyMs));
}

const servers: Server[] = [];
let port = 0;
for (let host = 0; host < Number(hosts); host += 1) {
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(port, `127.0.0.${host + 2}`, resolve));
  if (port === 0) port = (server.address() as import('node:net').AddressInfo).port;
  servers.push(server);
}
process.stdout.write(`ready ${port}\n`);
process.on('SIGTERM', () => {
  for (const server of servers) server.close();
  process.exit(0);
});
