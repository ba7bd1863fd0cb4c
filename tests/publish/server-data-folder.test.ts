// `veille serve` in the layout a user has: the publish folder beside the data folder that holds
// the SQLite state. No request path reaches data/veille.db, however encoded (issue 7), and only
// GET and HEAD are served. tests/publish/server.test.ts covers the path rules one by one; this
// checks them against the real target, through the command.

import { connect } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempProject, runCli, type CliRun, type TempProject } from '../helpers/cli.js';
import { rssFeed, serveBody, startFeedServer, type FeedServer } from '../helpers/feed-server.js';

/** Sends the request line byte for byte (http.request and fetch would normalize the path). */
function rawRequest(port: number, method: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    });
    let data = '';
    socket.setTimeout(5_000, () => socket.destroy(new Error('timed out')));
    socket.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
    socket.on('end', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0), body: data.split('\r\n\r\n').slice(1).join('') }));
    socket.on('error', reject);
  });
}

let feeds: FeedServer;
let project: TempProject;
let port: number;
let stop: () => void;
let serving: Promise<CliRun>;

beforeAll(async () => {
  feeds = await startFeedServer({
    '/feed.xml': serveBody(rssFeed('AIhub', [{ title: 'News', link: 'https://aihub.org/a', guid: 'a', date: 'Mon, 23 Nov 2026 09:00:00 +0000' }]), 'application/rss+xml'),
  });
  project = makeTempProject();
  project.writeConfig(`sources:\n  - { url: "${feeds.base}/feed.xml" }\nserver: { host: 127.0.0.1, port: 0 }\nfetch: { perHostDelayMs: 0 }`);
  expect((await runCli(['run', '--config', project.configFile])).code).toBe(0);
  expect(existsSync(join(project.dir, 'data/veille.db'))).toBe(true);
  const stopSignal = new Promise<void>((resolve) => (stop = resolve));
  let announce!: (line: string) => void;
  const announced = new Promise<string>((resolve) => (announce = resolve));
  // Port 0: the command prints the port it got.
  serving = (async () => {
    const { main } = await import('../../src/cli/main.js');
    let stderr = '';
    const code = await main(['serve', '--config', project.configFile], {
      env: {},
      output: { out: () => undefined, err: (text) => ((stderr += text), announce(stderr)), isTerminal: false },
      stopSignal,
    });
    return { code, stdout: '', stderr };
  })();
  port = Number(/127\.0\.0\.1:(\d+)/.exec(await announced)?.[1]);
});

afterAll(async () => {
  stop();
  expect((await serving).code).toBe(0);
  await feeds.close();
  project.cleanup();
});

describe('veille serve never reaches the data folder', () => {
  it('serves the published feed (the control)', async () => {
    expect((await rawRequest(port, 'GET', '/feed.xml')).status).toBe(200);
  });

  it.each([
    '/../data/veille.db',
    '/../../data/veille.db',
    '/themes/../../data/veille.db',
    '/%2e%2e/data/veille.db',
    '/%2E%2E/data/veille.db',
    '/.%2e/data/veille.db',
    '/%2e./data/veille.db',
    '/%2e%2e%2fdata%2fveille.db',
    '/..%2fdata%2fveille.db',
    '/%252e%252e/data/veille.db',
    '/%252e%252e%252fdata%252fveille.db',
    '/%25252e%25252e/data/veille.db',
    '/..%5cdata%5cveille.db',
    '/..\\data\\veille.db',
    '/%c0%ae%c0%ae/data/veille.db',
    '/..;/data/veille.db',
    '/....//data/veille.db',
    '/..%00/data/veille.db',
    '/data/veille.db',
    '/data/veille.db-wal',
    '/veille.yaml',
    '/../veille.yaml',
  ])('%s -> 404', async (path) => {
    const reply = await rawRequest(port, 'GET', path);
    expect(reply.status).toBe(404);
    expect(reply.body).not.toContain('SQLite format 3');
  });

  // RFC 9110 §9.1: a server answers 405 to a method it knows but does not allow for the resource.
  it.each(['TRACE', 'PROPFIND', 'MKCOL', 'COPY', 'MOVE', 'PURGE', 'SEARCH'])('%s -> 405, only GET and HEAD are served', async (method) => {
    const reply = await rawRequest(port, method, '/feed.xml');
    expect(reply.status).toBe(405);
  });
});
