// The weekly digest read by real programs, served on loopback: Python's feedparser reads
// digest.xml and digest.atom, and headless Chromium loads digests/<week>.html with no console
// error and takes screenshots. Needs `apt-get install python3-feedparser chromium`.

import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/publish/server.js';
import { Store } from '../../src/store/store.js';
import { item, makeDigestProject, NOW, WEEK, BLOG_URL, type DigestProject } from '../digest/digest-fixture.js';
import { runCli } from '../helpers/cli.js';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const CHROMIUM = '/usr/bin/chromium';
const ENV = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/_proxy$/i.test(name)));

/** Where the screenshots stay for a person to look at (SCREENSHOT_DIR, else a temporary folder). */
const SCREENSHOTS = process.env.SCREENSHOT_DIR ?? join(tmpdir(), 'veille-digest-screenshots');

let project: DigestProject;
let server: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  project = makeDigestProject();
  // Hostile text from a feed: it must reach the page and the feeds as text, never as markup.
  const store = Store.open(join(project.dir, 'data/veille.db'));
  const blog = store.listSources({ activeOnly: true }).find((source) => source.url === BLOG_URL);
  store.saveItems(
    blog?.id ?? 0,
    [
      {
        item: item({
          id: 'hostile',
          title: 'Sécurité <script>alert(1)</script> & <img src=x onerror=alert(2)> ]]>',
          summary: 'Un résumé avec <b>balises</b> et ]]> et \u0001 contrôle.',
          link: 'javascript:alert(3)',
          publishedAt: '2026-11-19T08:00:00.000Z',
        }),
        themes: [{ id: 'security', score: 0.9, evidence: [] }],
      },
    ],
    NOW,
  );
  store.close();
  // Two issues: an empty week, then the last complete week.
  for (const week of ['2026-W45', WEEK]) {
    const result = await runCli(['digest', '--week', week, '--config', project.configFile], { env: { VEILLE_NOW: NOW } });
    expect(result.code, result.stderr).toBe(0);
  }
  server = await startServer({ dir: join(project.dir, 'public'), host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await server?.close();
  project?.cleanup();
});

interface Parsed {
  bozo: boolean;
  bozo_exception: string | null;
  version: string;
  language: string | null;
  entries: Array<{ id: string; title: string; link: string; content_type: string | null; content: string }>;
}

const FEEDPARSER_SCRIPT = `
import feedparser, json, sys
d = feedparser.parse(sys.argv[1])
def content(e):
    if e.get("content"): return e.content[0]
    return {"type": None, "value": e.get("summary", "")}
print(json.dumps({
  "bozo": bool(d.bozo),
  "bozo_exception": str(d.get("bozo_exception")) if d.bozo else None,
  "version": d.version,
  "language": d.feed.get("language"),
  "entries": [{"id": e.get("id"), "title": e.get("title"), "link": e.get("link"),
               "content_type": content(e).get("type"), "content": content(e).get("value")} for e in d.entries],
}))
`;

describe('feedparser reads the digest feeds', () => {
  it.each([
    ['digest.xml', 'rss20'],
    ['digest.atom', 'atom10'],
  ])('%s (%s): bozo false, one entry per issue, newest first, full HTML content', async (path, version) => {
    const { stdout } = await run(PYTHON, ['-c', FEEDPARSER_SCRIPT, new URL(path, server.url).href], { env: ENV });
    const feed = JSON.parse(stdout) as Parsed;
    expect(feed.bozo_exception).toBeNull();
    expect(feed.bozo).toBe(false);
    expect(feed.version).toBe(version);
    expect(feed.language).toBe('fr');
    expect(feed.entries.map((entry) => entry.id)).toEqual([`urn:veille:digest:${WEEK}`, 'urn:veille:digest:2026-W45']);
    expect(feed.entries.map((entry) => entry.title)).toEqual([
      'Veille IA — semaine du 16 au 22 novembre 2026',
      'Veille IA — semaine du 2 au 8 novembre 2026',
    ]);
    expect(feed.entries[0]?.link).toBe(`https://veille.example.org/digests/${WEEK}.html`);
    const content = feed.entries[0]?.content ?? '';
    expect(content).toContain('<h2>Apprentissage fédéré</h2>');
    expect(content).toContain('Sécurité &lt;script&gt;');
    expect(content).not.toContain('<script');
    expect(content).not.toContain('javascript:');
    expect(feed.entries[1]?.content).toContain('Aucun article cette semaine');
  });
});

async function chromium(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const profile = await mkdtemp(join(tmpdir(), 'veille-chromium-'));
  try {
    return await run(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${profile}`,
        '--enable-logging=stderr',
        '--v=0',
        ...args,
      ],
      { env: ENV, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
    );
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

/** Console messages and page errors Chromium logged (CSP violations included), one per line. */
function consoleProblems(stderr: string): string[] {
  return stderr.split('\n').filter((line) => /CONSOLE|Refused to|Uncaught|Content Security Policy/i.test(line));
}

describe('headless Chromium loads the issue page', () => {
  it('renders the DOM with no console error and no script', async () => {
    const { stdout, stderr } = await chromium(['--dump-dom', new URL(`digests/${WEEK}.html`, server.url).href]);
    expect(consoleProblems(stderr)).toEqual([]);
    expect(stdout).toContain('<h1>Veille IA — semaine du 16 au 22 novembre 2026</h1>');
    expect(stdout).toContain('Sécurité &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(stdout).not.toMatch(/<script|<img/i);
  });

  it.each([
    ['phone', '390,1400'],
    ['desktop', '1280,1400'],
  ])('takes a screenshot (%s)', async (name, size) => {
    const file = join(SCREENSHOTS, `digest-${WEEK}-${name}.png`);
    await rm(file, { force: true });
    await mkdir(SCREENSHOTS, { recursive: true });
    const { stderr } = await chromium([`--screenshot=${file}`, `--window-size=${size}`, '--hide-scrollbars', new URL(`digests/${WEEK}.html`, server.url).href]);
    expect(consoleProblems(stderr)).toEqual([]);
    expect(existsSync(file)).toBe(true);
  });

  it('loads the home page, which links to the latest issues, with no console error', async () => {
    const { stdout, stderr } = await chromium(['--dump-dom', new URL('index.html', server.url).href]);
    expect(consoleProblems(stderr)).toEqual([]);
    expect(stdout).toContain(`<a href="digests/${WEEK}.html">Veille IA — semaine du 16 au 22 novembre 2026</a>`);
  });
});
