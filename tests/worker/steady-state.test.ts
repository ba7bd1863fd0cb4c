// Steady state costs nothing (issue 15): a body identical to the last one processed is not parsed
// again, an unchanged item is not cleaned or tagged again, and a cycle with nothing new writes no
// file; yet a new item, an edited item and an edited taxonomy (with `retag`) are seen and published.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { composeApp, configureApp } from '../../src/app/app.js';
import type { FeedJob, ProcessedFeed } from '../../src/app/process-feed.js';
import { publishFromStore } from '../../src/app/publish.js';
import { retagStoredItems } from '../../src/app/retag.js';
import { silentLogger } from '../../src/domain/ports.js';
import { loadTaxonomy } from '../../src/tag/taxonomy.js';
import { rssFeed, startFeedServer, type FeedServer } from '../helpers/feed-server.js';
import { makeCycleProject, type CycleProject } from './cycle-harness.js';

const HOUR = 3_600_000;
const START = new Date('2026-11-26T08:00:00Z');

type FeedItem = Parameters<typeof rssFeed>[1][number];

const ITEMS: FeedItem[] = [
  { title: 'A new open-weights model', link: 'https://example.org/a', guid: 'a', date: 'Tue, 24 Nov 2026 09:00:00 GMT', description: 'Weights are published.' },
  { title: 'A workshop in Paris', link: 'https://example.org/b', guid: 'b', date: 'Tue, 24 Nov 2026 08:00:00 GMT', description: 'Talks on agents.' },
  { title: 'Quarterly notes', link: 'https://example.org/c', guid: 'c', date: 'Tue, 24 Nov 2026 07:00:00 GMT', description: 'Nothing of note, about zorblatt.' },
];

const themesYaml = (terms: readonly string[]): string =>
  `version: 1\nthemes:\n  - id: events\n    label: Événements\n    definition: Défini.\n    vocabulary: { en: [${terms.join(', ')}] }\n`;

/** Every file of the publish folder with its bytes and mtime. */
function snapshotFiles(dir: string): Map<string, { bytes: string; mtimeMs: number }> {
  const files = new Map<string, { bytes: string; mtimeMs: number }>();
  for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const path = join(dir, name);
    const stat = statSync(path);
    if (stat.isFile()) files.set(name, { bytes: readFileSync(path, 'latin1'), mtimeMs: stat.mtimeMs });
  }
  return files;
}

describe('a steady-state cycle', () => {
  let server: FeedServer;
  let project: CycleProject;
  let body: string;
  let themesFile: string;
  let themesFolder: string;
  let processed: { job: FeedJob; feed: ProcessedFeed }[];
  let hour: number;

  /** A cycle an hour after the last one, every source due. */
  const cycle = async () => {
    processed = [];
    hour += 1;
    return project.run(new Date(START.getTime() + hour * HOUR), { force: true, onProcessed: (job, feed) => processed.push({ job, feed }) });
  };
  const published = (): { title: string; summary?: string; tags?: string[] }[] =>
    (JSON.parse(readFileSync(join(project.dir, 'public/feed.json'), 'utf8')) as { items: { title: string; summary?: string; tags?: string[] }[] }).items;

  beforeEach(async () => {
    body = rssFeed('Example', ITEMS);
    // No ETag, no Last-Modified: every fetch is a 200 with the whole body, as from many publishers.
    server = await startFeedServer({ '/feed.xml': (_request, response) => response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body) });
    themesFolder = mkdtempSync(join(tmpdir(), 'veille-themes-'));
    themesFile = join(themesFolder, 'themes.yaml');
    writeFileSync(themesFile, themesYaml(['workshop']));
    project = makeCycleProject(`sources:\n  - { url: "${server.base}/feed.xml", name: Example }\nfetch: { perHostDelayMs: 0 }\nsite: { language: en }`, { themes: themesFile });
    hour = 0;
    const first = await cycle();
    expect(first.summary.newItems).toBe(3);
  });

  afterEach(async () => {
    project.cleanup();
    rmSync(themesFolder, { recursive: true, force: true });
    await server.close();
  });

  it('same body: nothing parsed, nothing stored, no file written', async () => {
    const before = snapshotFiles(join(project.dir, 'public'));
    const { summary, results } = await cycle();
    expect(processed).toEqual([]);
    expect([...results.values()]).toEqual([expect.objectContaining({ kind: 'ok', sameBody: true, inserted: 0, updated: 0 })]);
    expect(summary).toMatchObject({ fetched: 1, newItems: 0, updatedItems: 0, published: 3 });
    // Same bytes and same mtime: the server's ETag and Last-Modified stay what readers hold.
    expect(snapshotFiles(join(project.dir, 'public'))).toEqual(before);
    expect(project.store.listSources({ activeOnly: true })[0]?.lastSuccessAt).toBe(new Date(START.getTime() + 2 * HOUR).toISOString());
  });

  it('same body: the site is not even rendered; the next change renders it whole again', async () => {
    // A file edited by hand shows whether the cycle rendered and compared the site: it would be restored.
    const feedFile = join(project.dir, 'public/feed.json');
    writeFileSync(feedFile, 'edited by hand');
    expect((await cycle()).summary).toMatchObject({ newItems: 0, published: 3 });
    expect(readFileSync(feedFile, 'utf8')).toBe('edited by hand');
    body = rssFeed('Example', [
      { title: 'Federated learning in hospitals', link: 'https://example.org/d', guid: 'd', date: 'Wed, 25 Nov 2026 09:00:00 GMT', description: 'A new item.' },
      ...ITEMS,
    ]);
    expect((await cycle()).summary).toMatchObject({ newItems: 1, published: 4 });
    expect(published()).toHaveLength(4);
  });

  it('a source renamed with the same items is published under its new name', async () => {
    const spec = { url: `${server.base}/feed.xml`, name: 'Renamed Example', lang: null };
    project.store.syncSources([spec], new Date(START.getTime() + 5 * HOUR).toISOString());
    const publish = () => publishFromStore({ config: project.config, store: project.store, taxonomy: loadTaxonomy(themesFile), builtAt: new Date(START.getTime() + 5 * HOUR) });
    expect(await publish()).toBe(3);
    expect(readFileSync(join(project.dir, 'public/feed.json'), 'utf8')).toContain('Renamed Example');
  });

  it('new body with one new item: only that item is cleaned, and it is published', async () => {
    body = rssFeed('Example', [
      { title: 'Federated learning in hospitals', link: 'https://example.org/d', guid: 'd', date: 'Wed, 25 Nov 2026 09:00:00 GMT', description: 'A new item.' },
      ...ITEMS,
    ]);
    const { summary } = await cycle();
    expect(processed.map(({ feed }) => feed.items.map(({ item }) => item.title))).toEqual([['Federated learning in hospitals']]);
    expect(processed[0]?.feed.unchangedIds).toHaveLength(3);
    expect(summary).toMatchObject({ newItems: 1, updatedItems: 0 });
    expect(published().map((entry) => entry.title)[0]).toBe('Federated learning in hospitals');
    expect(published()).toHaveLength(4);
  });

  it('an edited item: only that item is cleaned again, and its new text is published', async () => {
    body = rssFeed('Example', ITEMS.map((item) => (item.guid === 'b' ? { ...item, description: 'Talks on agents, and a late addition.' } : item)));
    const { summary } = await cycle();
    expect(processed.map(({ feed }) => feed.items.map(({ item }) => item.id))).toHaveLength(1);
    expect(processed[0]?.feed.items.map(({ item }) => item.summary)).toEqual(['Talks on agents, and a late addition.']);
    expect(summary).toMatchObject({ newItems: 0, updatedItems: 1 });
    expect(published().find((entry) => entry.title === 'A workshop in Paris')?.summary).toBe('Talks on agents, and a late addition.');
  });

  it('an edited taxonomy followed by retag: every stored item is tagged again and published with it', async () => {
    const tagged = () => published().filter((entry) => (entry.tags ?? []).length > 0).map((entry) => entry.title);
    expect(tagged()).toEqual(['A workshop in Paris']);
    writeFileSync(themesFile, themesYaml(['workshop', 'zorblatt']));
    // The same body: the cycle leaves the stored items alone, as it leaves them with an unchanged body.
    await cycle();
    expect(processed).toEqual([]);
    const app = composeApp(configureApp(project.config, { clock: { now: () => new Date(START.getTime() + 10 * HOUR) }, env: {}, logger: silentLogger }), {
      store: project.store,
      taxonomy: loadTaxonomy(themesFile),
    });
    const summary = await retagStoredItems({ ...app, tagging: (sources) => app.tagging(sources) });
    expect(summary).toMatchObject({ items: 3, changed: 1 });
    expect(tagged()).toEqual(['A workshop in Paris', 'Quarterly notes']);
  });

  it('a body key made with other settings (another veille, source language or base URL) processes the same body again', async () => {
    project.store.recordSuccess(project.store.listSources({ activeOnly: true })[0]?.id ?? 0, {
      at: START.toISOString(),
      nextFetchAt: START.toISOString(),
      etag: null,
      lastModified: null,
      bodyHash: 'a key made with other settings',
    });
    await cycle();
    expect(processed).toHaveLength(1);
  });
});
