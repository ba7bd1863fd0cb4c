// The composition root: what one veille process works with, built once from the config (the
// store under the data folder's lock, the taxonomy, clock, logger, site locale, fetch policies,
// translator and tagger) and handed to the use cases, which build none of it themselves.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { localeOf, type Config } from '../config/load-config.js';
import type { Clock, Logger } from '../domain/ports.js';
import type { SiteLocale } from '../domain/site-locale.js';
import type { SourceSpec } from '../domain/types.js';
import type { FetchPolicy } from '../fetch/fetch-feed.js';
import { expectedLanguages } from '../language/item-language.js';
import { acquireLock, writeStepPath } from '../store/lock.js';
import { withFileLock, type FileLockOwner } from '../system/file-lock.js';
import { VeilleError } from '../domain/errors.js';
import { diskFullError, isDiskFull } from '../store/disk-full.js';
import { Store } from '../store/store.js';
import { createTagger, type Tagger } from '../tag/tagger.js';
import type { Taxonomy } from '../tag/taxonomy.js';
import { loadTaxonomyCached } from './taxonomy-cache.js';
import type { Translator } from '../translate/translator.js';
import { fetchPolicyFor } from './fetch-policy.js';
import { userAgentFor } from '../system/version.js';
import { configuredTranslator } from './translator.js';
import type { Summarizer } from '../summarize/summarizer.js';
import { configuredSummarizer } from './summarizer.js';

/** What the process brings: the clock (VEILLE_NOW), the environment (keys, passwords) and where logs go. */
export interface AppOptions {
  readonly clock: Clock;
  readonly env: NodeJS.ProcessEnv;
  readonly logger: Logger;
}

/** What the config alone gives: nothing opened, nothing locked (`sources add`, `status`). */
export interface AppSettings extends AppOptions {
  readonly config: Config;
  readonly locale: SiteLocale;
  readonly userAgent: string;
  /**
   * `trusted` for the URLs of the user's config (they may point anywhere, loopback included);
   * `untrusted` for URLs found elsewhere, such as a feed link in a web page (fetch.allowPrivateHosts).
   */
  readonly fetchPolicy: { readonly trusted: FetchPolicy; readonly untrusted: FetchPolicy };
}

/** The tagger and the languages detection chooses among (the language stage and the tagger alike). */
export interface Tagging {
  readonly tagger: Tagger;
  readonly languages: readonly string[];
}

/** Everything a processing command (run, start, digest, retag) works with. */
export interface App extends AppSettings {
  readonly store: Store;
  readonly taxonomy: Taxonomy;
  /**
   * Built on first read and kept for the process: null with provider none, or when the key is not
   * in the environment (said once in the log). A command that never translates never builds it.
   */
  readonly translator: Translator | null;
  /** The résumé writer (issue 16), built on first read: null with summarize.provider none or without its key. */
  readonly summarizer: Summarizer | null;
  /**
   * The tagger for these sources' languages (the site's, English and the sources' own). The sources
   * are read again each cycle; the tagger is built again only when their languages change.
   */
  tagging(sources: readonly SourceSpec[]): Tagging;
  /**
   * Runs one write step (a cycle, a digest, a retag) while no other process on the data folder
   * (on a PostgreSQL store: on the database, from any machine) runs one: waits for the running
   * one (said once through onStepWait), never refuses; `signal` (PostgreSQL) ends the wait.
   */
  exclusive<T>(purpose: string, work: () => Promise<T>, options?: { readonly signal?: AbortSignal }): Promise<T>;
  /** Closes the store and releases the data folder's lock. */
  close(): void;
}

/** How long a write step waits for another process's: a cycle of hundreds of feeds, a digest sent to many. */
export const STEP_WAIT_MS = 60 * 60_000;

export interface OpenAppOptions extends AppOptions {
  /** Names the holder of the locks ("start", "digest"). */
  readonly command: string;
  /** The worker: holds the data folder's lock for its life (one worker per folder). */
  readonly worker?: boolean;
  /** Told once when a write step waits for another process's (default: an info log line). */
  readonly onStepWait?: (holder: FileLockOwner) => void;
}

export function configureApp(config: Config, options: AppOptions): AppSettings {
  const userAgent = userAgentFor(config);
  return {
    config,
    clock: options.clock,
    env: options.env,
    logger: options.logger,
    locale: localeOf(config),
    userAgent,
    fetchPolicy: {
      trusted: fetchPolicyFor(config, userAgent, { untrusted: false }),
      untrusted: fetchPolicyFor(config, userAgent, { untrusted: true }),
    },
  };
}

/**
 * Opens the app of a processing command: the taxonomy first (a bad one costs nothing), then, for
 * the worker, the data folder's lock, then the store. Readers never wait (SQLite in WAL mode);
 * writes take turns through `exclusive`.
 */
export function openApp(config: Config, options: OpenAppOptions): App {
  // The data folder holds the locks and caches; a SQLite store makes it, a PostgreSQL one does not.
  mkdirSync(dirname(config.storagePath), { recursive: true });
  const taxonomy = loadTaxonomyCached(config.themesFile, dirname(config.storagePath));
  const lock = options.worker === true ? acquireLock(config.storagePath, options.command, options.clock.now()) : null;
  let store: Store;
  try {
    store = Store.open(config.storage);
  } catch (error) {
    lock?.release();
    throw error;
  }
  const onWait =
    options.onStepWait ??
    ((holder: FileLockOwner) => options.logger.info({ pid: holder.pid, step: holder.purpose }, `waiting for the running ${holder.purpose} to finish`));
  return composeApp(configureApp(config, options), {
    store,
    taxonomy,
    // PostgreSQL: processes on other machines too (issue 20), through the database; SQLite: the data folder's lock.
    exclusive: (purpose, work, step) =>
      config.storage.kind === 'postgres'
        ? store.withStepLock({ purpose, timeoutMs: STEP_WAIT_MS, since: options.clock.now().toISOString(), onWait, ...(step?.signal ? { signal: step.signal } : {}) }, work)
        : withFileLock(
            writeStepPath(config.storagePath),
            { purpose, timeoutMs: STEP_WAIT_MS, since: options.clock.now().toISOString(), onWait, cannotCreate: lockFileError },
            work,
          ),
    close: () => {
      try {
        store.close();
      } finally {
        lock?.release();
      }
    },
  });
}

/** A tagger made when it first tags. */
function deferredTagger(create: () => Tagger): Tagger {
  let tagger: Tagger | null = null;
  return { tag: (input) => (tagger ??= create()).tag(input) };
}

/** A write step's lock file that cannot be written: a full disk named as such (store/disk-full.ts). */
function lockFileError(error: unknown, lockPath: string): Error {
  return isDiskFull(error)
    ? diskFullError(error, dirname(lockPath), `creating the lock ${lockPath}`)
    : new VeilleError('STORE_FAILED', `store: cannot create the lock ${lockPath}: ${(error as Error).message}`, { cause: error });
}

/** The app around a store and taxonomy already open (openApp; tests and tools with their own store). */
export function composeApp(
  settings: AppSettings,
  parts: {
    readonly store: Store;
    readonly taxonomy: Taxonomy;
    readonly close?: () => void;
    /** Default: the step runs at once (a store of the caller's own, no other process on it). */
    readonly exclusive?: <T>(purpose: string, work: () => Promise<T>, options?: { readonly signal?: AbortSignal }) => Promise<T>;
  },
): App {
  const { config } = settings;
  const { store } = parts;
  let translator: { readonly built: Translator | null } | null = null;
  let summarizer: { readonly built: Summarizer | null } | null = null;
  let tagging: { readonly key: string; readonly value: Tagging } | null = null;
  return {
    ...settings,
    store,
    taxonomy: parts.taxonomy,
    get translator(): Translator | null {
      translator ??= { built: configuredTranslator(config, store, settings.env, settings.clock, settings.logger) };
      return translator.built;
    },
    get summarizer(): Summarizer | null {
      summarizer ??= { built: configuredSummarizer(config, store, settings.env, settings.clock, settings.logger) };
      return summarizer.built;
    },
    tagging(sources) {
      const languages = expectedLanguages(config.site.language, sources.map((source) => source.lang));
      const key = languages.join(' ');
      // Made by the first item to tag: a cycle that tags nothing (every feed answered 304) compiles no vocabulary.
      if (tagging?.key !== key) tagging = { key, value: { tagger: deferredTagger(() => createTagger(parts.taxonomy, { languages })), languages } };
      return tagging.value;
    },
    exclusive: parts.exclusive ?? ((_purpose, work) => work()),
    close: parts.close ?? (() => store.close()),
  };
}
