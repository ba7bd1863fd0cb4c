// The config as the last run validated it, kept in the data folder (issue 15): parsing the YAML of
// 200 sources and validating it with zod costs a one-shot `veille run` 50 to 120 ms, most of a cycle
// whose feeds all answer 304. The entry is used only for the same text of the same file, read by
// the same veille (version, schema and loader code), Node and core count (the processing threads'
// default); anything else, an entry edited by hand, or one that cannot be read, costs the full
// validation and nothing more. The data folder is found in the text before it is parsed (a line
// scan: `storage.path`, or the default), and an entry is written only where the full parse agrees.
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { VERSION } from '../system/version.js';

/** What is kept: load-config.ts's Config (not imported here, which would make a circle of imports). */
interface KeptConfig {
  readonly file: string;
  readonly storagePath: string;
}

/** The entry's file name in the data folder. */
export const CONFIG_CACHE_FILE = 'config.cache.json';

/** storage.path when the config names none, from the config file's folder (the schema's default). */
export const DEFAULT_STORAGE_PATH = '../data/veille.db';

/** The modules whose code makes a Config from the text: a rebuilt veille of the same version is another reader. */
const CODE_FILES = ['schema', 'load-config'];

let codeFingerprint: string | null = null;

/** The key of `text` read from `file` by this veille, on this Node and machine. */
export function configCacheKey(file: string, text: string): string {
  codeFingerprint ??= readCode();
  return createHash('sha256')
    .update(JSON.stringify([VERSION, process.version, availableParallelism(), codeFingerprint, file]))
    .update('\n')
    .update(text)
    .digest('hex');
}

function readCode(): string {
  const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const hash = createHash('sha256');
  for (const name of CODE_FILES) {
    try {
      // From the folder above: this code also runs from the bundle (dist/bundle/, scripts/bundle.mjs), beside no schema.js.
      hash.update(readFileSync(new URL(`../config/${name}${extension}`, import.meta.url)));
    } catch {
      hash.update(`(${name}: unreadable)`);
    }
  }
  return hash.digest('hex');
}

/** The validated config kept for `text` of `file`, or null (none, another key, or not a kept entry). */
export function readConfigCache<T extends KeptConfig>(file: string, text: string): T | null {
  const folder = dataFolderNamedBy(text, file);
  if (folder === null) return null;
  let entry: unknown;
  try {
    entry = JSON.parse(readFileSync(join(folder, CONFIG_CACHE_FILE), 'utf8'));
  } catch {
    return null;
  }
  if (!isRecord(entry) || entry.key !== configCacheKey(file, text) || typeof entry.digest !== 'string') return null;
  const { config } = entry;
  // The digest of the kept config: an entry edited by hand (a wrong shape, a wrong value) is not used.
  if (!isRecord(config) || digestOf(config) !== entry.digest) return null;
  if (config.file !== file || typeof config.storagePath !== 'string' || dirname(config.storagePath) !== folder) return null;
  return freezeDeep(config as unknown as T);
}

/**
 * Keeps `config`, validated from `text`, in its data folder when that folder exists and the line
 * scan finds it; written atomically (a temporary file renamed), and never an error: a folder not
 * made yet or read-only means the next run validates again.
 */
export function writeConfigCache(file: string, text: string, config: KeptConfig): void {
  const folder = dirname(config.storagePath);
  if (dataFolderNamedBy(text, file) !== folder) return;
  const cacheFile = join(folder, CONFIG_CACHE_FILE);
  const temporary = `${cacheFile}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, JSON.stringify({ key: configCacheKey(file, text), digest: digestOf(config), config }));
    renameSync(temporary, cacheFile);
  } catch {
    try {
      unlinkSync(temporary);
    } catch {
      // never written
    }
  }
}

function digestOf(config: object): string {
  return createHash('sha256').update(JSON.stringify(config)).digest('hex');
}

/**
 * The data folder `text` names, from its `storage:` key alone (`storage: { path: P }` on one line,
 * or `path: P` in the block under it; the default without the key), or null when the text says
 * it some other way (the full parse then decides, and nothing is kept). One pass over the lines.
 */
export function dataFolderNamedBy(text: string, file: string): string | null {
  const lines = text.split('\n');
  const starts = lines.flatMap((line, index) => (line.startsWith('storage:') ? [index] : []));
  if (starts.length > 1) return null;
  const start = starts[0];
  let path: string | null = DEFAULT_STORAGE_PATH;
  if (start !== undefined) {
    const inline = withoutComment((lines[start] ?? '').slice('storage:'.length)).trim();
    const entries = inline === '' ? blockEntries(lines, start + 1) : flowEntries(inline);
    if (entries === null) return null;
    const named = entries.get('path');
    if (named === null) return null;
    if (named !== undefined) path = named;
  }
  return path === '' ? null : dirname(resolve(dirname(file), path));
}

/** The `key: value` lines indented under a block key, up to the next line at the margin. */
function blockEntries(lines: readonly string[], from: number): Map<string, string | null> | null {
  const entries = new Map<string, string | null>();
  for (let index = from; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    if (!line.startsWith(' ')) break;
    const entry = keyValue(withoutComment(line).trim());
    if (entry === null) return null;
    entries.set(entry[0], entry[1]);
  }
  return entries;
}

/** `{ key: value, … }` on one line, with no quoted commas or braces. */
function flowEntries(inline: string): Map<string, string | null> | null {
  if (!inline.startsWith('{') || !inline.endsWith('}')) return null;
  const entries = new Map<string, string | null>();
  for (const part of inline.slice(1, -1).split(',')) {
    if (part.trim() === '') continue;
    const entry = keyValue(part.trim());
    if (entry === null) return null;
    entries.set(entry[0], entry[1]);
  }
  return entries;
}

/** [key, value] of `key: value` with a plain or simply quoted value; the value null when it is written some other way. */
function keyValue(entry: string): [string, string | null] | null {
  const colon = entry.indexOf(': ');
  if (colon <= 0) return null;
  const key = entry.slice(0, colon).trim();
  const value = entry.slice(colon + 2).trim();
  const quote = value[0];
  if (quote === '"' || quote === "'") {
    const inner = value.slice(1, -1);
    const simple = value.length >= 2 && value.endsWith(quote) && !inner.includes(quote) && !inner.includes('\\');
    return [key, simple ? inner : null];
  }
  const plain = value !== '' && !/["'{}[\]&*!|>%@`]/.test(value);
  return [key, plain ? value : null];
}

/** The line up to a ` #` comment (a `#` inside quotes makes the value unreadable to the scan, not wrong: see keyValue). */
function withoutComment(line: string): string {
  const at = line.indexOf(' #');
  return at < 0 ? line : line.slice(0, at);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function freezeDeep<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) freezeDeep(child);
  }
  return value;
}
