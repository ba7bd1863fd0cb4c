// The configured sources: read from the config (a list, or an OPML file it names) and edited
// in place by `veille sources add|remove|import`, keeping the file's comments and layout.
import { readFileSync, statSync } from 'node:fs';
import { isMap, isSeq, parseDocument, type YAMLMap } from 'yaml';
import { displayPath, loadConfig, parseConfig, type Config } from '../config/load-config.js';
import { VeilleError } from '../domain/errors.js';
import { sourceUrlKey } from '../domain/source-url.js';
import type { SourceSpec } from '../domain/types.js';
import { writeFileAtomic } from '../publish/atomic-write.js';
import { parseOpml, renderOpml, type OpmlSource } from '../publish/opml.js';
import { withFileLock } from '../system/file-lock.js';

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
 * Sources are compared by sourceUrlKey (`HTTP://Host:80/feed#x` is `http://host/feed`). The
 * file is read again under its lock, so that two `sources add` at once both land.
 */
export async function addSources(config: Config, specs: readonly SourceSpec[], now: Date): Promise<SourcesChange> {
  return editLocked(config, 'sources add', async (latest) => {
    const current = new Set(resolveSources(latest).map((source) => sourceUrlKey(source.url)));
    const added: SourceSpec[] = [];
    const skipped: SourceSpec[] = [];
    for (const spec of specs) {
      const key = sourceUrlKey(spec.url);
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

/** Removes the sources with this URL (compared by sourceUrlKey); false when no such source is configured. */
export async function removeSource(config: Config, url: string, now: Date): Promise<boolean> {
  const key = sourceUrlKey(url);
  return editLocked(config, 'sources remove', async (latest) => {
    if (!resolveSources(latest).some((source) => sourceUrlKey(source.url) === key)) return false;
    await editSources(latest, (sources) => sources.filter((source) => sourceUrlKey(source.url) !== key), now);
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
  const document = parseDocument(text);
  const before = resolveSources(config);
  const after = change(before);
  const beforeUrls = new Set(before.map((source) => source.url));
  const afterUrls = new Set(after.map((source) => source.url));
  const removed = new Set([...beforeUrls].filter((url) => !afterUrls.has(url)));
  const addedSpecs = after.filter((source) => !beforeUrls.has(source.url));
  let sequence = document.get('sources', true);
  if (!isSeq(sequence)) {
    sequence = document.createNode([]);
    document.set('sources', sequence);
  }
  if (!isSeq(sequence)) throw new VeilleError('INTERNAL', 'sources: cannot edit the sources list');
  sequence.items = sequence.items.filter((node) => !(isMap(node) && removed.has(String((node as YAMLMap).get('url')))));
  for (const spec of addedSpecs) {
    const entry: Record<string, string> = { url: spec.url };
    if (spec.name) entry.name = spec.name;
    if (spec.lang) entry.lang = spec.lang;
    const node = document.createNode(entry);
    node.flow = true;
    sequence.items.push(node);
  }
  const updated = document.toString({ lineWidth: 0 });
  parseConfig(updated, config.file); // never write a config that would not load
  await writeFileAtomic(config.file, updated, { mode: modeOf(config.file) });
}

/** The permissions of a file being replaced: a config kept private (it may hold a secret) stays so. */
function modeOf(file: string): number | undefined {
  try {
    return statSync(file).mode & 0o777;
  } catch {
    return undefined;
  }
}
