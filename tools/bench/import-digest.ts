// `node build/tools/bench/import-digest.js DB…`: what an import stored, as one hash per part, so that
// a change made for speed (issue 15) shows it stores the same as before: run the same first import
// (bench:peers' feeds, VEILLE_NOW fixed) with the old and the new build and compare the lines.
//   items    every stored item's fields, sorted by id (the times of the cycle included)
//   themes   every item's themes, with scores and evidence
//   stories  the partition of items into stories: each story as its sorted item ids (story ids and
//            their order depend on which feed answered first, which 16 concurrent fetches do not fix)
//   sources  what each source kept of its feed (title, site, hints, body hash)
import { createHash } from 'node:crypto';
import { openSqlite } from '../../src/store/database.js';

const PARTS: Readonly<Record<string, string>> = {
  items:
    'SELECT id, guid, link, title, summary, content_html, author, published_at, updated_at, date_missing, categories, language, links, ' +
    'image_url, content_hash, first_seen_at, last_seen_at, changed_at, hex(text_signature) AS signature, raw_hash FROM items ORDER BY id',
  themes: 'SELECT item_id, theme_id, score, evidence FROM item_themes ORDER BY item_id, theme_id',
  sources: 'SELECT key, site_url, feed_title, feed_hints, body_hash FROM sources ORDER BY key',
};

/** One line per part: its name, its row count and the first 16 hex digits of the rows' SHA-256. */
function digestImport(path: string): string[] {
  const db = openSqlite(path);
  try {
    const lines = Object.entries(PARTS).map(([name, sql]) => {
      const rows = db.prepare(sql).all();
      return `${name} ${rows.length} ${hashOf(rows)}`;
    });
    const members = db.prepare<[], { story_id: number | null; id: string }>('SELECT story_id, id FROM items ORDER BY id').all();
    const stories = new Map<number | null, string[]>();
    for (const { story_id: story, id } of members) {
      const list = stories.get(story) ?? [];
      list.push(id);
      stories.set(story, list);
    }
    const partition = [...stories.values()].map((ids) => ids.join(',')).sort();
    lines.push(`stories ${partition.length} ${hashOf(partition)}`);
    return lines;
  } finally {
    db.close();
  }
}

function hashOf(rows: readonly unknown[]): string {
  const hash = createHash('sha256');
  for (const row of rows) hash.update(JSON.stringify(row)).update('\n');
  return hash.digest('hex').slice(0, 16);
}

const paths = process.argv.slice(2);
if (paths.length === 0) throw new Error('import-digest: give the path of one store (veille.db) or more');
for (const path of paths) process.stdout.write(`${path}\n${digestImport(path).map((line) => `  ${line}\n`).join('')}`);
