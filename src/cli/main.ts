// The `veille` command line: parses argv, calls the app, prints, and returns the exit code
// (0 done, 2 bad usage or invalid config, 1 internal error; DESIGN.md "Contracts").
import { createFeedProcessor } from '../worker/process-pool.js';
import { configureApp, openApp, type App } from '../app/app.js';
import { runOneCycle, type CycleSummary } from '../app/cycle.js';
import { serveSite } from '../app/serve.js';
import { displayPath, loadConfig, resolveConfigFile, type Config } from '../config/load-config.js';
import { isVeilleError, VeilleError } from '../domain/errors.js';
import type { Clock, Logger } from '../domain/ports.js';
import { silentLogger } from '../domain/ports.js';
import { createClock } from '../system/clock.js';
import { publicUrl } from '../domain/source-url.js';
import { createLogger, LOG_FORMATS, type LogFormat } from '../system/logger.js';
import { runRetagCommand } from './retag-command.js';
import { VERSION } from '../system/version.js';
import { runWorker } from '../worker/worker.js';
import { processOutput, type Output } from './output.js';
import type { FileLockOwner } from '../system/file-lock.js';
import { runEvalCommand, runTagCommand } from './tag-commands.js';
import { runDigestCommand } from './digest-command.js';
import { runCronCommand } from './cron-command.js';
import { runSourcesCommand } from './sources-command.js';
import { runStatusCommand } from './status-command.js';
import { runStoriesCommand } from './stories-command.js';
import { COMMANDS, commandHelp, commandUsage, parseCommandLine, type CliOptions } from './commands.js';

export const USAGE =
  `veille ${VERSION}: AI-news feeds in, a French digest out.

Usage: veille <command> [options]

Commands:
${COMMANDS.map(commandUsage).join('')}
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
  const parsed = parseCommandLine(ctx.argv);
  if (parsed.kind === 'version') {
    ctx.output.out(`${VERSION}\n`);
    return 0;
  }
  if (parsed.kind === 'help') {
    ctx.output.out(parsed.spec === null ? USAGE : commandHelp(parsed.spec));
    return 0;
  }
  if (parsed.kind === 'none') {
    ctx.output.err(USAGE); // a usage error: on stderr, exit 2
    return 2;
  }
  const options = parsed.values as CliOptions;
  const command = parsed.spec.name.split(' ')[0];
  const rest = parsed.spec.name.includes(' ') ? [parsed.spec.name.split(' ')[1] ?? '', ...parsed.args] : parsed.args;
  const clock = createClock(ctx.env);
  const configFile = resolveConfigFile(options.config, ctx.env, ctx.cwd);
  switch (command) {
    case 'run': {
      const format = logFormatOption(options['log-format'], command);
      return runOnce(loadConfig(configFile), clock, ctx, options.force === true, format);
    }
    case 'start': {
      const format = logFormatOption(options['log-format'], command) ?? (ctx.output.isTerminal ? 'text' : 'json');
      return startWorker(loadConfig(configFile), clock, ctx, format);
    }
    case 'serve':
      return serveOnly(loadConfig(configFile), ctx);
    case 'status':
      return runStatusCommand(loadConfig(configFile), clock, ctx.output, options.json === true);
    case 'sources':
      return runSourcesCommand(configureApp(loadConfig(configFile), { clock, env: ctx.env, logger: silentLogger }), rest, options, { output: ctx.output, cwd: ctx.cwd });
    case 'tag':
      return runTagCommand(loadConfig(configFile), options.explain ?? '', ctx.output);
    case 'digest': {
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
          partial: options.partial === true,
          withdraw: options.withdraw,
        },
        { output: ctx.output, env: ctx.env, open: () => openCommandApp(config, 'digest', clock, ctx), now: () => clock.now() },
      );
    }
    case 'stories':
      return runStoriesCommand(loadConfig(configFile), clock, ctx.output, { json: options.json === true, ...(options.since !== undefined ? { since: options.since } : {}) });
    case 'retag': {
      const config = loadConfig(configFile);
      return runRetagCommand(config, { output: ctx.output, open: () => openCommandApp(config, 'retag', clock, ctx) });
    }
    case 'cron':
      return runCronCommand(loadConfig(configFile), { output: ctx.output, machineTimeZone: Intl.DateTimeFormat().resolvedOptions().timeZone });
    case 'eval':
      return runEvalCommand(loadConfig(configFile), options.labels ?? '', options.json === true, ctx);
    default:
      throw new VeilleError('USAGE', `unknown command "${command}"\nRun "veille --help" for the commands.`);
  }
}

/**
 * The app of a processing command (src/app/app.ts): its store under the data folder's lock. Logs
 * go to stderr as JSON lines, except on a terminal, where the command prints its own lines.
 */
function openCommandApp(config: Config, command: string, clock: Clock, ctx: CliContext): App {
  const logger: Logger = ctx.output.isTerminal ? silentLogger : createLogger(config.log.level, ctx.output.err);
  return openApp(config, { command, clock, env: ctx.env, logger, onStepWait: tellWaiting(ctx.output) });
}

/** A command whose write step waits for another process's (the worker's cycle) says so, once. */
function tellWaiting(output: Output): (holder: FileLockOwner) => void {
  return (holder) => output.err(`waiting for the running ${holder.purpose} (pid ${holder.pid}) to finish…\n`);
}

/** --log-format, checked; undefined when not given. */
function logFormatOption(value: string | undefined, command: string): LogFormat | undefined {
  if (value === undefined) return undefined;
  const format = LOG_FORMATS.find((candidate) => candidate === value);
  if (format === undefined) throw new VeilleError('USAGE', `${command}: --log-format "${value}": expected ${LOG_FORMATS.join(' or ')}`);
  return format;
}

async function runOnce(config: Config, clock: Clock, ctx: CliContext, force: boolean, format: LogFormat | undefined): Promise<number> {
  // On a terminal without --log-format: a progress line and a summary; else log lines.
  const interactive = ctx.output.isTerminal && format === undefined;
  const logger: Logger = interactive ? silentLogger : createLogger(config.log.level, ctx.output.err, format ?? 'json');
  const app = openApp(config, { command: 'run', clock, env: ctx.env, logger, onStepWait: tellWaiting(ctx.output) });
  try {
    const summary = await runOneCycle(app, {
      force,
      processors: createFeedProcessor,
      ...(interactive
        ? {
            onProgress: (event) =>
              ctx.output.err(
                `\r\x1b[K${event.done}/${event.total} sources` +
                  (event.failed > 0 ? `, ${event.failed} failed` : '') +
                  (event.result.kind === 'failed' ? `  (${event.source.name ?? publicUrl(event.source.url)}: ${event.result.code})` : ''),
              ),
          }
        : {}),
    });
    if (interactive) {
      ctx.output.err('\r\x1b[K');
      for (const failure of summary.failures) {
        ctx.output.err(`✗ ${failure.name ?? failure.url}: ${failure.code}: ${failure.message}\n`);
      }
      ctx.output.out(formatSummary(summary, config));
    } else {
      app.logger.info({ ...summary, failures: summary.failures.length }, formatSummary(summary, config).trim());
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

async function startWorker(config: Config, clock: Clock, ctx: CliContext, format: LogFormat): Promise<number> {
  const logger = createLogger(config.log.level, ctx.output.err, format);
  const app = openApp(config, { command: 'start', clock, env: ctx.env, logger, worker: true });
  try {
    await runWorker({
      app,
      stopSignal: ctx.stopSignal ?? waitForSignal(),
      onListening: (url) => ctx.output.err(`veille ${VERSION}: serving ${displayPath(config.publishDir)} at ${url} (Ctrl-C stops)\n`),
    });
    return 0;
  } finally {
    app.close();
  }
}

async function serveOnly(config: Config, ctx: CliContext): Promise<number> {
  const server = await serveSite(config);
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
