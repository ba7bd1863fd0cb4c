// The taxonomy file read as the last run read it: parsing its YAML costs a one-shot run 100 to
// 200 ms (issue 15), so its data is kept in the data folder under the hash of the text and of
// veille's version, and read back as JSON while the file is unchanged; a cache that cannot be read,
// written or used only costs the parse. The themes as compiled are kept beside the data: a run
// that tags nothing (every feed answered 304) reads them and never compiles the vocabularies (30
// to 150 ms), which the first item to tag does. The data of the taxonomy veille ships is written
// when veille is built (writeShippedTaxonomy): a first run on a new data folder reads it as JSON.
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTaxonomy, readTaxonomyFile, taxonomyData, type Taxonomy, type ThemeDefinition } from '../tag/taxonomy.js';
import { VERSION } from '../system/version.js';

/** The cache's file name in the data folder. */
export const TAXONOMY_CACHE_FILE = 'themes.cache.json';

/**
 * The taxonomy veille ships, and its data as `npm run build` writes it beside this module (dist/app/):
 * a first import on a new data folder parsed its 60 KB of YAML with the yaml package's document
 * (issue 15: loading the shipped themes after the config's parse, compiling included, took 405–470 ms
 * of CPU in a new process, 145–210 ms read from this data; six alternating runs each). Read only for
 * the same text and version (the cache's key).
 */
export const SHIPPED_TAXONOMY = {
  file: fileURLToPath(new URL('../../config/themes.yaml', import.meta.url)),
  // From dist/app/ and from the CLI's bundle (dist/bundle/, scripts/bundle.mjs) alike.
  data: fileURLToPath(new URL('../app/shipped-taxonomy.json', import.meta.url)),
} as const;

export function loadTaxonomyCached(file: string, dataFolder: string, shippedData: string = SHIPPED_TAXONOMY.data): Taxonomy {
  const text = readTaxonomyFile(file);
  const key = keyOf(text);
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
  // The shipped data if it is this text's; data that does not compile (edited by hand) is parsed again.
  const shipped = readCache(shippedData);
  let data: unknown = shipped?.key === key ? shipped.data : undefined;
  let taxonomy = data === undefined ? null : parsedOrNull(text, file, data);
  if (taxonomy === null) {
    data = taxonomyData(text, file);
    taxonomy = parseTaxonomy(text, file, data);
  }
  try {
    const temporary = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify({ key, data, themes: taxonomy.themes }));
    renameSync(temporary, cacheFile);
  } catch {
    // A data folder not created yet, or read-only: the next run parses again.
  }
  return taxonomy;
}

/**
 * Writes the data of the shipped taxonomy where loadTaxonomyCached reads it: run by `npm run build`
 * once the modules are compiled. Its key is that of the text, so that an edited file is parsed. A
 * file that cannot be read as YAML writes nothing (false): the build goes on, and a run says what is wrong.
 */
export function writeShippedTaxonomy(file: string = SHIPPED_TAXONOMY.file, target: string = SHIPPED_TAXONOMY.data): boolean {
  rmSync(target, { force: true });
  let written: string;
  try {
    const text = readTaxonomyFile(file);
    written = JSON.stringify({ key: keyOf(text), data: taxonomyData(text, file) });
  } catch {
    return false;
  }
  writeFileSync(target, written);
  return true;
}

function parsedOrNull(text: string, file: string, data: unknown): Taxonomy | null {
  try {
    return parseTaxonomy(text, file, data);
  } catch {
    return null;
  }
}

/** The key of a taxonomy's text as this veille reads it. */
function keyOf(text: string): string {
  return createHash('sha256').update(`${VERSION}\n${text}`).digest('hex');
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
