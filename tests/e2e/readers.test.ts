// Real feed readers against the published site served on loopback: Python's feedparser
// (the Universal Feed Parser) and newsboat. Needs `apt-get install python3-feedparser newsboat`.

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishSite } from '../../src/publish/publish-site.js';
import { startServer } from '../../src/publish/server.js';
import { ENTRIES, entry, sampleSnapshot } from '../publish/sample-site.js';

const run = promisify(execFile);

// Debian's python3-feedparser is installed for the system interpreter, not a venv's.
const PYTHON = '/usr/bin/python3';

// Loopback only: no proxy may be asked for 127.0.0.1.
const ENV = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/_proxy$/i.test(name)));

// Text no XML parser accepts as is: markup, a CDATA end, control characters, a lone surrogate.
const HOSTILE = entry({
  guid: 'urn:veille:item:hostile',
  title: 'Alerte <script>alert(1)</script> ]]> \u0001\u0008\uD800 & fin',
  summary: 'Résumé ]]> \u000B avec <b>balises</b>',
  contentHtml: '<p>Contenu ]]> \u0000</p>',
  author: 'A\u0002uteur',
});

let root: string;
let server: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'veille-e2e-'));
  await publishSite(join(root, 'public'), sampleSnapshot());
  await publishSite(join(root, 'public', 'hostile'), sampleSnapshot({ entries: [HOSTILE] }));
  server = await startServer({ dir: join(root, 'public'), host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await server?.close();
  await rm(root, { recursive: true, force: true });
});

interface ParsedByFeedparser {
  bozo: boolean;
  bozo_exception: string | null;
  version: string;
  language: string | null;
  entries: Array<{ id: string; title: string; link: string | null; tags: Array<{ term: string; label: string | null }>; author: string | null }>;
}

const FEEDPARSER_SCRIPT = `
import feedparser, json, sys
d = feedparser.parse(sys.argv[1])
print(json.dumps({
  "bozo": bool(d.bozo),
  "bozo_exception": str(d.get("bozo_exception")) if d.bozo else None,
  "version": d.version,
  "language": d.feed.get("language"),
  "entries": [{
    "id": e.get("id"), "title": e.get("title"), "link": e.get("link"), "author": e.get("author"),
    "tags": [{"term": t.get("term"), "label": t.get("label")} for t in e.get("tags", [])],
  } for e in d.entries],
}))
`;

async function feedparser(path: string): Promise<ParsedByFeedparser> {
  const { stdout } = await run(PYTHON, ['-c', FEEDPARSER_SCRIPT, new URL(path, server.url).href], { env: ENV });
  return JSON.parse(stdout) as ParsedByFeedparser;
}

const TITLES = ENTRIES.map((entry) => entry.title);
const LABELS = ENTRIES.map((entry) => entry.themes.map((theme) => theme.label));
const IDS = ENTRIES.map((entry) => entry.themes.map((theme) => theme.id));

describe('feedparser', () => {
  it.each([
    ['feed.xml', 'rss20', LABELS],
    ['atom.xml', 'atom10', IDS],
  ])('reads %s (%s) without errors', async (path, version, tags) => {
    const feed = await feedparser(path);
    expect(feed.bozo_exception).toBeNull();
    expect(feed.bozo).toBe(false);
    expect(feed.version).toBe(version);
    expect(feed.language).toBe('fr');
    expect(feed.entries.map((e) => e.title)).toEqual(TITLES);
    expect(feed.entries.map((e) => e.id)).toEqual(ENTRIES.map((e) => e.guid));
    expect(feed.entries.map((e) => e.link)).toEqual(ENTRIES.map((e) => e.link));
    expect(feed.entries.map((e) => e.tags.map((t) => t.term))).toEqual(tags);
  });

  it('reads the French labels of the Atom categories', async () => {
    const feed = await feedparser('atom.xml');
    expect(feed.entries.map((e) => e.tags.map((t) => t.label))).toEqual(LABELS);
    expect(feed.entries.map((e) => e.author)).toEqual(['Le blog de l’IA ouverte', 'Lucy Smith', 'Ana Lee']);
  });

  it('reads a theme feed with only its entries', async () => {
    const feed = await feedparser('themes/privacy.xml');
    expect(feed.bozo).toBe(false);
    expect(feed.language).toBe('fr');
    expect(feed.entries.map((e) => e.title)).toEqual(['Differential privacy in practice']);
    expect(feed.entries[0]?.tags.map((t) => t.term)).toEqual(['Confidentialité et données personnelles']);
  });

  it('reads an empty theme feed', async () => {
    const feed = await feedparser('themes/security.atom');
    expect(feed.bozo).toBe(false);
    expect(feed.entries).toEqual([]);
  });
});

// Debian 12's feedparser (6.0.10) and newsboat (2.21) predate JSON Feed support, so feed.json is
// checked by Python against the JSON Feed 1.1 rules a reader relies on (jsonfeed.org/version/1.1).
describe('JSON Feed 1.1, read by Python', () => {
  const CHECK_SCRIPT = `
import json, sys, urllib.request
with urllib.request.urlopen(sys.argv[1]) as r:
    content_type = r.headers.get("Content-Type")
    feed = json.loads(r.read().decode("utf-8"))
problems = []
if feed.get("version") != "https://jsonfeed.org/version/1.1": problems.append("version")
if not isinstance(feed.get("title"), str): problems.append("title")
for i, item in enumerate(feed.get("items", [])):
    if not isinstance(item.get("id"), str): problems.append(f"items[{i}].id")
    if "content_html" not in item and "content_text" not in item: problems.append(f"items[{i}].content")
print(json.dumps({"contentType": content_type, "problems": problems, "language": feed.get("language"),
  "titles": [item.get("title") for item in feed["items"]], "tags": [item.get("tags", []) for item in feed["items"]]}))
`;

  it.each([
    ['feed.json', TITLES, LABELS],
    ['themes/privacy.json', ['Differential privacy in practice'], [['Confidentialité et données personnelles']]],
  ])('%s', async (path, titles, tags) => {
    const { stdout } = await run(PYTHON, ['-c', CHECK_SCRIPT, new URL(path, server.url).href], { env: ENV });
    expect(JSON.parse(stdout)).toEqual({
      contentType: 'application/feed+json; charset=utf-8',
      problems: [],
      language: 'fr',
      titles,
      tags,
    });
  });
});

describe('hostile text', () => {
  it.each(['hostile/feed.xml', 'hostile/atom.xml'])('feedparser reads %s without errors', async (path) => {
    const feed = await feedparser(path);
    expect(feed.bozo_exception).toBeNull();
    expect(feed.entries).toHaveLength(1);
    expect(feed.entries[0]?.title).toContain(']]>');
    expect(feed.entries[0]?.title).not.toMatch(/[\u0000-\u0008]/);
  });
});

describe('newsboat', () => {
  // One cache per feed: newsboat keys articles by GUID, and the RSS and Atom feeds rightly share them.
  it.each(['feed.xml', 'atom.xml', 'themes/open-source.atom'])('subscribes to %s and sees every entry', async (path) => {
    const home = await mkdtemp(join(root, 'newsboat-'));
    const urls = join(home, 'urls');
    const cache = join(home, 'cache.db');
    const feedUrl = new URL(path, server.url).href;
    await writeFile(urls, `${feedUrl}\n`);
    const env = { ...ENV, HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_DATA_HOME: join(home, 'data') };
    const newsboat = (command: string) => run('newsboat', ['-u', urls, '-c', cache, '-C', '/dev/null', '-x', command], { env, timeout: 30_000 });
    await newsboat('reload');
    const expected = path.startsWith('themes/') ? ENTRIES.filter((e) => e.themes.some((t) => t.id === 'open-source')) : ENTRIES;
    expect((await newsboat('print-unread')).stdout.trim()).toBe(`${expected.length} unread articles`);
    const query = `
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(json.dumps(db.execute("SELECT feedurl, title, url, guid FROM rss_item ORDER BY pubDate DESC").fetchall()))
`;
    const { stdout } = await run(PYTHON, ['-c', query, cache], { env: ENV });
    const rows = JSON.parse(stdout) as Array<[string, string, string, string]>;
    expect(rows.map(([url]) => url)).toEqual(expected.map(() => feedUrl));
    expect(rows.map(([, title]) => title)).toEqual(expected.map((e) => e.title));
    expect(rows.map(([, , link]) => link)).toEqual(expected.map((e) => e.link));
    expect(rows.map(([, , , guid]) => guid)).toEqual(expected.map((e) => e.guid));
  });
});
