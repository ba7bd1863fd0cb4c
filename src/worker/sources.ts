// The configured sources: read from the config (a list, or an OPML file it names) and edited
// in place by `veille sources add|remove|import`, keeping the file's comments and layout.
import { readFileSync } from 'node:fs';
import { isMap, isSeq, parseDocument, type YAMLMap } from 'yaml';
import { displayPath, parseConfig, type Config } from '../config/load-config.js';
import { VeilleError } from '../domain/errors.js';
import type { SourceSpec } from '../domain/types.js';
import { writeFileAtomic } from '../publish/atomic-write.js';
import { parseOpml, renderOpml, type OpmlSource } from '../publish/opml.js';

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

/** Adds sources not yet configured (by URL); returns which were added and which were already there. */
export async function addSources(config: Config, specs: readonly SourceSpec[], now: Date): Promise<SourcesChange> {
  const current = new Set(resolveSources(config).map((source) => source.url));
  const added: SourceSpec[] = [];
  const skipped: SourceSpec[] = [];
  for (const spec of specs) {
    if (current.has(spec.url)) skipped.push(spec);
    else {
      added.push(spec);
      current.add(spec.url);
    }
  }
  if (added.length > 0) await editSources(config, (sources) => [...sources, ...added], now);
  return { added, skipped, file: sourcesFile(config) };
}

/** Removes the source with this URL; false when no such source is configured. */
export async function removeSource(config: Config, url: string, now: Date): Promise<boolean> {
  if (!resolveSources(config).some((source) => source.url === url)) return false;
  await editSources(config, (sources) => sources.filter((source) => source.url !== url), now);
  return true;
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
    await writeFileAtomic(file, renderOpml(config.site.title, sources, now));
    return;
  }
  const text = readFileSync(config.file, 'utf8');
  const document = parseDocument(text);
  const before = resolveSources(config);
  const after = change(before);
  const removed = new Set(before.filter((source) => !after.some((kept) => kept.url === source.url)).map((s) => s.url));
  const addedSpecs = after.filter((source) => !before.some((old) => old.url === source.url));
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
  await writeFileAtomic(config.file, updated);
}
