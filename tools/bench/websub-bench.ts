// `npm run bench:websub`: from a push received to the story in feed.xml, on loopback (issue 21).
// The real worker (`veille start`'s runWorker) subscribes to a source's hub; this script is the hub
// (W3C WebSub §5.3 verification, §7 distribution signed per §8) and pushes 100 bodies, one new item
// each, timing each from the POST to when feed.xml carries the new story. Prints median and p99.
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp } from '../../src/app/app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/domain/ports.js';
import { systemClock } from '../../src/system/clock.js';
import { runWorker } from '../../src/worker/worker.js';
import { signBody } from '../../src/websub/signature.js';
import { THEMES_FILE } from '../repo-paths.js';

const PUSHES = Number(process.argv[2] ?? 100);
const DEADLINE_MS = 30_000;

export interface PushFigures {
  readonly pushes: number;
  readonly medianMs: number;
  readonly p99Ms: number;
}

function feed(self: string, hub: string, count: number): string {
  const items = Array.from({ length: count }, (_, index) => {
    const n = count - index;
    return `<item><title>Pushed story ${n}</title><link>https://example.org/pushed/${n}</link><guid isPermaLink="false">pushed-${n}</guid><pubDate>${new Date(Date.UTC(2026, 10, 26, 8, 0, n)).toUTCString()}</pubDate><description>Story number ${n}, pushed by the hub.</description></item>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>Pushed source</title><link>https://example.org/</link><description>d</description><language>en</language>
<atom:link rel="hub" href="${hub}"/><atom:link rel="self" href="${self}"/>
${items.slice(0, 20).join('\n')}
</channel></rss>`;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await listen(probe);
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export async function benchWebSubPush(pushes = PUSHES): Promise<PushFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'veille-websub-bench-'));
  let count = 1;
  let subscription: { callback: string; secret: string } | null = null;
  let hubUrl = '';
  let topic = '';
  const origin = createServer((request, response) => {
    if (request.url === '/feed.xml') {
      response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feed(topic, hubUrl, count));
      return;
    }
    // The hub: §5.1 request → 202, then §5.3 verification of intent.
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      response.writeHead(202).end();
      const callback = form.get('hub.callback') ?? '';
      const challenge = randomBytes(8).toString('hex');
      const target = new URL(callback);
      for (const [key, value] of Object.entries({ 'hub.mode': form.get('hub.mode') ?? '', 'hub.topic': form.get('hub.topic') ?? '', 'hub.challenge': challenge, 'hub.lease_seconds': '86400' })) {
        target.searchParams.set(key, value);
      }
      void fetch(target).then(async (answer) => {
        if ((await answer.text()) === challenge) subscription = { callback, secret: form.get('hub.secret') ?? '' };
      });
    });
  });
  const base = await listen(origin);
  hubUrl = `${base}/hub`;
  topic = `${base}/feed.xml`;
  const port = await freePort();
  const file = join(dir, 'veille.yaml');
  writeFileSync(
    file,
    `sources:\n  - { url: "${topic}", name: Pushed source }\nthemes: ${JSON.stringify(THEMES_FILE)}\nstorage: { path: veille.db }\npublish: { dir: public }\n` +
      `server: { host: 127.0.0.1, port: ${port}, publicUrl: "http://127.0.0.1:${port}/" }\nfetch: { allowPrivateHosts: ["127.0.0.1"] }\nfullText: { maxPerCycle: 0 }\nlog: { level: error }\nschedule: { fetch: "0 0 1 1 *" }\n`,
  );
  const config = loadConfig(file);
  const app = openApp(config, { clock: systemClock, env: {}, logger: silentLogger, command: 'bench', worker: true });
  let stop = (): void => undefined;
  const stopSignal = new Promise<void>((resolve) => (stop = resolve));
  let cycles = 0;
  const worker = runWorker({ app, stopSignal, onCycle: () => (cycles += 1) });
  const feedFile = join(config.publishDir, 'feed.xml');
  const until = async (check: () => boolean, what: string): Promise<void> => {
    const deadline = Date.now() + DEADLINE_MS;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`websub bench: timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  };
  const readsStory = (n: number) => () => {
    try {
      return readFileSync(feedFile, 'utf8').includes(`Pushed story ${n}`);
    } catch {
      return false;
    }
  };
  const timings: number[] = [];
  try {
    await until(() => cycles > 0 && subscription !== null, 'the first cycle and the subscription');
    for (let push = 0; push < pushes; push += 1) {
      count += 1;
      const body = feed(topic, hubUrl, count);
      const active = subscription as unknown as { callback: string; secret: string };
      const started = performance.now();
      const answer = await fetch(active.callback, {
        method: 'POST',
        headers: { 'content-type': 'application/rss+xml', link: `<${hubUrl}>; rel="hub", <${topic}>; rel="self"`, 'x-hub-signature': signBody(body, active.secret) },
        body,
      });
      await answer.arrayBuffer();
      await until(readsStory(count), `story ${count} in feed.xml`);
      timings.push(performance.now() - started);
    }
  } finally {
    stop();
    await worker;
    app.close();
    await new Promise<void>((resolve) => {
      origin.closeAllConnections();
      origin.close(() => resolve());
    });
    rmSync(dir, { recursive: true, force: true });
  }
  timings.sort((a, b) => a - b);
  const at = (q: number) => timings[Math.min(timings.length - 1, Math.ceil(q * timings.length) - 1)] ?? 0;
  return { pushes: timings.length, medianMs: at(0.5), p99Ms: at(0.99) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await benchWebSubPush();
  console.log(`websub: push received → story in feed.xml, ${figures.pushes} pushes on loopback: median ${figures.medianMs.toFixed(1)} ms, p99 ${figures.p99Ms.toFixed(1)} ms`);
}
