// Reads config/veille.yaml into one frozen Config: defaults applied, paths resolved from the
// config file's folder, and every error reported with the file, line and key path.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import type * as Yaml from 'yaml';
import type { z } from 'zod';
import { describeFileError, VeilleError } from '../domain/errors.js';
import { siteLocale, type SiteLocale } from '../domain/site-locale.js';
import type { NotifyTarget } from '../domain/notify.js';
import type { SourceSpec } from '../domain/types.js';
import type { StorageLocation } from '../store/storage-location.js';
import { didYouMean } from '../system/did-you-mean.js';
import { configSchema, type ParsedConfig } from './schema.js';
import { DEFAULT_STORAGE_PATH, freezeDeep, readConfigCache, writeConfigCache } from './config-cache.js';
import { lazyPackage } from '../system/lazy-package.js';

/** yaml, loaded by the first parse (issue 15): a run that reads the kept config and taxonomy parses no YAML. */
const yaml = lazyPackage<typeof Yaml>('yaml');

export const DEFAULT_CONFIG_FILE = 'config/veille.yaml';

/** A config needs few aliases, if any; yaml's own default, said here so that it stays. */
const MAX_ALIAS_COUNT = 100;

export type SourceList =
  | { readonly kind: 'list'; readonly sources: readonly SourceSpec[] }
  | { readonly kind: 'opml'; readonly file: string };

export interface Config {
  /** Absolute path of the config file. */
  readonly file: string;
  readonly site: Readonly<ParsedConfig['site']>;
  readonly sources: SourceList;
  /** Absolute paths, resolved from the config file's folder. */
  readonly themesFile: string;
  /** The SQLite file; with storage.url, where the data folder (locks, caches) is. */
  readonly storagePath: string;
  /** Where the state is: storage.path (SQLite, the default) or storage.url (PostgreSQL). */
  readonly storage: StorageLocation;
  readonly publishDir: string;
  readonly maxItems: number;
  readonly server: Readonly<ParsedConfig['server']>;
  readonly schedule: Readonly<ParsedConfig['schedule']>;
  readonly fetch: Readonly<ParsedConfig['fetch']>;
  readonly email: Readonly<ParsedConfig['email']> & { readonly outbox: string };
  readonly digest: Readonly<ParsedConfig['digest']>;
  readonly translate: Readonly<ParsedConfig['translate']>;
  readonly processing: Readonly<ParsedConfig['processing']>;
  readonly log: Readonly<ParsedConfig['log']>;
  readonly fullText: Readonly<ParsedConfig['fullText']>;
  readonly summarize: Readonly<ParsedConfig['summarize']>;
  /** Webhooks for new stories (issue 21). */
  readonly notify: readonly NotifyTargetConfig[];
  /** publish.websub: the hubs declared in the published feeds, and subscriptions to sources' hubs (issue 21). */
  readonly websub: Readonly<ParsedConfig['publish']['websub']>;
  readonly subscribe: Readonly<ParsedConfig['subscribe']>;
  readonly roles: Readonly<ParsedConfig['roles']>;
}

export type NotifyTargetConfig = NotifyTarget & { readonly timeoutMs: number };

/** The words, numbers and dates readers see: `site.language` in `site.timezone`. */
export function localeOf(config: Pick<Config, 'site'>): SiteLocale {
  return siteLocale(config.site.language, config.site.timezone);
}

/** The config file to use: the option, else VEILLE_CONFIG, else config/veille.yaml. */
export function resolveConfigFile(option: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  return resolve(cwd, option ?? env.VEILLE_CONFIG ?? DEFAULT_CONFIG_FILE);
}

/**
 * The config last loaded, with the text it was parsed from: a one-shot run loads the file when the
 * command starts and again when its cycle starts (the sources, which `sources add` may have edited),
 * and the worker at each cycle; while the text is the same, the frozen Config is (issue 15: 20 ms).
 * A new process reads the config the last one validated from the data folder while the text is the
 * same (config-cache.ts).
 */
let lastLoaded: { readonly file: string; readonly text: string; readonly config: Config } | null = null;

export function loadConfig(file: string): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new VeilleError('CONFIG_NOT_FOUND', `config: cannot read ${displayPath(file)}: ${describeFileError(cause)}`, { cause });
  }
  if (lastLoaded?.file === file && lastLoaded.text === text) return lastLoaded.config;
  // Across processes: the config the last run validated from this text (config-cache.ts).
  let config = readConfigCache<Config>(file, text);
  if (config === null) {
    config = parseConfig(text, file);
    writeConfigCache(file, text, config);
  }
  lastLoaded = { file, text, config };
  return config;
}

export function parseConfig(text: string, file: string): Config {
  const shown = displayPath(file);
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const yamlError = document.errors[0];
  if (yamlError) {
    const position = lineCounter.linePos(yamlError.pos[0]);
    const where = `${shown}:${position.line}:${position.col}`;
    throw new VeilleError('CONFIG_INVALID', `config: ${where}: not valid YAML: ${firstLine(yamlError.message)}`);
  }
  let raw: unknown;
  try {
    raw = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (cause) {
    // yaml throws a ReferenceError when aliases (merge keys included) would expand more than
    // maxAliasCount times: a "billion laughs" that would take the memory (issue 13, finding 10).
    const what = cause instanceof ReferenceError ? `too many aliases (YAML aliases or merge keys expanding beyond ${MAX_ALIAS_COUNT})` : firstLine(String(cause));
    throw new VeilleError('CONFIG_INVALID', `config: ${shown}: not read: ${what}`, { cause });
  }
  const result = configSchema().safeParse(raw);
  if (!result.success) {
    const context: IssueContext = { raw, locate: (path) => locate(shown, document, lineCounter, path) };
    const lines = result.error.issues.flatMap((issue) => describeIssue(issue, [], context));
    throw new VeilleError('CONFIG_INVALID', `config: ${lines.join('\n')}`);
  }
  return freezeDeep(toConfig(result.data, file));
}

function toConfig(parsed: ParsedConfig, file: string): Config {
  const folder = dirname(file);
  const sources: SourceList = Array.isArray(parsed.sources)
    ? {
        kind: 'list',
        sources: parsed.sources.map((source) => ({
          url: source.url,
          name: source.name ?? null,
          lang: source.lang ?? null,
          ...(source.fullText === undefined ? {} : { fullText: source.fullText }),
        })),
      }
    : { kind: 'opml', file: resolve(folder, parsed.sources.opml) };
  return {
    file,
    site: parsed.site,
    sources,
    themesFile: resolve(folder, parsed.themes),
    storagePath: resolve(folder, parsed.storage.path ?? DEFAULT_STORAGE_PATH),
    storage:
      parsed.storage.url === undefined
        ? { kind: 'sqlite', path: resolve(folder, parsed.storage.path ?? DEFAULT_STORAGE_PATH) }
        : { kind: 'postgres', url: parsed.storage.url, passwordEnv: parsed.storage.passwordEnv ?? null },
    publishDir: resolve(folder, parsed.publish.dir),
    maxItems: parsed.publish.maxItems,
    server: parsed.server,
    schedule: parsed.schedule,
    fetch: parsed.fetch,
    email: { ...parsed.email, outbox: resolve(folder, parsed.email.outbox) },
    digest: parsed.digest,
    translate: parsed.translate,
    processing: parsed.processing,
    log: parsed.log,
    fullText: parsed.fullText,
    summarize: parsed.summarize,
    notify: parsed.notify.map((target) => ({
      name: target.name,
      url: target.url,
      format: target.format,
      themes: target.themes ?? null,
      secretEnv: target.secretEnv,
      tokenEnv: target.tokenEnv ?? null,
      onNewSource: target.onNewSource,
      allowPrivate: target.allowPrivate,
      timeoutMs: target.timeoutMs,
    })),
    websub: parsed.publish.websub,
    subscribe: parsed.subscribe,
    roles: parsed.roles,
  };
}

function describeIssue(
  issue: z.core.$ZodIssue,
  prefix: readonly (string | number)[],
  context: IssueContext,
): string[] {
  const path = [...prefix, ...issue.path.filter((part): part is string | number => typeof part !== 'symbol')];
  if (issue.code === 'unrecognized_keys') {
    const known = keysAt(configSchema(), path);
    return issue.keys.map((key) => `${context.locate([...path, key])}: ${formatPath([...path, key])}: unknown key${didYouMean(key, known)}`);
  }
  if (issue.code === 'invalid_union') {
    // Explain the branch the user evidently meant: a list, or a { opml: FILE } map.
    const value = valueAt(context.raw, path);
    const branch = Array.isArray(value) ? issue.errors[0] : value && typeof value === 'object' ? issue.errors[1] : undefined;
    if (branch && branch.length > 0) return branch.flatMap((inner) => describeIssue(inner, path, context));
  }
  return [`${context.locate(path)}: ${formatPath(path) || '(top level)'}: ${describeExpectation(issue, valueAt(context.raw, path))}`];
}

interface IssueContext {
  readonly raw: unknown;
  readonly locate: (path: readonly (string | number)[]) => string;
}

function describeExpectation(issue: z.core.$ZodIssue, value: unknown): string {
  if (issue.code === 'invalid_type') {
    if (value === undefined) return `missing, expected ${issue.expected}`;
    return `expected ${issue.expected}, got ${typeOf(value)}`;
  }
  if (issue.code === 'invalid_value') return `expected one of ${issue.values.map((item) => JSON.stringify(item)).join(', ')}`;
  if (issue.code === 'invalid_union') return 'expected a list of sources or { opml: FILE }';
  if (issue.code === 'too_small') {
    const bound = issue.inclusive === false ? 'more than' : 'at least';
    return `expected ${bound} ${String(issue.minimum)}${issue.origin === 'string' ? ' character(s)' : ''}`;
  }
  if (issue.code === 'too_big') return `expected ${issue.inclusive === false ? 'less than' : 'at most'} ${String(issue.maximum)}`;
  return issue.message;
}

/** Zod's description of a schema, as far as keysAt reads it. */
interface SchemaDef {
  readonly type?: string;
  readonly shape?: Readonly<Record<string, unknown>>;
  readonly innerType?: unknown;
  readonly in?: unknown;
  readonly element?: unknown;
  readonly options?: readonly unknown[];
}

function defOf(schema: unknown): SchemaDef {
  return ((schema as { _zod?: { def?: SchemaDef } } | null)?._zod?.def ?? {}) as SchemaDef;
}

/**
 * The keys the schema takes at `path` (a map's keys, for "did you mean"; issue 17, finding 8):
 * through defaults, optionals and pipes, list elements, and the branches of a union.
 */
function keysAt(schema: unknown, path: readonly (string | number)[]): string[] {
  let def = defOf(schema);
  for (let depth = 0; depth < 16 && (def.innerType !== undefined || (def.type === 'pipe' && def.in !== undefined)); depth += 1) {
    def = defOf(def.innerType ?? def.in);
  }
  if (def.type === 'union') return [...new Set((def.options ?? []).flatMap((option) => keysAt(option, path)))];
  const [head, ...rest] = path;
  if (head === undefined) return def.type === 'object' ? Object.keys(def.shape ?? {}) : [];
  if (def.type === 'array' && typeof head === 'number') return keysAt(def.element, rest);
  if (def.type === 'object' && typeof head === 'string' && def.shape?.[head] !== undefined) return keysAt(def.shape[head], rest);
  return [];
}

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let value = root;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[part];
  }
  return value;
}

/** "file:line" of the key at `path` when the YAML has it, else the file alone. */
function locate(
  shown: string,
  document: Yaml.Document,
  lineCounter: Yaml.LineCounter,
  path: readonly (string | number)[],
): string {
  for (let length = path.length; length > 0; length -= 1) {
    const node = document.getIn(path.slice(0, length), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) return `${shown}:${lineCounter.linePos(node.range[0]).line}`;
  }
  return shown;
}

export function formatPath(path: readonly (string | number)[]): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${part}` : part), '');
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

export function displayPath(file: string): string {
  const shown = relative(process.cwd(), file);
  return shown === '' || shown.startsWith('..') ? file : shown;
}
