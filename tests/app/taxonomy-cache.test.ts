// The taxonomy's YAML is parsed once per change of the file (issue 15: 100 to 200 ms of each
// one-shot run): its data is kept in the data folder and read back while the file is unchanged.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadTaxonomyCached, SHIPPED_TAXONOMY, TAXONOMY_CACHE_FILE, writeShippedTaxonomy } from '../../src/app/taxonomy-cache.js';
import { loadTaxonomy, parseTaxonomy, taxonomyData } from '../../src/tag/taxonomy.js';

// parseTaxonomy counted: it compiles the vocabularies; taxonomyData: it parses the YAML.
vi.mock('../../src/tag/taxonomy.js', async (original) => {
  const actual = await original<typeof import('../../src/tag/taxonomy.js')>();
  return { ...actual, parseTaxonomy: vi.fn(actual.parseTaxonomy), taxonomyData: vi.fn(actual.taxonomyData) };
});

const themesYaml = (label: string): string =>
  `version: 1\nthemes:\n  - id: events\n    label: ${label}\n    definition: Défini.\n    vocabulary: { en: [workshop] }\n`;

describe('the taxonomy cache', () => {
  let dir: string;
  let file: string;
  let data: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'veille-taxonomy-cache-'));
    file = join(dir, 'themes.yaml');
    data = join(dir, 'data');
    writeFileSync(file, themesYaml('Événements'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the file as the YAML says, then from the kept data while the file is unchanged', () => {
    // No data folder yet: parsed, nothing kept, nothing fails.
    expect(loadTaxonomyCached(file, data)).toEqual(loadTaxonomy(file));
    expect(existsSync(join(data, TAXONOMY_CACHE_FILE))).toBe(false);
    const first = loadTaxonomyCached(file, dir);
    expect(existsSync(join(dir, TAXONOMY_CACHE_FILE))).toBe(true);
    // The kept themes are what the second run reads: a label changed there shows (the file is the same).
    const kept = JSON.parse(readFileSync(join(dir, TAXONOMY_CACHE_FILE), 'utf8')) as { key: string; themes: { label: string }[] };
    kept.themes[0]!.label = 'Lu du cache';
    writeFileSync(join(dir, TAXONOMY_CACHE_FILE), JSON.stringify(kept));
    expect(loadTaxonomyCached(file, dir).themes[0]?.label).toBe('Lu du cache');
    expect(first.themes[0]?.label).toBe('Événements');
  });

  it('an edited file, or kept data that no longer validates, is parsed again from the file', () => {
    loadTaxonomyCached(file, dir);
    writeFileSync(file, themesYaml('Rencontres'));
    expect(loadTaxonomyCached(file, dir).themes[0]?.label).toBe('Rencontres');
    const kept = JSON.parse(readFileSync(join(dir, TAXONOMY_CACHE_FILE), 'utf8')) as { key: string; data: { themes: unknown } };
    kept.data.themes = 'broken';
    writeFileSync(join(dir, TAXONOMY_CACHE_FILE), JSON.stringify(kept));
    expect(loadTaxonomyCached(file, dir).themes[0]?.label).toBe('Rencontres');
  });

  it('read from the kept data, the vocabularies are compiled when first read, once (a run that tags nothing compiles none)', () => {
    const parsed = loadTaxonomyCached(file, dir);
    vi.mocked(parseTaxonomy).mockClear();
    const kept = loadTaxonomyCached(file, dir);
    expect(kept.themes).toEqual(parsed.themes);
    expect(kept.file).toBe(parsed.file);
    expect(parseTaxonomy).not.toHaveBeenCalled();
    expect(kept.compiled).toEqual(parsed.compiled);
    expect(kept).toEqual(parsed);
    expect(parseTaxonomy).toHaveBeenCalledTimes(1);
  });

  // Issue 15: a first import on a new data folder parsed the shipped taxonomy's 60 KB of YAML.
  it('a new data folder reads the data written for the same text when veille was built, and parses no YAML', () => {
    const shipped = join(dir, 'shipped-taxonomy.json');
    writeShippedTaxonomy(file, shipped);
    vi.mocked(taxonomyData).mockClear();
    const taxonomy = loadTaxonomyCached(file, data, shipped);
    expect(taxonomyData).not.toHaveBeenCalled();
    expect(taxonomy).toEqual(loadTaxonomy(file));
  });

  it('data written for another text, or that does not compile, is not used: the file is parsed', () => {
    const shipped = join(dir, 'shipped-taxonomy.json');
    writeShippedTaxonomy(file, shipped);
    writeFileSync(file, themesYaml('Rencontres'));
    expect(loadTaxonomyCached(file, data, shipped).themes[0]?.label).toBe('Rencontres');
    writeShippedTaxonomy(file, shipped);
    const written = JSON.parse(readFileSync(shipped, 'utf8')) as { key: string; data: { themes: unknown } };
    written.data.themes = 'broken';
    writeFileSync(shipped, JSON.stringify(written));
    vi.mocked(taxonomyData).mockClear();
    expect(loadTaxonomyCached(file, data, shipped).themes[0]?.label).toBe('Rencontres');
    expect(taxonomyData).toHaveBeenCalledTimes(1);
  });

  it('a file that is not YAML writes no data (the build goes on) and removes data written before', () => {
    const shipped = join(dir, 'shipped-taxonomy.json');
    expect(writeShippedTaxonomy(file, shipped)).toBe(true);
    writeFileSync(file, 'version: 1\nthemes: [\n');
    expect(writeShippedTaxonomy(file, shipped)).toBe(false);
    expect(existsSync(shipped)).toBe(false);
  });

  it("the shipped taxonomy's data is written beside the compiled module, from config/themes.yaml", () => {
    expect(SHIPPED_TAXONOMY.file).toBe(join(fileURLToPath(new URL('../..', import.meta.url)), 'config', 'themes.yaml'));
    expect(SHIPPED_TAXONOMY.data).toBe(join(fileURLToPath(new URL('../../src/app', import.meta.url)), 'shipped-taxonomy.json'));
  });

  it('a problem in the file is still told with its line', () => {
    writeFileSync(file, 'version: 1\nthemes:\n  - id: events\n    label: 3\n');
    expect(() => loadTaxonomyCached(file, dir)).toThrow(/themes\.yaml:\d+: themes\[0\]/);
  });
});
