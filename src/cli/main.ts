// The `veille` command line: parses argv, calls the app, prints, and returns the exit code
// (0 done, 2 bad usage or invalid config, 1 internal error; DESIGN.md "Contracts").
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { displayPath, loadConfig, resolveConfigFile, type Config } from '../config/load-config.js';
import { describeError, isVeilleError, VeilleError } from '../domain/errors.js';
import type { Clock, Logger } from '../domain/ports.js';
import { silentLogger } from '../domain/ports.js';
import { acquireLock } from '../store/lock.js';
import { Store } from '../store/store.js';
import { loadTaxonomy, type Taxonomy } from '../tag/taxonomy.js';
import { createClock } from '../worker/clock.js';
import { createLogger } from '../worker/logger.js';
import { runCycle, type CycleSummary } from '../worker/pipeline.js';
import { resolveSources } from '../worker/sources.js';
import { runRetagCommand } from './retag-command.js';
import { userAgentFor, VERSION } from '../worker/version.js';
import { runWorker } from '../worker/worker.js';
import { startServer } from '../publish/server.js';
import { processOutput, type Output } from './output.js';
import { runEvalCommand, runTagCommand } from './tag-commands.js';
import { runDigestCommand } from './digest-command.js';
import { runSourcesCommand } from './sources-command.js';
import { runStatusCommand } from './status-command.js';
import { runStoriesCommand } from './stories-command.js';

export const USAGE = `veille ${VERSION}: AI-news feeds in, a French digest out.

Usage: veille <command> [options]

Commands:
  run [--force]                 one cycle: fetch the due sources (all with --force), process, publish
  start                         the worker: a cycle now, then on schedule.fetch; serves the publish folder
  serve                         serve the publish folder only
  status [--json]               per-source health: last success, last error, items, next fetch
  sources list                  the configured sources
  sources add URL [--name N] [--lang L] [--no-check]
                                add a feed (a web page's feed is discovered)
  sources remove URL            remove a source
  sources import FILE.opml      add the feeds of an OPML file
  sources export                print the sources as OPML 2.0
  tag --explain TEXT            the themes of a text, with the evidence
  retag                         apply the taxonomy again to every stored item, then publish
  eval --labels FILE.jsonl [--json]
                                tagging precision, recall and F1 against labelled items
  stories [--since DATE] [--json]
                                the stories (the same news grouped across sources) with a
                                member since DATE (YYYY-MM-DD or ISO 8601; default: 7 days ago)
  digest [--week YYYY-Www] [--send] [--dry-run] [--force]
                                build and publish the weekly issue (default: the last complete
                                week), send it with --send; --dry-run writes and sends nothing,
                                --force rebuilds a published issue
  digest --resend YYYY-Www --to ADDRESS
                                send a published issue again to one recipient (a delivery
                                reported uncertain, a lost message); recorded as a resend

Options:
  --config FILE                 config file (default: config/veille.yaml, or $VEILLE_CONFIG)
  -h, --help                    this help
  -v, --version                 the version

Environment: VEILLE_NOW=ISO-8601 fixes the clock; VEILLE_CONFIG names the config file.
`;

export interface CliContext {
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly output: Output;
  readonly stopSignal?: Promise<void>;
}

const OPTIONS = {
  config: { type: 'string' },
  json: { type: 'boolean' },
  force: { type: 'boolean' },
  explain: { type: 'string' },
  labels: { type: 'string' },
  since: { type: 'string' },
  week: { type: 'string' },
  send: { type: 'boolean' },
  resend: { type: 'string' },
  to: { type: 'string' },
  'dry-run': { type: 'boolean' },
  name: { type: 'string' },
  lang: { type: 'string' },
  'no-check': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const satisfies ParseArgsConfig['options'];

export type CliOptions = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'string' ? string : boolean };

export async function main(argv: readonly string[], context: Partial<CliContext> = {}): Promise<number> {
  const ctx: CliContext = {
    argv,
    env: context.env ?? process.env,
    cwd: context.cwd ?? process.cwd(),
    output: context.output ?? processOutput,
    ...(context.stopSignal ? { stopSignal: context.stopSignal } : {}),
  };
  try {
    return await dispatch(ctx);
  } catch (error) {
    return reportError(error, ctx.output);
  }
}

async function dispatch(ctx: CliContext): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...ctx.argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (cause) {
    throw new VeilleError('USAGE', `${describeError(cause)}\nRun "veille --help" for the commands.`, { cause });
  }
  const options = parsed.values as CliOptions;
  const [command, ...rest] = parsed.positionals;
  if (options.version) {
    ctx.output.out(`${VERSION}\n`);
    return 0;
  }
  if (options.help || command === 'help') {
    ctx.output.out(USAGE);
    return 0;
  }
  if (command === undefined) {
    ctx.output.err(USAGE); // a usage error: on stderr, exit 2
    return 2;
  }
  const clock = createClock(ctx.env);
  const configFile = resolveConfigFile(options.config, ctx.env, ctx.cwd);
  switch (command) {
    case 'run':
      expectNoArguments(command, rest);
      return runOnce(loadConfig(configFile), clock, ctx, options.force === true);
    case 'start':
      expectNoArguments(command, rest);
      return startWorker(loadConfig(configFile), clock, ctx);
    case 'serve':
      expectNoArguments(command, rest);
      return serveOnly(loadConfig(configFile), ctx);
    case 'status':
      expectNoArguments(command, rest);
      return runStatusCommand(loadConfig(configFile), clock, ctx.output, options.json === true);
    case 'sources':
      return runSourcesCommand(loadConfig(configFile), rest, options, { output: ctx.output, now: clock.now(), cwd: ctx.cwd });
    case 'tag': {
      expectNoArguments(command, rest);
      if (options.explain === undefined) throw new VeilleError('USAGE', 'tag: --explain TEXT is required');
      return runTagCommand(loadConfig(configFile), options.explain, ctx.output);
    }
    case 'digest': {
      expectNoArguments(command, rest);
      const config = loadConfig(configFile);
      return runDigestCommand(
        config,
        {
          week: options.week,
          send: options.send === true,
          dryRun: options['dry-run'] === true,
          force: options.force === true,
          resend: options.resend,
          to: options.to,
        },
        { output: ctx.output, env: ctx.env, clock, open: () => openApp(config, 'digest', clock.now()) },
      );
    }
    case 'stories':
      expectNoArguments(command, rest);
      return runStoriesCommand(loadConfig(configFile), clock, ctx.output, { json: options.json === true, ...(options.since !== undefined ? { since: options.since } : {}) });
    case 'retag': {
      expectNoArguments(command, rest);
      const config = loadConfig(configFile);
      return runRetagCommand(config, { output: ctx.output, env: ctx.env, clock, open: () => openApp(config, 'retag', clock.now()) });
    }
    case 'eval':
      expectNoArguments(command, rest);
      if (options.labels === undefined) throw new VeilleError('USAGE', 'eval: --labels FILE.jsonl is required');
      return runEvalCommand(loadConfig(configFile), options.labels, options.json === true, ctx);
    default:
      throw new VeilleError('USAGE', `unknown command "${command}"\nRun "veille --help" for the commands.`);
  }
}

function expectNoArguments(command: string, rest: readonly string[]): void {
  if (rest.length > 0) throw new VeilleError('USAGE', `${command}: unexpected argument "${rest[0]}"`);
}

/**
 * Opens what every processing command needs: the taxonomy first (a bad one costs nothing), then
 * the data folder's lock (one veille at a time writes it), then the store.
 */
export function openApp(config: Config, command: string, now: Date): { store: Store; taxonomy: Taxonomy; close(): void } {
  const taxonomy = loadTaxonomy(config.themesFile);
  const lock = acquireLock(config.storagePath, command, now);
  let store: Store;
  try {
    store = Store.open(config.storagePath);
  } catch (error) {
    lock.release();
    throw error;
  }
  return {
    store,
    taxonomy,
    close: () => {
      try {
        store.close();
      } finally {
        lock.release();
      }
    },
  };
}

async function runOnce(config: Config, clock: Clock, ctx: CliContext, force: boolean): Promise<number> {
  const sources = resolveSources(config);
  const app = openApp(config, 'run', clock.now());
  const { store, taxonomy } = app;
  const interactive = ctx.output.isTerminal;
  const logger: Logger = interactive ? silentLogger : createLogger(config.log.level, ctx.output.err);
  try {
    const summary = await runCycle({
      config,
      store,
      taxonomy,
      sources,
      clock,
      logger,
      userAgent: userAgentFor(config),
      force,
      env: ctx.env,
      onProgress: interactive
        ? (event) =>
            ctx.output.err(
              `\r\x1b[K${event.done}/${event.total} sources` +
                (event.failed > 0 ? `, ${event.failed} failed` : '') +
                (event.result.kind === 'failed' ? `  (${event.source.name ?? event.source.url}: ${event.result.code})` : ''),
            )
        : undefined,
    });
    if (interactive) {
      ctx.output.err('\r\x1b[K');
      for (const failure of summary.failures) {
        ctx.output.err(`✗ ${failure.name ?? failure.url}: ${failure.code}: ${failure.message}\n`);
      }
      ctx.output.out(formatSummary(summary, config));
    } else {
      logger.info({ ...summary, failures: summary.failures.length }, formatSummary(summary, config).trim());
    }
    return 0;
  } finally {
    app.close();
  }
}

export function formatSummary(summary: CycleSummary, config: Config): string {
  const seconds = (summary.durationMs / 1000).toFixed(1);
  const parts = [
    `${summary.due} of ${summary.sources} sources due`,
    `${summary.fetched} fetched`,
    `${summary.notModified} not modified`,
    `${summary.failed} failed`,
    ...(summary.deferred > 0 ? [`${summary.deferred} deferred (host asked to wait)`] : []),
  ];
  return (
    `Cycle done in ${seconds} s: ${parts.join(', ')}; ` +
    `${summary.newItems} new items, ${summary.updatedItems} updated; ` +
    `${summary.published} entries published in ${displayPath(config.publishDir)}\n`
  );
}

async function startWorker(config: Config, clock: Clock, ctx: CliContext): Promise<number> {
  const app = openApp(config, 'start', clock.now());
  const { store, taxonomy } = app;
  const logger = createLogger(config.log.level, ctx.output.err);
  try {
    await runWorker({
      config,
      store,
      taxonomy,
      clock,
      logger,
      env: ctx.env,
      stopSignal: ctx.stopSignal ?? waitForSignal(),
      onListening: (url) => ctx.output.err(`veille ${VERSION}: serving ${displayPath(config.publishDir)} at ${url} (Ctrl-C stops)\n`),
    });
    return 0;
  } finally {
    app.close();
  }
}

async function serveOnly(config: Config, ctx: CliContext): Promise<number> {
  const server = await startServer({ dir: config.publishDir, host: config.server.host, port: config.server.port });
  ctx.output.err(`veille ${VERSION}: serving ${displayPath(config.publishDir)} at ${server.url} (Ctrl-C stops)\n`);
  await (ctx.stopSignal ?? waitForSignal());
  await server.close();
  return 0;
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function reportError(error: unknown, output: Output): number {
  if (isVeilleError(error)) {
    output.err(`veille: ${error.message}\n`);
    return error.code === 'USAGE' || error.code.startsWith('CONFIG_') || error.code === 'TAXONOMY_INVALID' || error.code === 'OPML_INVALID'
      ? 2
      : 1;
  }
  output.err(`veille: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 1;
}
