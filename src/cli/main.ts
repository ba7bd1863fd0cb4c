// The `veille` command line: parses argv, calls the app, prints, and returns the exit code
// (0 done, 2 bad usage or invalid config, 1 internal error; DESIGN.md "Contracts").
// Each command's modules are imported when that command runs (`await import` below): `--help`
// loads the commands table only, and `run` neither the mailer, the digest nor the web server.
import type { App } from '../app/app.js';
import type { CycleSummary } from '../app/cycle.js';
import type { Config } from '../config/load-config.js';
import { isVeilleError, VeilleError } from '../domain/errors.js';
import type { Clock, Logger } from '../domain/ports.js';
import { silentLogger } from '../domain/ports.js';
import { publicUrl } from '../domain/source-url.js';
import type { LogFormat } from '../system/logger.js';
import { VERSION } from '../system/version.js';
import { processOutput, type Output } from './output.js';
import type { FileLockOwner } from '../system/file-lock.js';
import type { FeedProcessorFactory } from '../app/process-feed.js';
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
  const [{ createClock }, { loadConfig, resolveConfigFile }] = await Promise.all([import('../system/clock.js'), import('../config/load-config.js')]);
  const clock = createClock(ctx.env);
  const configFile = resolveConfigFile(options.config, ctx.env, ctx.cwd);
  switch (command) {
    case 'run': {
      const format = await logFormatOption(options['log-format'], command);
      return runOnce(loadConfig(configFile), clock, ctx, options.force === true, format);
    }
    case 'start': {
      const format = (await logFormatOption(options['log-format'], command)) ?? (ctx.output.isTerminal ? 'text' : 'json');
      return startWorker(loadConfig(configFile), clock, ctx, format, roleOption(options.role));
    }
    case 'serve':
      return serveOnly(loadConfig(configFile), clock, ctx);
    case 'status': {
      const config = loadConfig(configFile);
      const { runStatusCommand } = await import('./status-command.js');
      // The processes and the queue on a shared PostgreSQL (issue 20); nothing to load with SQLite.
      const coordination = config.storage.kind === 'postgres' ? await (await import('../app/coordination-status.js')).readCoordinationStatus(config, ctx.env) : null;
      return runStatusCommand(config, clock, ctx.output, options.json === true, coordination);
    }
    case 'sources': {
      const [{ runSourcesCommand }, { configureApp }] = await Promise.all([import('./sources-command.js'), import('../app/app.js')]);
      return runSourcesCommand(configureApp(loadConfig(configFile), { clock, env: ctx.env, logger: silentLogger }), rest, options, { output: ctx.output, cwd: ctx.cwd });
    }
    case 'tag': {
      const { runTagCommand } = await import('./tag-commands.js');
      return runTagCommand(loadConfig(configFile), options.explain ?? '', ctx.output);
    }
    case 'digest': {
      const config = loadConfig(configFile);
      const [{ runDigestCommand }, open] = await Promise.all([import('./digest-command.js'), commandAppOpener(config, 'digest', clock, ctx)]);
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
        { output: ctx.output, env: ctx.env, open, now: () => clock.now() },
      );
    }
    case 'stories': {
      const { runStoriesCommand } = await import('./stories-command.js');
      return runStoriesCommand(loadConfig(configFile), clock, ctx.output, { json: options.json === true, ...(options.since !== undefined ? { since: options.since } : {}) });
    }
    case 'retag': {
      const config = loadConfig(configFile);
      const [{ runRetagCommand }, open] = await Promise.all([import('./retag-command.js'), commandAppOpener(config, 'retag', clock, ctx)]);
      return runRetagCommand(config, { output: ctx.output, open });
    }
    case 'cron': {
      const { runCronCommand } = await import('./cron-command.js');
      return runCronCommand(loadConfig(configFile), { output: ctx.output, machineTimeZone: Intl.DateTimeFormat().resolvedOptions().timeZone });
    }
    case 'eval': {
      const { runEvalCommand } = await import('./tag-commands.js');
      return runEvalCommand(loadConfig(configFile), options.labels ?? '', options.json === true, ctx);
    }
    case 'extract': {
      const [{ runExtractCommand }, { configureApp }] = await Promise.all([import('./extract-command.js'), import('../app/app.js')]);
      return runExtractCommand(configureApp(loadConfig(configFile), { clock, env: ctx.env, logger: silentLogger }), rest[0] ?? '', options.json === true, ctx.output);
    }
    case 'summarize': {
      const config = loadConfig(configFile);
      const [{ runSummarizeCommand }, open] = await Promise.all([import('./summarize-command.js'), commandAppOpener(config, 'summarize', clock, ctx)]);
      return runSummarizeCommand(config, { story: options.story ?? '', dryRun: options['dry-run'] === true, json: options.json === true }, { output: ctx.output, open });
    }
    case 'notify': {
      const config = loadConfig(configFile);
      const [{ runNotifyTestCommand }, open] = await Promise.all([import('./notify-command.js'), commandAppOpener(config, 'notify', clock, ctx)]);
      return runNotifyTestCommand(rest[1] ?? '', { output: ctx.output, open });
    }
    case 'migrate': {
      const { runMigrateCommand } = await import('./store-command.js');
      return runMigrateCommand(loadConfig(configFile), ctx);
    }
    case 'store': {
      const { runStoreCopyCommand } = await import('./store-command.js');
      // The config only lends its storage.passwordEnv to its own URL: a copy needs none.
      let config: Config | null = null;
      try {
        config = loadConfig(configFile);
      } catch (error) {
        if (!isVeilleError(error, 'CONFIG_NOT_FOUND')) throw error;
      }
      const text = (value: unknown) => (typeof value === 'string' ? value : '');
      return runStoreCopyCommand(config, { from: text(options.from), to: text(options.to), force: options.force === true }, ctx);
    }
    case 'recipients': {
      const config = loadConfig(configFile);
      const [{ runRecipientsCommand }, open] = await Promise.all([import('./recipients-command.js'), commandAppOpener(config, 'recipients', clock, ctx)]);
      const app = open();
      try {
        return runRecipientsCommand(app, rest, { themes: typeof options.themes === 'string' ? options.themes : undefined, mailto: options.mailto === true }, ctx.output);
      } finally {
        app.close();
      }
    }
    default:
      throw new VeilleError('USAGE', `unknown command "${command}"\nRun "veille --help" for the commands.`);
  }
}

/**
 * Opens the app of a processing command (src/app/app.ts) when the command asks: its store under
 * the data folder's lock. Logs go to stderr as JSON lines, except on a terminal, where the
 * command prints its own lines.
 */
async function commandAppOpener(config: Config, command: string, clock: Clock, ctx: CliContext): Promise<() => App> {
  const [{ openApp }, { createLogger }] = await Promise.all([import('../app/app.js'), import('../system/logger.js')]);
  return () => {
    const logger: Logger = ctx.output.isTerminal ? silentLogger : createLogger(config.log.level, ctx.output.err);
    return openApp(config, { command, clock, env: ctx.env, logger, onStepWait: tellWaiting(ctx.output) });
  };
}

/** A command whose write step waits for another process's (the worker's cycle) says so, once. */
function tellWaiting(output: Output): (holder: FileLockOwner) => void {
  return (holder) => output.err(`waiting for the running ${holder.purpose} (pid ${holder.pid}) to finish…\n`);
}

/** --log-format, checked; undefined when not given. */
async function logFormatOption(value: string | undefined, command: string): Promise<LogFormat | undefined> {
  if (value === undefined) return undefined;
  const { LOG_FORMATS } = await import('../system/logger.js');
  const format = LOG_FORMATS.find((candidate) => candidate === value);
  if (format === undefined) throw new VeilleError('USAGE', `${command}: --log-format "${value}": expected ${LOG_FORMATS.join(' or ')}`);
  return format;
}

async function runOnce(config: Config, clock: Clock, ctx: CliContext, force: boolean, format: LogFormat | undefined): Promise<number> {
  const ahead = await (await import('./processors-ahead.js')).processorsAhead(config);
  try {
    return await runOnceWith(config, clock, ctx, force, format, ahead?.factory);
  } finally {
    await ahead?.close();
  }
}

async function runOnceWith(
  config: Config,
  clock: Clock,
  ctx: CliContext,
  force: boolean,
  format: LogFormat | undefined,
  processors: FeedProcessorFactory | undefined,
): Promise<number> {
  // On a terminal without --log-format: a progress line and a summary; else log lines.
  const [{ openApp }, { runOneCycle }, { createFeedProcessor }, { createLogger }, { displayPath }] = await Promise.all([
    import('../app/app.js'),
    import('../app/cycle.js'),
    import('../worker/process-pool.js'),
    import('../system/logger.js'),
    import('../config/load-config.js'),
  ]);
  // On PostgreSQL, live `--role fetch` workers fetch the sources: a one-shot cycle beside them is refused (exit 2).
  if (config.storage.kind === 'postgres') await (await import('../app/coordination-status.js')).refuseBesideFetchWorkers(config, ctx.env);
  const interactive = ctx.output.isTerminal && format === undefined;
  const logger: Logger = interactive ? silentLogger : createLogger(config.log.level, ctx.output.err, format ?? 'json');
  const app = openApp(config, { command: 'run', clock, env: ctx.env, logger, onStepWait: tellWaiting(ctx.output) });
  try {
    const summary = await runOneCycle(app, {
      force,
      processors: processors ?? createFeedProcessor,
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
      ctx.output.out(formatSummary(summary, displayPath(config.publishDir)));
    } else {
      app.logger.info({ ...summary, failures: summary.failures.length }, formatSummary(summary, displayPath(config.publishDir)).trim());
    }
    return 0;
  } finally {
    app.close();
  }
}

/** The cycle's summary line; `publishDir` as shown to the operator (displayPath). */
export function formatSummary(summary: CycleSummary, publishDir: string): string {
  const seconds = (summary.durationMs / 1000).toFixed(1);
  const parts = [
    `${summary.due} of ${summary.sources} sources due`,
    `${summary.fetched} fetched`,
    `${summary.notModified} not modified`,
    `${summary.failed} failed`,
    ...(summary.deferred > 0 ? [`${summary.deferred} deferred (host asked to wait)`] : []),
  ];
  const notified = summary.notified;
  const webhooks =
    notified === undefined
      ? ''
      : `; webhooks: ${notified.queued} queued, ${notified.sent} sent, ${notified.failed} failed` +
        (notified.waitingTargets.length > 0 ? ` (waiting: ${notified.waitingTargets.join(', ')}; see status)` : '');
  return (
    `Cycle done in ${seconds} s: ${parts.join(', ')}; ` +
    `${summary.newItems} new items, ${summary.updatedItems} updated; ` +
    `${summary.published} entries published in ${publishDir}${webhooks}\n`
  );
}

async function startWorker(config: Config, clock: Clock, ctx: CliContext, format: LogFormat, role: 'fetch' | 'publish' | 'all'): Promise<number> {
  const [{ openApp }, { runWorker }, { createLogger }, { displayPath }] = await Promise.all([
    import('../app/app.js'),
    import('../worker/worker.js'),
    import('../system/logger.js'),
    import('../config/load-config.js'),
  ]);
  const logger = createLogger(config.log.level, ctx.output.err, format);
  if (role !== 'all' || config.storage.kind === 'postgres') {
    if (config.storage.kind !== 'postgres') {
      throw new VeilleError('USAGE', `start: --role ${role} needs storage.url (a PostgreSQL shared by the processes); with SQLite, start runs every role in one process`);
    }
    // Several processes share the database: no data folder lock (the publisher is elected instead).
    const { runRoles } = await import('../worker/roles.js');
    const shared = openApp(config, { command: `start --role ${role}`, clock, env: ctx.env, logger });
    try {
      await runRoles({
        app: shared,
        role,
        stopSignal: ctx.stopSignal ?? waitForSignal(),
        onListening: (url) => ctx.output.err(`veille ${VERSION}: role ${role}, /metrics at ${url}metrics (Ctrl-C stops)\n`),
      });
      return 0;
    } finally {
      shared.close();
    }
  }
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

async function serveOnly(config: Config, clock: Clock, ctx: CliContext): Promise<number> {
  const [{ serveSite }, { displayPath }, { createLogger }] = await Promise.all([
    import('../app/serve.js'),
    import('../config/load-config.js'),
    import('../system/logger.js'),
  ]);
  const server = await serveSite(config, { env: ctx.env, clock, logger: createLogger(config.log.level, ctx.output.err) });
  ctx.output.err(`veille ${VERSION}: serving ${displayPath(config.publishDir)} at ${server.url} (Ctrl-C stops)\n`);
  await (ctx.stopSignal ?? waitForSignal());
  await server.close();
  return 0;
}

/** `--role`: fetch, publish or all (the default). */
function roleOption(value: string | boolean | undefined): 'fetch' | 'publish' | 'all' {
  if (value === undefined) return 'all';
  if (value === 'fetch' || value === 'publish' || value === 'all') return value;
  throw new VeilleError('USAGE', `start: --role "${String(value)}": expected fetch, publish or all`);
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
