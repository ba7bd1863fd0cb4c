// Every published Atom file passes the W3C Feed Validator's rules that matter here (issue 18,
// finding 7): a <source> has its own updated, no two entries share atom:updated, every text
// construct has text, and the digest's entries name no <source> (they are its own).
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIssue } from '../../src/digest/issue.js';
import { weekRange } from '../../src/digest/iso-week.js';
import { publishDigests } from '../../src/digest/publish-digest.js';
import { siteLocale } from '../../src/domain/site-locale.js';
import { renderAtom } from '../../src/publish/feeds.js';
import { publishSite } from '../../src/publish/publish-site.js';
import { atomProblems } from './atom-check.js';
import { ENTRIES, SITE_URL, THEMES, entry, sampleMeta, sampleSnapshot } from './sample-site.js';

const FR = siteLocale('fr', 'Europe/Paris');
const SAME_TIME = '2025-04-06T12:00:00Z';
// Three entries fetched in one go from a feed without dates: one instant for all.
const UNDATED = ['a', 'b', 'c'].map((id) => entry({ guid: `urn:veille:item:undated-${id}`, title: `Sans date ${id}`, publishedAt: SAME_TIME, updatedAt: SAME_TIME }));

let dir: string;
let atomFiles: Map<string, string>;
let ownFeeds: Set<string>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'veille-atom-'));
  await publishSite(dir, sampleSnapshot({ entries: [...UNDATED, ...ENTRIES] }));
  const options = { siteTitle: 'Veille IA', locale: FR, themes: THEMES, maxStoriesPerSection: 25, includeUnthemed: true };
  // Two issues stored in the same run: the same updated instant.
  const issues = [48, 47].map((week) => ({ issue: buildIssue(weekRange({ year: 2026, week }, 'Europe/Paris'), [], options), publishedAt: SAME_TIME, updatedAt: SAME_TIME }));
  await publishDigests(dir, issues, { title: 'Veille IA', description: 'L’actualité de l’IA.', siteUrl: SITE_URL, locale: FR, generator: 'veille test' }, new Date(SAME_TIME));
  const paths = (await readdir(dir, { recursive: true })).map(String);
  ownFeeds = new Set(paths.filter((path) => /\.(xml|atom|json)$/.test(path)).map((path) => new URL(path, SITE_URL).href));
  atomFiles = new Map();
  for (const path of paths.filter((p) => p.endsWith('.atom') || p === 'atom.xml')) atomFiles.set(path, await readFile(join(dir, path), 'utf8'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('every published Atom file', () => {
  it('is found: the merged feed, one per theme, the digest', () => {
    expect([...atomFiles.keys()].sort()).toEqual(['atom.xml', 'digest.atom', ...THEMES.map((theme) => join('themes', `${theme.id}.atom`))].sort());
  });

  it('passes the validator’s rules', () => {
    for (const [path, xml] of atomFiles) expect(atomProblems(xml, { url: new URL(path, SITE_URL).href, ownFeeds }), path).toEqual([]);
  });

  it('keeps the first instant of a shared one and moves the others by a millisecond, the same on every run', () => {
    const updated = [...(atomFiles.get('atom.xml') ?? '').matchAll(/<updated>([^<]+)<\/updated>/g)].map((match) => match[1]);
    expect(updated).toContain('2025-04-06T12:00:00Z');
    expect(updated).toContain('2025-04-06T12:00:00.001Z');
    expect(updated).toContain('2025-04-06T12:00:00.002Z');
    expect(renderAtom(sampleMeta(), [...UNDATED].reverse())).toBe(renderAtom(sampleMeta(), [...UNDATED].reverse()));
  });

  it('names no <source> in the digest, whose issues are its own entries', () => {
    expect(atomFiles.get('digest.atom')).not.toContain('<source>');
  });
});

describe('the check itself', () => {
  const meta = sampleMeta({ feedUrl: `${SITE_URL}atom.xml` });
  const check = (xml: string) => atomProblems(xml, { url: `${SITE_URL}atom.xml`, ownFeeds: new Set([`${SITE_URL}digest.xml`]) });

  it.each([
    ['a source without updated', (xml: string) => xml.replace(/(<source>[\s\S]*?)<updated>[^<]*<\/updated>/, '$1'), 'Missing source element: updated'],
    ['two entries at the same instant', (xml: string) => xml.replaceAll(/<updated>2025-04-0[35]T[^<]*<\/updated>/g, '<updated>2025-04-05T10:00:00Z</updated>'), 'Two entries with the same value for atom:updated'],
    ['an empty title', (xml: string) => xml.replace(/<title type="text">Differential privacy in practice<\/title>/, '<title type="text"></title>'), 'Missing textual content'],
    ['a source naming the site’s own feed', (xml: string) => xml.replace('<link rel="self" href="https://aihub.org/feed/"/>', `<link rel="self" href="${SITE_URL}digest.xml"/>`), 'source self link names this site'],
    ['a wrong self link', (xml: string) => xml.replace(`href="${SITE_URL}atom.xml"`, `href="${SITE_URL}feed.xml"`), 'Self reference'],
  ])('finds %s', (_name, spoil, problem) => {
    const xml = renderAtom(meta, ENTRIES);
    expect(check(xml)).toEqual([]);
    const spoiled = spoil(xml);
    expect(spoiled).not.toBe(xml);
    expect(check(spoiled).join('\n')).toContain(problem);
  });
});
