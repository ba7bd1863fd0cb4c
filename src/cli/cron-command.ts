// `veille cron`: the crontab lines that run veille from the system's cron instead of `start`: a
// cycle on schedule.fetch and the weekly digest, built and sent, on schedule.digest (issue 17,
// finding 1: the README's example ran cycles only, so a cron user never got a digest).
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/load-config.js';
import type { Output } from './output.js';

export interface CronContext {
  readonly output: Output;
  /** The machine's time zone, the one cron reads the lines in. */
  readonly machineTimeZone: string;
}

/** The compiled bin (bin/veille.js), from dist/cli/ or src/cli/ alike. */
const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/veille.js');

export function runCronCommand(config: Config, ctx: CronContext): number {
  ctx.output.out(cronLines(config, { node: process.execPath, bin: BIN, machineTimeZone: ctx.machineTimeZone }));
  return 0;
}

/** The crontab block: a comment on what it is, then one line for the cycles and one for the digest. */
export function cronLines(config: Config, paths: { readonly node: string; readonly bin: string; readonly machineTimeZone: string }): string {
  const folder = dirname(config.storagePath);
  const log = resolve(folder, 'cron.log');
  // The log's folder is the data folder, which a fresh checkout lacks until the first run: the
  // shell would refuse the redirection and veille would never start.
  const command = (args: string) =>
    `mkdir -p ${quote(folder)} && ${quote(paths.node)} ${quote(paths.bin)} ${args} --config ${quote(config.file)} >> ${quote(log)} 2>&1`;
  const zone = config.site.timezone;
  const zoneNote =
    paths.machineTimeZone === zone
      ? `# Times are read by cron in the machine's time zone, ${zone}, as site.timezone says.\n`
      : `# Times are read by cron in the machine's time zone (${paths.machineTimeZone}), not site.timezone (${zone}):\n` +
        `# shift the digest's hours, or set the machine's zone.\n`;
  return (
    `# veille from the system's cron (crontab -e as the user that owns the data folder).\n` +
    zoneNote +
    `# Cycles (schedule.fetch): only the sources that are due are fetched.\n` +
    `${config.schedule.fetch} ${command('run')}\n` +
    `# The weekly digest (schedule.digest): the last complete week, built, published and sent once per recipient.\n` +
    `${config.schedule.digest} ${command('digest --send')}\n`
  );
}

/** A path as the shell reads it: bare when it has only safe characters, else in single quotes. */
function quote(path: string): string {
  return /^[\w./@:+-]+$/.test(path) ? path : `'${path.replaceAll("'", `'\\''`)}'`;
}
