// The taxonomy file read as the last run read it: parsing its YAML costs a one-shot run 100 to
// 200 ms (issue 15), so its data is kept in the data folder under the hash of the text and of
// veille's version, and read back as JSON while the file is unchanged; a cache that cannot be read,
// written or used only costs the parse. The themes as compiled are kept beside the data: a run
// that tags nothing (every feed answered 304) reads them and never compiles the vocabularies (30
// to 150 ms), which the first item to tag does.
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTaxonomy, readTaxonomyFile, taxonomyData, type Taxonomy, type ThemeDefinition } from '../tag/taxonomy.js';
import { VERSION } from '../system/version.js';

/** The cache's file name in the data folder. */
export const TAXONOMY_CACHE_FILE = 'themes.cache.json';

export function loadTaxonomyCached(file: string, dataFolder: string): Taxonomy {
  const text = readTaxonomyFile(file);
  const key = createHash('sha256').update(`${VERSION}\n${text}`).digest('hex');
  const cacheFile = join(dataFolder, TAXONOMY_CACHE_FILE);
  const cached = readCache(cacheFile);
  if (cached?.key === key && Array.isArray(cached.themes)) {
    const { data } = cached;
    // Kept data edited by hand that no longer compiles: parsed from the file, as on a miss.
    return deferredTaxonomy(file, cached.themes as readonly ThemeDefinition[], () => {
      try {
        return parseTaxonomy(text, file, data);
      } catch {
        return parseTaxonomy(text, file);
      }
    });
  }
  const data = taxonomyData(text, file);
  const taxonomy = parseTaxonomy(text, file, data);
  try {
    const temporary = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify({ key, data, themes: taxonomy.themes }));
    renameSync(temporary, cacheFile);
  } catch {
    // A data folder not created yet, or read-only: the next run parses again.
  }
  return taxonomy;
}

/** A taxonomy whose themes are known and whose vocabularies are compiled when first read. */
function deferredTaxonomy(file: string, themes: readonly ThemeDefinition[], compile: () => Taxonomy): Taxonomy {
  let compiled: Taxonomy | null = null;
  const full = (): Taxonomy => (compiled ??= compile());
  return {
    themes,
    file,
    get languages() {
      return full().languages;
    },
    get sharedLanguages() {
      return full().sharedLanguages;
    },
    get categoryWeight() {
      return full().categoryWeight;
    },
    get terms() {
      return full().terms;
    },
    get exclusionTerms() {
      return full().exclusionTerms;
    },
    get compiled() {
      return full().compiled;
    },
    get categories() {
      return full().categories;
    },
    get learned() {
      return full().learned;
    },
  };
}

interface CacheEntry {
  readonly key: unknown;
  readonly data: unknown;
  readonly themes?: unknown;
}

function readCache(cacheFile: string): CacheEntry | null {
  try {
    const value = JSON.parse(readFileSync(cacheFile, 'utf8')) as unknown;
    return typeof value === 'object' && value !== null && 'key' in value && 'data' in value ? (value as CacheEntry) : null;
  } catch {
    return null;
  }
}
