// The configured sources: read from the config (a list, or an OPML file it names) and edited
// in place by `veille sources add|remove|import`, keeping the file's comments and layout.
import { readFileSync, statSync } from 'node:fs';
import type * as Yaml from 'yaml';
import { displayPath, loadConfig, parseConfig, type Config } from '../config/load-config.js';
import { VeilleError } from '../domain/errors.js';
import { configuredSourceKey } from '../domain/source-url.js';
import type { SourceSpec } from '../domain/types.js';
import { writeFileAtomic } from '../publish/atomic-write.js';
import { parseOpml, renderOpml, type OpmlSource } from '../publish/opml.js';
import { withFileLock } from '../system/file-lock.js';
import { lazyPackage } from '../system/lazy-package.js';

/** yaml, loaded by the first parse (issue 15): a run that reads the kept config and taxonomy parses no YAML. */
const yaml = lazyPackage<typeof Yaml>('yaml');

export function resolveSources(config: Config): SourceSpec[] {
  if (config.sources.kind === 'list') return [...config.sources.sources];
  return readOpmlFile(config.sources.file).map(toSpec);
}

export function readOpmlFile(file: string): OpmlSource[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new VeilleError('OPML_INVALID', `opml: cannot read ${displayPath(file)}: ${(cause as Error).message}`, { cause });
  }
  return parseOpml(text, displayPath(file));
}

export interface SourcesChange {
  readonly added: readonly SourceSpec[];
  readonly skipped: readonly SourceSpec[];
  readonly file: string;
}

/**
 * Adds sources not yet configured; returns which were added and which were already there.
 * Sources are compared by configuredSourceKey (`HTTP://Host:80/feed/#x` is `http://host/feed`). The
 * file is read again under its lock, so that two `sources add` at once both land.
 */
export async function addSources(config: Config, specs: readonly SourceSpec[], now: Date): Promise<SourcesChange> {
  return editLocked(config, 'sources add', async (latest) => {
    const current = new Set(resolveSources(latest).map((source) => configuredSourceKey(source.url)));
    const added: SourceSpec[] = [];
    const skipped: SourceSpec[] = [];
    for (const spec of specs) {
      const key = configuredSourceKey(spec.url);
      if (current.has(key)) skipped.push(spec);
      else {
        added.push(spec);
        current.add(key);
      }
    }
    if (added.length > 0) await editSources(latest, (sources) => [...sources, ...added], now);
    return { added, skipped, file: sourcesFile(latest) };
  });
}

/** Removes the sources with this URL (compared by configuredSourceKey); false when no such source is configured. */
export async function removeSource(config: Config, url: string, now: Date): Promise<boolean> {
  const key = configuredSourceKey(url);
  return editLocked(config, 'sources remove', async (latest) => {
    if (!resolveSources(latest).some((source) => configuredSourceKey(source.url) === key)) return false;
    await editSources(latest, (sources) => sources.filter((source) => configuredSourceKey(source.url) !== key), now);
    return true;
  });
}

/**
 * Runs `edit` holding the lock of the config file, on the config as it is on disk now: another
 * process may have changed it since `config` was loaded.
 */
async function editLocked<T>(config: Config, purpose: string, edit: (latest: Config) => Promise<T>): Promise<T> {
  return withFileLock(config.file, { purpose }, async () => edit(loadConfig(config.file)));
}

export function sourcesFile(config: Config): string {
  return config.sources.kind === 'opml' ? config.sources.file : config.file;
}

export function toOpmlSource(spec: SourceSpec, siteUrl: string | null = null): OpmlSource {
  return { url: spec.url, name: spec.name, lang: spec.lang, siteUrl, category: null };
}

function toSpec(source: OpmlSource): SourceSpec {
  return { url: source.url, name: source.name, lang: source.lang };
}

async function editSources(
  config: Config,
  change: (sources: readonly SourceSpec[]) => SourceSpec[],
  now: Date,
): Promise<void> {
  if (config.sources.kind === 'opml') {
    const file = config.sources.file;
    const existing = readOpmlFile(file);
    const next = change(existing.map(toSpec));
    const byUrl = new Map(existing.map((source) => [source.url, source]));
    const sources = next.map((spec) => byUrl.get(spec.url) ?? toOpmlSource(spec));
    await writeFileAtomic(file, renderOpml(config.site.title, sources, now), { mode: modeOf(file) });
    return;
  }
  const text = readFileSync(config.file, 'utf8');
  const document = yaml().parseDocument(text);
  const before = resolveSources(config);
  const after = change(before);
  const beforeUrls = new Set(before.map((source) => source.url));
  const afterUrls = new Set(after.map((source) => source.url));
  const removed = new Set([...beforeUrls].filter((url) => !afterUrls.has(url)));
  const addedSpecs = after.filter((source) => !beforeUrls.has(source.url));
  const updated = spliceSources(text, document, removed, addedSpecs) ?? rewriteSources(document, removed, addedSpecs);
  parseConfig(updated, config.file); // never write a config that would not load
  await writeFileAtomic(config.file, updated, { mode: modeOf(config.file) });
}

/** One source as a flow map, the way the shipped config writes them: `{ url: …, name: …, lang: … }`. */
function sourceEntry(spec: SourceSpec): Record<string, string> {
  const entry: Record<string, string> = { url: spec.url };
  if (spec.name) entry.name = spec.name;
  if (spec.lang) entry.lang = spec.lang;
  return entry;
}

/**
 * The config's text with its block list of sources changed line by line, every other byte kept
 * as written: the yaml library's printer would re-space the comments aligned in a column (issue
 * 17, finding 7). Null when the list is not a block list of entries each starting its own line.
 */
function spliceSources(text: string, document: Yaml.Document, removed: ReadonlySet<string>, added: readonly SourceSpec[]): string | null {
  const sequence = document.get('sources', true);
  const { Document, isMap, isSeq } = yaml();
  if (!isSeq(sequence) || sequence.flow === true || sequence.items.length === 0) return null;
  const lines: { start: number; end: number; indent: string; node: unknown }[] = [];
  for (const node of sequence.items) {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    if (!range) return null;
    const start = text.lastIndexOf('\n', range[0] - 1) + 1;
    const dash = /^([ \t]*)-[ \t]+$/.exec(text.slice(start, range[0]));
    if (dash === null) return null;
    const newline = text.indexOf('\n', Math.max(range[0], range[1] - 1));
    lines.push({ start, end: newline < 0 ? text.length : newline + 1, indent: dash[1] ?? '', node });
  }
  const last = lines.at(-1);
  if (last === undefined) return null;
  const edits: { at: number; end: number; insert: string }[] = [];
  if (added.length > 0) {
    const gap = last.end === text.length && !text.endsWith('\n') ? '\n' : '';
    const entries = added.map((spec) => {
      const entry = new Document(sourceEntry(spec));
      if (isMap(entry.contents)) entry.contents.flow = true;
      return `${last.indent}- ${entry.toString({ lineWidth: 0 }).trimEnd()}\n`;
    });
    edits.push({ at: last.end, end: last.end, insert: gap + entries.join('') });
  }
  for (const line of lines) {
    if (isMap(line.node) && removed.has(String((line.node as Yaml.YAMLMap).get('url')))) edits.push({ at: line.start, end: line.end, insert: '' });
  }
  if (added.length === 0 && edits.length === lines.length) return null; // an empty list is written `sources: []`
  let result = text;
  for (const edit of edits.sort((a, b) => b.at - a.at)) result = result.slice(0, edit.at) + edit.insert + result.slice(edit.end);
  return result;
}

/** The document printed again with the list changed: for a config whose list spliceSources cannot edit. */
function rewriteSources(document: Yaml.Document, removed: ReadonlySet<string>, added: readonly SourceSpec[]): string {
  const { isMap, isSeq } = yaml();
  let sequence = document.get('sources', true);
  if (!isSeq(sequence)) {
    sequence = document.createNode([]);
    document.set('sources', sequence);
  }
  if (!isSeq(sequence)) throw new VeilleError('INTERNAL', 'sources: cannot edit the sources list');
  sequence.items = sequence.items.filter((node) => !(isMap(node) && removed.has(String((node as Yaml.YAMLMap).get('url')))));
  for (const spec of added) {
    const node = document.createNode(sourceEntry(spec));
    node.flow = true;
    sequence.items.push(node);
  }
  return document.toString({ lineWidth: 0 });
}

/** The permissions of a file being replaced: a config kept private (it may hold a secret) stays so. */
function modeOf(file: string): number | undefined {
  try {
    return statSync(file).mode & 0o777;
  } catch {
    return undefined;
  }
}
