// Digest build time: one issue from 50,000 items stored in one week, against a baseline measured
// in the same run, the bare SQLite read of the same rows. Called by the bench runner.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIssue } from '../../src/digest/issue.js';
import { weekRange } from '../../src/digest/iso-week.js';
import { siteLocale } from '../../src/domain/site-locale.js';
import type { Item, ThemeMatch } from '../../src/domain/types.js';
import { openDatabase } from '../../src/store/database.js';
import { Store } from '../../src/store/store.js';
import { loadTaxonomy, themeInfos } from '../../src/tag/taxonomy.js';
import { THEMES_FILE } from '../repo-paths.js';

const ROUNDS = 5;

export interface DigestBenchFigures {
  readonly items: number;
  readonly stories: number;
  /** Median of the rounds, in seconds. */
  readonly readSeconds: number;
  readonly buildSeconds: number;
}

const SUMMARY =
  'Les chercheurs présentent une nouvelle méthode d’apprentissage fédéré pour les modèles de langage. ' +
  'Elle réduit les échanges entre les clients et le serveur sans dégrader la précision. ' +
  'Le code est publié sous licence libre. Les auteurs annoncent une version pour l’embarqué.';

function syntheticItem(index: number, start: number, spanMs: number): Item {
  return {
    id: `bench-${index}`,
    guid: `bench-${index}`,
    link: `https://example.org/article/${index}`,
    title: `Article ${index} : apprentissage fédéré et open source`,
    summary: index % 2 === 0 ? SUMMARY : `Résumé court ${index}.`,
    contentHtml: '<p>Contenu.</p>',
    author: null,
    publishedAt: new Date(start + ((index * 7919) % spanMs)).toISOString(),
    updatedAt: null,
    dateMissing: false,
    categories: [],
    language: index % 3 === 0 ? 'en' : 'fr',
    links: [],
    imageUrl: null,
  };
}

export async function benchDigest(count = 50_000, taxonomyFile = THEMES_FILE): Promise<DigestBenchFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'veille-digest-bench-'));
  try {
    const path = join(dir, 'veille.db');
    const themes = themeInfos(loadTaxonomy(taxonomyFile), 'fr');
    const range = weekRange({ year: 2026, week: 47 }, 'Europe/Paris');
    const span = range.end.getTime() - range.start.getTime();
    const store = Store.open(path);
    const sources = store.syncSources(
      Array.from({ length: 50 }, (_, i) => ({ url: `https://source${i}.example.org/feed.xml`, name: `Source ${i}`, lang: null })),
      range.end.toISOString(),
    );
    for (let s = 0; s < sources.length; s += 1) {
      const tagged = [];
      for (let index = s; index < count; index += sources.length) {
        const matches: ThemeMatch[] = [];
        for (let t = 0; t < themes.length; t += 1) {
          if ((index + t) % 4 === 0) matches.push({ id: themes[t]?.id ?? '', score: 0.5 + ((index + t) % 5) / 10, evidence: [] });
        }
        tagged.push({ item: syntheticItem(index, range.start.getTime(), span), themes: matches });
      }
      store.saveItems(sources[s]?.id ?? 0, tagged, range.end.toISOString());
    }
    store.close();

    const from = range.start.toISOString();
    const to = range.end.toISOString();
    const reads: number[] = [];
    const builds: number[] = [];
    let stories = 0;
    const db = openDatabase(path);
    const bare = db.prepare(
      'SELECT i.id, i.source_id, i.title, i.link, i.summary, i.language, i.published_at FROM items i WHERE i.published_at >= ? AND i.published_at < ?',
    );
    const bareThemes = db.prepare(
      'SELECT t.item_id, t.theme_id, t.score FROM items i JOIN item_themes t ON t.item_id = i.id WHERE i.published_at >= ? AND i.published_at < ?',
    );
    const reader = Store.open(path);
    for (let round = 0; round <= ROUNDS; round += 1) {
      let started = performance.now();
      const rows = bare.all(from, to);
      bareThemes.all(from, to);
      const read = (performance.now() - started) / 1000;
      started = performance.now();
      const digests = reader.digests();
      const issue = buildIssue(range, digests.itemsBetween(from, to, { texts: false }), {
        siteTitle: 'Veille IA',
        locale: siteLocale('fr', 'Europe/Paris'),
        themes,
        maxStoriesPerSection: 25,
        includeUnthemed: true,
        loadTexts: (ids) => digests.itemTexts(ids),
      });
      JSON.stringify(issue);
      const build = (performance.now() - started) / 1000;
      if (rows.length !== count || issue.storyCount !== count) throw new Error(`bench: expected ${count} items, read ${rows.length}, built ${issue.storyCount}`);
      stories = issue.storyCount;
      // Round 0 warms up the JIT and SQLite's page cache.
      if (round > 0) {
        reads.push(read);
        builds.push(build);
      }
    }
    reader.close();
    db.close();
    return { items: count, stories, readSeconds: median(reads), buildSeconds: median(builds) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** The bench runner's lines: build time against the bare read of the same rows. */
export async function printDigestBench(): Promise<void> {
  const figures = await benchDigest();
  console.log('');
  console.log(`digest: one issue from ${figures.items} items stored in one week (${figures.stories} stories), median of ${ROUNDS} runs`);
  console.log(`  baseline: SQLite read of the same rows and their themes: ${figures.readSeconds.toFixed(3)} s`);
  console.log(
    `  read + build the issue: ${figures.buildSeconds.toFixed(3)} s (${(figures.buildSeconds / figures.readSeconds).toFixed(1)}x the read); target < 1 s`,
  );
}
