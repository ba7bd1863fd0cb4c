// Real readers against the compressed forms the server sends (issue 22). Debian 12's feedparser
// (6.0.10) and newsboat (2.21) ask for `gzip, deflate`: they read the gzip form. Neither asks for
// brotli, so the brotli form is read by curl --compressed (libcurl, newsboat's HTTP library) and by
// Python's brotli decoder feeding feedparser. A reader that accepts nothing gets the plain file.
// Needs `apt-get install python3-feedparser python3-brotli newsboat curl`.

import { execFile } from 'node:child_process';
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishSite } from '../../src/publish/publish-site.js';
import { startServer } from '../../src/publish/server.js';
import { ENTRIES, sampleSnapshot } from '../publish/sample-site.js';

const run = promisify(execFile);
// Debian's python3-feedparser and python3-brotli are installed for the system interpreter.
const PYTHON = '/usr/bin/python3';
// Loopback only: no proxy may be asked for 127.0.0.1.
const ENV = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/_proxy$/i.test(name)));
const TITLES = ENTRIES.map((entry) => entry.title);

let root: string;
let server: Awaited<ReturnType<typeof startServer>>;
let plain: Buffer;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'veille-e2e-forms-'));
  await publishSite(join(root, 'public'), sampleSnapshot());
  plain = await readFile(join(root, 'public', 'feed.xml'));
  server = await startServer({ dir: join(root, 'public'), host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await server?.close();
  await rm(root, { recursive: true, force: true });
});

const feedUrl = (): string => new URL('feed.xml', server.url).href;

/** The Accept-Encoding a reader sends, seen by a loopback server that answers one small feed. */
async function acceptEncodingOf(read: (url: string) => Promise<unknown>): Promise<string | undefined> {
  let seen: IncomingHttpHeaders | undefined;
  const probe = createServer((request, response) => {
    seen = request.headers;
    response.writeHead(200, { 'Content-Type': 'application/rss+xml' });
    response.end('<?xml version="1.0"?><rss version="2.0"><channel><title>probe</title></channel></rss>');
  });
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  try {
    await read(`http://127.0.0.1:${(probe.address() as { port: number }).port}/feed.xml`);
  } finally {
    await new Promise((resolve) => probe.close(resolve));
  }
  const header = seen?.['accept-encoding'];
  return Array.isArray(header) ? header.join(', ') : header;
}

/** The Content-Encoding veille answers a request with these headers. */
function codingFor(headers: Record<string, string>): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(feedUrl(), { headers, agent: false }, (res) => {
      res.resume();
      resolve(res.headers['content-encoding']);
    });
    req.on('error', reject);
    req.end();
  });
}

const FEEDPARSER_SCRIPT = `
import feedparser, json, sys
d = feedparser.parse(sys.argv[1])
print(json.dumps({"bozo": bool(d.bozo), "encoding": d.get("headers", {}).get("content-encoding"), "titles": [e.get("title") for e in d.entries]}))
`;

function feedparser(url: string): Promise<{ bozo: boolean; encoding: string | null; titles: string[] }> {
  return run(PYTHON, ['-c', FEEDPARSER_SCRIPT, url], { env: ENV }).then(({ stdout }) => JSON.parse(stdout) as { bozo: boolean; encoding: string | null; titles: string[] });
}

async function newsboatTitles(url: string): Promise<string[]> {
  const home = await mkdtemp(join(root, 'newsboat-'));
  const urls = join(home, 'urls');
  const cache = join(home, 'cache.db');
  await writeFile(urls, `${url}\n`);
  const env = { ...ENV, HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_DATA_HOME: join(home, 'data') };
  await run('newsboat', ['-u', urls, '-c', cache, '-C', '/dev/null', '-x', 'reload'], { env, timeout: 30_000 });
  const query = 'import json, sqlite3, sys\nprint(json.dumps([r[0] for r in sqlite3.connect(sys.argv[1]).execute("SELECT title FROM rss_item ORDER BY pubDate DESC")]))';
  return JSON.parse((await run(PYTHON, ['-c', query, cache], { env: ENV })).stdout) as string[];
}

describe('the gzip form', () => {
  it('feedparser asks for gzip, gets it and reads every entry', async () => {
    expect(await acceptEncodingOf((url) => feedparser(url))).toMatch(/\bgzip\b/);
    const feed = await feedparser(feedUrl());
    expect(feed).toEqual({ bozo: false, encoding: 'gzip', titles: TITLES });
  });

  it('newsboat asks for gzip, which veille sends, and reads every entry', async () => {
    const asked = (await acceptEncodingOf((url) => newsboatTitles(url))) ?? '';
    expect(asked).toMatch(/\bgzip\b/);
    expect(await codingFor({ 'Accept-Encoding': asked })).toBe('gzip');
    expect(await newsboatTitles(feedUrl())).toEqual(TITLES);
  });
});

describe('the brotli form', () => {
  it('curl --compressed gets brotli and decodes it to the file', async () => {
    const headers = join(root, 'curl-headers');
    const { stdout } = await run('curl', ['--silent', '--show-error', '--compressed', '--noproxy', '*', '--dump-header', headers, feedUrl()], {
      env: ENV,
      encoding: 'buffer',
      maxBuffer: 1 << 24,
    });
    expect(await readFile(headers, 'utf8')).toMatch(/^content-encoding: br\r$/im);
    expect(Buffer.from(stdout).equals(plain)).toBe(true);
  });

  it("feedparser reads the brotli form through Python's brotli decoder", async () => {
    const script = `
import brotli, feedparser, json, sys, urllib.request
request = urllib.request.Request(sys.argv[1], headers={"Accept-Encoding": "br"})
with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request) as response:
    coding, body = response.headers.get("Content-Encoding"), response.read()
d = feedparser.parse(brotli.decompress(body))
print(json.dumps({"encoding": coding, "bozo": bool(d.bozo), "titles": [e.get("title") for e in d.entries]}))
`;
    const { stdout } = await run(PYTHON, ['-c', script, feedUrl()], { env: ENV });
    expect(JSON.parse(stdout)).toEqual({ encoding: 'br', bozo: false, titles: TITLES });
  });
});

describe('a reader that accepts nothing', () => {
  it('gets the plain file, byte for byte', async () => {
    // urllib sends no Accept-Encoding unless told.
    const script = `
import sys, urllib.request
with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(sys.argv[1]) as response:
    sys.stdout.write(repr(response.headers.get("Content-Encoding")) + "\\n")
    sys.stdout.flush()
    sys.stdout.buffer.write(response.read())
`;
    const { stdout } = await run(PYTHON, ['-c', script, feedUrl()], { env: ENV, encoding: 'buffer', maxBuffer: 1 << 24 });
    const newline = stdout.indexOf(10);
    expect(stdout.subarray(0, newline).toString()).toBe('None');
    expect(stdout.subarray(newline + 1).equals(plain)).toBe(true);
  });
});
