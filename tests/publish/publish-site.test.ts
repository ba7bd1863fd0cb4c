// The whole site from one snapshot: every file, absolute self links, per-theme filtering, the
// feeds' update time, and failures that leave the previous site in place.

import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isVeilleError } from '../../src/domain/errors.js';
import { parseOpml } from '../../src/publish/opml.js';
import { publishSite } from '../../src/publish/publish-site.js';
import { ENTRIES, SOURCES, THEMES, sampleSnapshot } from './sample-site.js';
import { expectWellFormedXml, parseXml } from './xml-check.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'veille-site-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Each file of the site with its mtime. */
async function mtimes(): Promise<Record<string, number>> {
  const found: Record<string, number> = {};
  for (const name of await readdir(dir, { recursive: true })) {
    const info = await stat(join(dir, name));
    if (info.isFile()) found[name] = info.mtimeMs;
  }
  return found;
}

async function read(path: string): Promise<string> {
  return readFile(join(dir, path), 'utf8');
}

function titlesOfJson(text: string): string[] {
  return (JSON.parse(text) as { items: Array<{ title: string }> }).items.map((item) => item.title);
}

describe('publishSite', () => {
  it('writes every file, one feed set per theme even when empty', async () => {
    const { files } = await publishSite(dir, sampleSnapshot());
    const themeFiles = THEMES.flatMap((t) => [`themes/${t.id}.xml`, `themes/${t.id}.atom`, `themes/${t.id}.json`]);
    const themePages = THEMES.map((t) => `themes/${t.id}.html`);
    expect(files).toEqual(['feed.xml', 'atom.xml', 'feed.json', ...themeFiles, 'sources.opml', ...themePages, 'index.html']);
    const plain = (names: string[]) => names.filter((name) => !name.endsWith('.br') && !name.endsWith('.gz'));
    expect(plain(await readdir(dir)).sort()).toEqual(['atom.xml', 'feed.json', 'feed.xml', 'index.html', 'sources.opml', 'themes']);
    expect(plain(await readdir(join(dir, 'themes'))).length).toBe(4 * THEMES.length);
    for (const file of files.filter((f) => /\.(xml|atom|opml)$/.test(f))) expectWellFormedXml(await read(file));
  });

  it.each([
    ['feed.xml', (doc: any) => doc.rss.channel['atom:link']['@href'], 'https://veille.example.org/feed.xml'],
    ['atom.xml', (doc: any) => doc.feed.id, 'https://veille.example.org/atom.xml'],
    ['themes/privacy.xml', (doc: any) => doc.rss.channel['atom:link']['@href'], 'https://veille.example.org/themes/privacy.xml'],
    ['themes/privacy.atom', (doc: any) => doc.feed.link[0]['@href'], 'https://veille.example.org/themes/privacy.atom'],
  ])('%s links to itself with an absolute URL', async (file, pick, url) => {
    await publishSite(dir, sampleSnapshot());
    expect(pick(parseXml(await read(file)))).toBe(url);
  });

  it('gives the JSON feeds absolute feed_url', async () => {
    await publishSite(dir, sampleSnapshot());
    expect(JSON.parse(await read('themes/open-source.json')).feed_url).toBe('https://veille.example.org/themes/open-source.json');
  });

  it.each([
    ['open-source', 2],
    ['federated-learning', 2],
    ['privacy', 1],
    ['security', 0],
  ])('theme %s gets only its %i entries', async (id, count) => {
    await publishSite(dir, sampleSnapshot());
    const expected = ENTRIES.filter((e) => e.themes.some((t) => t.id === id)).map((e) => e.title);
    expect(expected).toHaveLength(count);
    expect(titlesOfJson(await read(`themes/${id}.json`))).toEqual(expected);
    const rss = parseXml(await read(`themes/${id}.xml`)).rss.channel;
    expect((rss.item ?? []).length).toBe(count);
    expect(rss.title).toBe(`Veille IA — ${THEMES.find((t) => t.id === id)?.label}`);
  });

  it('uses entriesByTheme when the caller gives it', async () => {
    const privacyOnly = ENTRIES.slice(2);
    await publishSite(dir, sampleSnapshot({ entriesByTheme: { security: privacyOnly } }));
    expect(titlesOfJson(await read('themes/security.json'))).toEqual(privacyOnly.map((e) => e.title));
    expect(titlesOfJson(await read('themes/privacy.json'))).toEqual(privacyOnly.map((e) => e.title));
  });

  it('dates each feed by its newest entry, or the build time when empty', async () => {
    await publishSite(dir, sampleSnapshot());
    expect(parseXml(await read('atom.xml')).feed.updated).toBe('2025-04-05T10:00:00Z');
    expect(parseXml(await read('themes/privacy.atom')).feed.updated).toBe('2025-03-28T07:15:00Z');
    expect(parseXml(await read('themes/security.atom')).feed.updated).toBe('2025-04-07T06:00:00Z');
  });

  it('writes the sources as OPML that reads back the same', async () => {
    await publishSite(dir, sampleSnapshot());
    expect(parseOpml(await read('sources.opml'), 'sources.opml')).toEqual(SOURCES);
  });

  it('fails with PUBLISH_FAILED and leaves the previous files when a file cannot be written', async () => {
    await writeFile(join(dir, 'index.html'), 'previous page');
    await writeFile(join(dir, 'feed.json'), 'previous json');
    // atom.xml cannot be replaced: a folder stands in its way.
    await mkdir(join(dir, 'atom.xml'));
    await writeFile(join(dir, 'atom.xml', 'keep'), '');
    const error = await publishSite(dir, sampleSnapshot()).catch((e: unknown) => e);
    expect(isVeilleError(error, 'PUBLISH_FAILED')).toBe(true);
    expect((error as Error).message).toMatch(new RegExp(`^publish: cannot write ${join(dir, 'atom.xml')}: `));
    expect(await read('index.html')).toBe('previous page');
    expect(await read('feed.json')).toBe('previous json');
    expect((await readdir(dir)).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  // Issue 15: an unchanged file keeps its bytes and mtime, so the server's ETag and Last-Modified
  // stay what readers and proxies hold.
  it('writes no file when nothing changed since the last change, and keeps its date', async () => {
    const first = await publishSite(dir, sampleSnapshot({ builtAt: new Date('2026-11-20T10:00:00Z') }));
    const before = await mtimes();
    const again = await publishSite(dir, sampleSnapshot({ builtAt: new Date('2026-11-20T11:00:00Z'), lastChangedAt: first.changedAt }));
    expect(again).toEqual({ files: [], changedAt: new Date('2026-11-20T10:00:00Z') });
    expect(await mtimes()).toEqual(before);
  });

  it('rewrites the files that show a changed entry, with the new date, and leaves the others alone', async () => {
    const first = await publishSite(dir, sampleSnapshot({ builtAt: new Date('2026-11-20T10:00:00Z') }));
    const edited = ENTRIES.map((e) => (e.guid === 'urn:veille:item:aihub-privacy' ? { ...e, title: 'Differential privacy, revised' } : e));
    const again = await publishSite(dir, sampleSnapshot({ entries: edited, builtAt: new Date('2026-11-20T11:00:00Z'), lastChangedAt: first.changedAt }));
    expect(again.changedAt).toEqual(new Date('2026-11-20T11:00:00Z'));
    expect(again.files).toEqual(expect.arrayContaining(['feed.xml', 'atom.xml', 'feed.json', 'themes/privacy.xml', 'index.html']));
    expect(again.files).not.toContain('themes/open-source.xml');
    expect(titlesOfJson(await read('themes/privacy.json'))).toEqual(['Differential privacy, revised']);
  });

  it('refuses a theme id that is not a plain file name, before writing anything', async () => {
    const themes = [...THEMES, { id: '../escape', label: 'x', definition: null }];
    const error = await publishSite(dir, sampleSnapshot({ themes })).catch((e: unknown) => e);
    expect(isVeilleError(error, 'PUBLISH_FAILED')).toBe(true);
    expect(await readdir(dir)).toEqual([]);
  });
});
