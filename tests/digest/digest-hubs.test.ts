// The digest feeds are published feeds too (issue 21): with publish.websub.hub they declare the
// hub beside themselves, and a publish that leaves their bytes as they were rewrites nothing, so
// that no hub is pinged for them.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildIssue } from '../../src/digest/issue.js';
import { weekRange } from '../../src/digest/iso-week.js';
import { publishDigests } from '../../src/digest/publish-digest.js';
import { siteLocale } from '../../src/domain/site-locale.js';

const FR = siteLocale('fr', 'Europe/Paris');
const SITE_URL = 'https://veille.example.org/';
const HUB = 'https://hub.example.org/';
const AT = '2026-11-30T07:00:00Z';
const options = { siteTitle: 'Veille IA', locale: FR, themes: [], maxStoriesPerSection: 25, includeUnthemed: true };
const meta = { title: 'Veille IA', description: 'L’actualité de l’IA.', siteUrl: SITE_URL, locale: FR, generator: 'veille test', hubs: [HUB] };
const issuesOf = (weeks: number[]) =>
  weeks.map((week) => ({ issue: buildIssue(weekRange({ year: 2026, week }, 'Europe/Paris'), [], options), publishedAt: AT, updatedAt: AT }));

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('digest feeds and WebSub', () => {
  it('declare the hub and themselves in RSS, Atom and JSON Feed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'veille-digest-hubs-'));
    dirs.push(dir);
    await publishDigests(dir, issuesOf([48]), meta, new Date(AT));
    const rss = await readFile(join(dir, 'digest.xml'), 'utf8');
    expect(rss).toContain(`<atom:link href="${HUB}" rel="hub"/>`);
    expect(rss).toContain(`href="${SITE_URL}digest.xml" rel="self"`);
    const atom = await readFile(join(dir, 'digest.atom'), 'utf8');
    expect(atom).toContain(`<link rel="hub" href="${HUB}"/>`);
    const json = JSON.parse(await readFile(join(dir, 'digest.json'), 'utf8')) as { hubs?: { type: string; url: string }[]; feed_url?: string };
    expect(json.hubs).toEqual([{ type: 'WebSub', url: HUB }]);
    expect(json.feed_url).toBe(`${SITE_URL}digest.json`);
  });

  it('returns only the files whose bytes changed, and leaves the others untouched', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'veille-digest-hubs-'));
    dirs.push(dir);
    const first = await publishDigests(dir, issuesOf([48]), meta, new Date(AT));
    expect(first).toEqual(expect.arrayContaining(['digest.xml', 'digest.atom', 'digest.json']));
    const before = (await stat(join(dir, 'digest.xml'))).mtimeMs;
    expect(await publishDigests(dir, issuesOf([48]), meta, new Date(AT))).toEqual([]);
    expect((await stat(join(dir, 'digest.xml'))).mtimeMs).toBe(before);
    const next = await publishDigests(dir, issuesOf([49, 48]), meta, new Date(AT));
    expect(next).toEqual(expect.arrayContaining(['digest.xml', 'digest.atom', 'digest.json']));
  });
});
