// `veille store copy` moves a whole state without loss (issue 20): a SQLite state copied to this
// run's backend (PostgreSQL under npm run test:pg) and back to SQLite holds the same rows, the
// same ids, GUIDs and delivery log; a target holding rows is refused unless --force.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Item } from '../../src/domain/types.js';
import { groupStoredStories } from '../../src/app/group-stored-stories.js';
import { openSqlite } from '../../src/store/database.js';
import { Store } from '../../src/store/store.js';
import { makeTempProject, type TempProject } from '../helpers/cli.js';
import { backend } from './backend.js';

const NOW = '2026-11-26T08:00:00Z';
const WEEK = '2026-W47';

const item = (id: string, fields: Partial<Item> = {}): Item => ({
  id,
  guid: id,
  link: `https://example.org/${id}`,
  title: `Title ${id}`,
  summary: `Summary ${id}`,
  contentHtml: `<p>${id}</p>`,
  author: null,
  publishedAt: '2026-11-18T08:00:00Z',
  updatedAt: null,
  dateMissing: false,
  categories: ['AI'],
  language: 'en',
  links: [],
  imageUrl: null,
  ...fields,
});

/** A state with a row in every table: sources, items with themes and signatures, stories, an issue and its log... */
function fill(store: Store): void {
  const [aihub, blog] = store
    .syncSources(
      [
        { url: 'https://aihub.org/feed/', name: 'AIhub', lang: 'en' },
        { url: 'https://blog.example.fr/feed', name: 'Blog', lang: 'fr' },
      ],
      NOW,
    )
    .map((source) => source.id) as [number, number];
  store.recordFailure(blog, { at: NOW, nextFetchAt: NOW, code: 'FETCH_TIMEOUT', message: 'fetch: timed out' });
  store.recordSuccess(aihub, { at: NOW, nextFetchAt: NOW, etag: '"e1"', lastModified: null, feedHints: '{"ttl":60}', bodyHash: 'b1' });
  store.deferHost({ host: 'aihub.org:443', notBefore: '2026-11-27T08:00:00Z', reason: 'Retry-After' }, NOW);
  const evidence = [{ term: 'open source', field: 'title' as const }];
  store.saveItems(aihub, [
    { item: item('recap'), themes: [{ id: 'open-source', score: 0.75, evidence }], textSignature: Uint8Array.from([1, 2, 3, 250]), rawHash: 'r1' },
    { item: item('other', { publishedAt: '2026-11-19T08:00:00Z' }), themes: [] },
  ], NOW);
  store.saveItems(blog, [{ item: item('fr', { language: 'fr', links: ['https://example.org/recap'] }), themes: [{ id: 'federated-learning', score: 1.5, evidence }] }], NOW);
  groupStoredStories(store, new Date(NOW));
  const digests = store.digests();
  digests.saveDigest({ week: WEEK, guid: `urn:veille:digest:${WEEK}`, title: 'Semaine 47', issue: '{"week":"2026-W47"}' }, NOW);
  expect(digests.claimDelivery(WEEK, 'lea@example.org', '<m1@veille>', NOW)).toBe('claimed');
  digests.recordDelivery(WEEK, 'lea@example.org', { status: 'sent', attempts: 1, error: null }, NOW);
  expect(digests.claimDelivery(WEEK, 'max@example.org', '<m2@veille>', NOW)).toBe('claimed');
  digests.claimResend(WEEK, 'lea@example.org', '<m1@veille>', NOW);
  store.translations().put({ sourceHash: 'h', provider: 'deepl', model: '', sourceLang: 'en', targetLang: 'fr', glossaryHash: 'g' }, { text: 'Bonjour', glossaryMisses: [] }, NOW);
  store.translations().saveGlossaryId('deepl https://api.example', 'en', 'fr', 'g', 'remote-1', NOW);
  store.fullTexts().record('recap', 'auto', 'c', { state: 'ok', attemptedAt: NOW, publish: false, title: 'T', text: 'Text', html: '<p>Text</p>', links: [] });
  store.fullTexts().writeRobots('https://aihub.org:443', 'User-agent: *', NOW);
  store.resumes().put({ storyGuid: 'urn:veille:item:recap', inputHash: 'i', state: 'written', title: 'Titre', text: 'Résumé.', reasons: [], model: 'm', itemIds: ['recap', 'fr'], createdAt: NOW, reusedAt: null });
  store.resumes().addSpent('2026-11-26', 1, 1200);
  store.writeState('site.builtAt', NOW);
}

const TABLES = [
  'sources', 'hosts', 'stories', 'items', 'item_themes', 'digests', 'deliveries', 'translations', 'translation_glossaries',
  'item_full_texts', 'robots_txt', 'resumes', 'resume_spending', 'store_state',
];

/** Every row of every table of a SQLite state, in a fixed order. */
function dump(path: string): Record<string, unknown[]> {
  const db = openSqlite(path);
  try {
    return Object.fromEntries(TABLES.map((table) => [table, db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all()]));
  } finally {
    db.close();
  }
}

/** A SQLite state in a folder of its own. */
function sqlitePath(): string {
  const project = makeTempProject();
  projects.push(project);
  return join(project.dir, 'veille.db');
}

const projects: TempProject[] = [];
afterEach(() => {
  for (const project of projects.splice(0)) project.cleanup();
});

describe(`store copy (SQLite → ${backend.name} → SQLite)`, () => {
  it('moves every row: the same ids, GUIDs, delivery log and state', () => {
    const original = sqlitePath();
    const store = Store.open(original);
    fill(store);
    const stories = store.recentStories(10);
    const deliveries = store.digests().listDeliveries(WEEK);
    store.close();

    const middle = backend.fresh();
    const from = Store.open(original);
    const to = middle.open();
    const report = from.copyTo(to, { replace: false });
    expect(report.tables.find((table) => table.table === 'items')?.rows).toBe(3);
    // The copy reads back as the original did, through the store.
    expect(to.recentStories(10)).toEqual(stories);
    expect(to.digests().listDeliveries(WEEK)).toEqual(deliveries);
    // A new source or story takes the next id, not one the copy holds.
    const next = to.syncSources([{ url: 'https://aihub.org/feed/', name: 'AIhub', lang: 'en' }, { url: 'https://new.example/feed', name: null, lang: null }], NOW);
    expect(next.map((source) => source.id)).toEqual([1, 3]);
    from.close();

    const back = sqlitePath();
    const returned = Store.open(back);
    const middleAgain = middle.open();
    middleAgain.syncSources([{ url: 'https://aihub.org/feed/', name: 'AIhub', lang: 'en' }, { url: 'https://blog.example.fr/feed', name: 'Blog', lang: 'fr' }], NOW);
    to.close();
    middleAgain.copyTo(returned, { replace: false });
    middleAgain.close();
    returned.close();
    const before = dump(original);
    const after = dump(back);
    // The one difference: the source added on the way, inactive once the config dropped it again.
    expect(after.sources).toEqual([...before.sources!, expect.objectContaining({ id: 3, url: 'https://new.example/feed', active: 0 })]);
    for (const table of TABLES.filter((name) => name !== 'sources' && name !== 'store_state')) expect({ table, rows: after[table] }).toEqual({ table, rows: before[table] });
    // site.dirty aside (the source added on the way set it): the state the program kept.
    const kept = (rows: unknown[] | undefined) => (rows as { key: string }[]).filter((row) => row.key !== 'site.dirty');
    expect(kept(after.store_state)).toEqual(kept(before.store_state));
    expect(kept(after.store_state)).toEqual([{ key: 'site.builtAt', value: NOW }]);
  });

  it('refuses a target that holds rows unless asked to replace them', () => {
    const source = Store.open(sqlitePath());
    fill(source);
    const target = backend.fresh().open();
    target.syncSources([{ url: 'https://elsewhere.example/feed', name: null, lang: null }], NOW);
    expect(() => source.copyTo(target, { replace: false })).toThrow('store: the target already holds rows (sources); give --force to replace them');
    expect(target.listSources({ activeOnly: false }).map((row) => row.url)).toEqual(['https://elsewhere.example/feed']);
    source.copyTo(target, { replace: true });
    expect(target.listSources({ activeOnly: false }).map((row) => row.url)).toEqual(['https://aihub.org/feed/', 'https://blog.example.fr/feed']);
    source.close();
    target.close();
  });
});
