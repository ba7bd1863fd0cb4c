// What a reader of the data folder and the publish folder may find after a crash: every published
// file whole and valid, SQLite's integrity check ok, and only the leftovers listed here.
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import Database from 'better-sqlite3';
import { XMLValidator } from 'fast-xml-parser';

/** writeFileAtomic's temporary name: a dotfile (never served) with the writer's pid and a random tag. */
export const TEMPORARY_FILE = /^\.[^/]+\.\d+\.[0-9a-f]{12}\.tmp$/;

export interface SiteReport {
  /** Published files (not dotfiles), relative to the folder. */
  readonly files: string[];
  /** Temporary files left by a writer that died between open and rename. */
  readonly temporaries: string[];
  /** One line per file that is not whole and valid, or not expected there. */
  readonly problems: string[];
}

function listFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return []; // not published yet
  }
  return names.flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

/** Parses every file of the publish folder as a reader would: XML well-formed, JSON parses, HTML whole. */
export function checkPublishedFolder(dir: string): SiteReport {
  const files: string[] = [];
  const temporaries: string[] = [];
  const problems: string[] = [];
  for (const path of listFiles(dir)) {
    const name = relative(dir, path);
    const base = name.split('/').pop() ?? name;
    if (base.startsWith('.')) {
      if (TEMPORARY_FILE.test(base)) temporaries.push(name);
      else problems.push(`${name}: unexpected dotfile`);
      continue;
    }
    // A compressed form (issue 22) is served only when it decompresses to its plain file, which the
    // server checks; a torn or older one is a leftover no reader gets.
    if (/\.(xml|atom|opml|json|html)\.(br|gz)$/.test(name)) continue;
    files.push(name);
    const text = readFileSync(path, 'utf8');
    if (/\.(xml|atom|opml)$/.test(name)) {
      const valid = XMLValidator.validate(text);
      if (valid !== true) problems.push(`${name}: not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
    } else if (name.endsWith('.json')) {
      try {
        const feed = JSON.parse(text) as { version?: unknown; items?: unknown };
        if (typeof feed.version !== 'string' || !Array.isArray(feed.items)) problems.push(`${name}: not a JSON Feed`);
      } catch (error) {
        problems.push(`${name}: not JSON: ${(error as Error).message}`);
      }
    } else if (name.endsWith('.html')) {
      if (!/^<!DOCTYPE html>/i.test(text) || !/<\/html>\s*$/i.test(text)) problems.push(`${name}: not a whole HTML page`);
    } else {
      problems.push(`${name}: unexpected file`);
    }
  }
  return { files: files.sort(), temporaries, problems };
}

/**
 * `PRAGMA integrity_check` and `foreign_key_check` of the state file as the next veille would open
 * it (its write-ahead log replayed), checked on a copy so that the check itself, which checkpoints
 * the log on close, does not tidy up what the crash left for the next run.
 */
export function checkDatabase(path: string): { integrity: string; foreignKeyErrors: number } {
  const copy = mkdtempSync(join(tmpdir(), 'veille-db-check-'));
  try {
    for (const suffix of ['', '-wal']) {
      if (existsSync(`${path}${suffix}`)) copyFileSync(`${path}${suffix}`, join(copy, `${basename(path)}${suffix}`));
    }
    const db = new Database(join(copy, basename(path)), { fileMustExist: true });
    try {
      const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((row) => row.integrity_check).join('; ');
      const foreignKeyErrors = (db.pragma('foreign_key_check') as unknown[]).length;
      return { integrity, foreignKeyErrors };
    } finally {
      db.close();
    }
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}
