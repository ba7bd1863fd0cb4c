// The taxonomy file read as the last run read it: parsing its YAML costs a one-shot run 100 to
// 200 ms (issue 15), so its data is kept in the data folder under the hash of the text and of
// veille's version, and read back as JSON while the file is unchanged. The data is validated and
// compiled again each time; a cache that cannot be read, written or used only costs the parse.
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTaxonomy, readTaxonomyFile, taxonomyData, type Taxonomy } from '../tag/taxonomy.js';
import { VERSION } from '../system/version.js';

/** The cache's file name in the data folder. */
export const TAXONOMY_CACHE_FILE = 'themes.cache.json';

export function loadTaxonomyCached(file: string, dataFolder: string): Taxonomy {
  const text = readTaxonomyFile(file);
  const key = createHash('sha256').update(`${VERSION}\n${text}`).digest('hex');
  const cacheFile = join(dataFolder, TAXONOMY_CACHE_FILE);
  const cached = readCache(cacheFile);
  if (cached?.key === key) {
    try {
      return parseTaxonomy(text, file, cached.data);
    } catch {
      // Edited by hand: parsed from the file below.
    }
  }
  const data = taxonomyData(text, file);
  const taxonomy = parseTaxonomy(text, file, data);
  try {
    const temporary = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify({ key, data }));
    renameSync(temporary, cacheFile);
  } catch {
    // A data folder not created yet, or read-only: the next run parses again.
  }
  return taxonomy;
}

function readCache(cacheFile: string): { readonly key: unknown; readonly data: unknown } | null {
  try {
    const value = JSON.parse(readFileSync(cacheFile, 'utf8')) as unknown;
    return typeof value === 'object' && value !== null && 'key' in value && 'data' in value ? (value as { key: unknown; data: unknown }) : null;
  } catch {
    return null;
  }
}
