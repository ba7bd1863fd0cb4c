// `veille start` with server.publicUrl: the worker subscribes to the hub a source declares after its
// first cycle, answers the hub's verification on its own server, and a signed push puts the story in
// feed.xml at once, without a fetch (issue 21). Unsigned pushes change nothing.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openApp } from '../../src/app/app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/domain/ports.js';
import { runWorker } from '../../src/worker/worker.js';
import { serveBody, startFeedServer, type FeedServer } from '../helpers/feed-server.js';
import { THEMES_FILE } from '../helpers/cli.js';
import { startLoopbackHub, type LoopbackHub } from './loopback-hub.js';
import { hubFeed } from './websub-harness.js';

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Waits for `check`, 20 ms at a time, at most 30 s. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let tries = 0; !check(); tries += 1) {
    if (tries > 1500) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the worker and a WebSub hub', () => {
  let hub: LoopbackHub | undefined;
  let feeds: FeedServer | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await hub?.close();
    await feeds?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('subscribes after the first cycle and publishes a signed push at once, without fetching', async () => {
    hub = await startLoopbackHub();
    feeds = await startFeedServer();
    const topic = `${feeds.base}/feed.xml`;
    feeds.setRoute('/feed.xml', serveBody(hubFeed(topic, hub.url, [{ title: 'First story', guid: 'a' }]), 'application/rss+xml'));
    dir = mkdtempSync(join(tmpdir(), 'veille-websub-worker-'));
    const port = await freePort();
    const file = join(dir, 'veille.yaml');
    writeFileSync(
      file,
      `sources:\n  - { url: "${topic}" }\nthemes: ${JSON.stringify(THEMES_FILE)}\nstorage: { path: veille.db }\npublish: { dir: public }\nprocessing: { threads: 1 }\n` +
        `server: { host: 127.0.0.1, port: ${port}, publicUrl: "http://127.0.0.1:${port}/" }\nfetch: { allowPrivateHosts: ["127.0.0.1"] }\n` +
        `fullText: { maxPerCycle: 0 }\nlog: { level: error }\nschedule: { fetch: "0 0 1 1 *" }\n`,
    );
    const config = loadConfig(file);
    const app = openApp(config, { clock: { now: () => new Date() }, env: {}, logger: silentLogger, command: 'test', worker: true });
    let stop = (): void => undefined;
    const stopSignal = new Promise<void>((resolve) => (stop = resolve));
    let cycles = 0;
    const worker = runWorker({ app, stopSignal, onCycle: () => (cycles += 1) });
    const feedXml = () => readFileSync(join(config.publishDir, 'feed.xml'), 'utf8');
    try {
      await until(() => hub?.subscriptions.size === 1, 'the verified subscription');
      const [subscription] = [...hub.subscriptions.values()];
      const callback = subscription?.callback ?? '';
      expect(callback.startsWith(`http://127.0.0.1:${port}/websub/`)).toBe(true);
      const fetches = feeds.requests.length;
      expect(await hub.distribute(callback, hubFeed(topic, hub.url, [{ title: 'Forged story', guid: 'f' }]), { signature: 'wrong' })).toBe(202);
      expect(await hub.distribute(callback, hubFeed(topic, hub.url, [{ title: 'Pushed story', guid: 'b' }, { title: 'First story', guid: 'a' }]))).toBe(202);
      await until(() => feedXml().includes('Pushed story'), 'the pushed story in feed.xml');
      expect(feedXml()).not.toContain('Forged story');
      expect(feeds.requests.length).toBe(fetches);
      // The push's own cycle ends after it wrote the site.
      await until(() => cycles >= 2, 'the push cycle to end');
    } finally {
      stop();
      await worker;
      app.close();
    }
  });
});
