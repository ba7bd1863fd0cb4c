// Webhook deliveries per second on loopback (issue 21): 500 queued notifications sent by one
// notify step to a receiver that answers at once, each signed and recorded in the store.
// Prints the figure; the floor is loose (a shared 2-core machine), a regression guard only.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { fetchPolicyFor } from '../../src/app/fetch-policy.js';
import { deliverDue } from '../../src/app/notify-step.js';
import { loadConfig, localeOf } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/domain/ports.js';
import { Store } from '../../src/store/store.js';
import { loadTaxonomy } from '../../src/tag/taxonomy.js';
import { THEMES_FILE } from '../helpers/cli.js';

const COUNT = 500;

it(`sends ${COUNT} queued webhooks on loopback`, async () => {
  let received = 0;
  const receiver = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      received += 1;
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const dir = mkdtempSync(join(tmpdir(), 'veille-notify-bench-'));
  const file = join(dir, 'veille.yaml');
  writeFileSync(file, `themes: ${JSON.stringify(THEMES_FILE)}\nstorage: { path: veille.db }\nnotify:\n  - { name: bench, url: "http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook", format: json, secretEnv: S, allowPrivate: true }\n`);
  const config = loadConfig(file);
  const store = Store.open(config.storagePath);
  try {
    const now = new Date('2026-12-06T08:00:00Z');
    const body = JSON.stringify({ type: 'story.new', text: 'Nouvel article', story: { title: 'x'.repeat(200), summary: 'y'.repeat(500) } });
    store.notify().enqueue(Array.from({ length: COUNT }, (_, index) => ({ target: 'bench', key: `urn:veille:item:${index}`, event: 'story.new' as const, storyGuid: `urn:veille:item:${index}`, body })), now.toISOString(), now.toISOString());
    const started = performance.now();
    const result = await deliverDue({
      config,
      store,
      taxonomy: loadTaxonomy(config.themesFile),
      locale: localeOf(config),
      clock: { now: () => now },
      logger: silentLogger,
      env: { S: 'secret' },
      userAgent: 'veille-bench',
      policy: fetchPolicyFor(config, 'veille-bench', { untrusted: false }),
    });
    const seconds = (performance.now() - started) / 1000;
    console.log(`notify: ${result.sent} deliveries in ${seconds.toFixed(2)} s: ${Math.round(result.sent / seconds)} deliveries/s (one target, sequential, keep-alive)`);
    expect(result.sent).toBe(COUNT);
    expect(received).toBe(COUNT);
    expect(result.sent / seconds).toBeGreaterThan(50);
  } finally {
    store.close();
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  }
});
