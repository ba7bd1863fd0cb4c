// The WebSub links of the published feeds (issue 21), as a real reader sees them: Python's
// feedparser (the Universal Feed Parser) must read rel="hub" and rel="self" on the RSS and Atom
// feeds with no error (W3C WebSub §4 discovery). Needs `apt-get install python3-feedparser`.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishSite } from '../../src/publish/publish-site.js';
import { startServer } from '../../src/publish/server.js';
import { SITE_URL, sampleSnapshot } from '../publish/sample-site.js';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const ENV = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/_proxy$/i.test(name)));
const HUBS = ['https://hub.example.net/', 'https://websub.example.com/hub'];

let root: string;
let server: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'veille-e2e-websub-'));
  const snapshot = sampleSnapshot();
  await publishSite(join(root, 'public'), { ...snapshot, meta: { ...snapshot.meta, hubs: HUBS } });
  server = await startServer({ dir: join(root, 'public'), host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await server?.close();
  await rm(root, { recursive: true, force: true });
});

const SCRIPT = `
import feedparser, json, sys
d = feedparser.parse(sys.argv[1])
print(json.dumps({
  "bozo": bool(d.bozo),
  "bozo_exception": str(d.get("bozo_exception")) if d.bozo else None,
  "links": [{"rel": l.get("rel"), "href": l.get("href")} for l in d.feed.get("links", [])],
}))
`;

describe('feedparser reads the WebSub links', () => {
  it.each(['feed.xml', 'atom.xml', 'themes/privacy.xml', 'themes/privacy.atom'])('%s: rel="hub" for each hub and rel="self" for itself', async (path) => {
    const { stdout } = await run(PYTHON, ['-c', SCRIPT, `${server.url}${path}`], { env: ENV });
    const feed = JSON.parse(stdout) as { bozo: boolean; bozo_exception: string | null; links: { rel: string; href: string }[] };
    expect(feed.bozo_exception).toBeNull();
    expect(feed.links.filter((link) => link.rel === 'hub').map((link) => link.href)).toEqual(HUBS);
    expect(feed.links.filter((link) => link.rel === 'self').map((link) => link.href)).toEqual([new URL(path, SITE_URL).href]);
  });
});
