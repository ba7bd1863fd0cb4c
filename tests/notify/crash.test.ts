// A `veille run` SIGKILLed mid-batch of webhooks (issue 21): the queue is in the store before the
// first request goes out, so the next run sends what the killed one had not had answered, with the
// same idempotency key and body; nothing is lost and what was acknowledged is not sent again.
// The compiled veille in a child process (the unit suite's global setup keeps dist/ current).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/notify/sign.js';
import { rssFeed } from '../helpers/feed-server.js';
import { THEMES_FILE } from '../helpers/cli.js';
import { startServer, type TestServer } from '../fetch/servers.js';
import { runVeille, spawnVeille, waitFor } from '../stress/processes.js';

const SECRET = 'crash-secret';
const T0 = '2026-12-06T08:00:00.000Z';
const TOPICS = ['federated learning in hospitals', 'a court rules on model weights', 'prompt injection in browsers', 'differential privacy at the census', 'a summit on chip exports', 'open-source robotics kits'];

interface Hit {
  readonly key: string;
  readonly body: string;
  readonly signed: boolean;
}

describe('notify: SIGKILL mid-batch', () => {
  let dir: string;
  let feeds: TestServer;
  let receiver: Server;
  let receiverUrl: string;
  const hits: Hit[] = [];
  /** The receiver acknowledges this many requests, then holds the next ones unanswered. */
  let acknowledge = 2;
  const held: ServerResponse[] = [];

  beforeAll(async () => {
    feeds = await startServer({
      '/feed.xml': (_request, response) =>
        response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(
          rssFeed('Lab', TOPICS.map((topic, index) => ({
            title: `${topic} (${index})`,
            link: `https://example.org/${index}/${topic.replace(/ /g, '-')}`,
            guid: `item-${index}`,
            date: 'Sun, 06 Dec 2026 07:00:00 GMT',
            description: `${topic}: a report number ${index} on ${topic}.`,
          }))),
        ),
    });
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const signature = String(request.headers['x-veille-signature'] ?? '');
        hits.push({ key: String(request.headers['idempotency-key']), body, signed: verifySignature(SECRET, body, signature, Date.parse(T0) / 1000, 3600) });
        if (hits.length <= acknowledge) response.writeHead(200).end('ok');
        else held.push(response);
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    dir = mkdtempSync(join(tmpdir(), 'veille-notify-crash-'));
    writeFileSync(
      join(dir, 'veille.yaml'),
      [
        'sources:',
        `  - { url: "${feeds.url('/feed.xml')}", name: Lab, lang: en }`,
        `themes: ${JSON.stringify(THEMES_FILE)}`,
        'storage: { path: data/veille.db }',
        'publish: { dir: public }',
        'fullText: { maxPerCycle: 0 }',
        'processing: { threads: 1 }',
        'log: { level: warn }',
        'notify:',
        `  - { name: hook, url: "${receiverUrl}", format: json, secretEnv: HOOK_SECRET, allowPrivate: true }`,
        '',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    for (const response of held) response.destroy();
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
    await feeds.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses no story, and the one in flight comes again with the same key and body', async () => {
    const env = { HOOK_SECRET: SECRET, VEILLE_NOW: T0 };
    const killed = spawnVeille(['run', '--config', join(dir, 'veille.yaml')], env);
    await waitFor(async () => (held.length > 0 ? true : undefined), 30_000);
    killed.child.kill('SIGKILL');
    const exit = await killed.exited;
    expect(exit.signal).toBe('SIGKILL');
    const before = hits.map((hit) => hit.key);
    expect(before).toHaveLength(acknowledge + 1);

    acknowledge = Number.POSITIVE_INFINITY;
    const again = await runVeille(['run', '--config', join(dir, 'veille.yaml')], { ...env, VEILLE_NOW: '2026-12-06T08:01:00.000Z' });
    expect(again.code, again.stderr).toBe(0);

    const keys = hits.map((hit) => hit.key);
    expect(new Set(keys).size).toBe(TOPICS.length); // every story, none lost
    expect(hits.every((hit) => hit.signed)).toBe(true);
    // The acknowledged ones went once; the one held when the process died went twice, the same bytes.
    for (const key of before.slice(0, 2)) expect(keys.filter((other) => other === key)).toHaveLength(1);
    const inFlight = before[2] ?? '';
    const repeats = hits.filter((hit) => hit.key === inFlight);
    expect(repeats).toHaveLength(2);
    expect(repeats[1]?.body).toBe(repeats[0]?.body);
    expect(hits).toHaveLength(TOPICS.length + 1);
  });
});
