// `veille digest [--week YYYY-Www] [--send] [--dry-run] [--force]`: builds (or keeps) the issue
// of a week, publishes it, and sends it; --dry-run renders everything and writes nothing.
// `veille digest --resend YYYY-Www --to ADDRESS` sends a published issue again to one recipient.
import type { App } from '../app/app.js';
import { displayPath, type Config } from '../config/load-config.js';
import { formatIsoWeek, lastCompleteWeek, parseIsoWeek, weekRange, type IsoWeek } from '../digest/iso-week.js';
import { VeilleError } from '../domain/errors.js';
import { digestAudience } from '../app/subscribers.js';
import { buildDigest, configuredRecipient, createMailer, renderDigestMessages, resendDigest, sendDigest, withdrawDigest, type BuildResult } from '../app/digest.js';
import { formatLocalTime, type Output } from './output.js';

export interface DigestCommandOptions {
  readonly week?: string | undefined;
  readonly send: boolean;
  readonly dryRun: boolean;
  readonly force: boolean;
  /** --resend WEEK, with --to ADDRESS. */
  readonly resend?: string | undefined;
  readonly to?: string | undefined;
  /** --partial: a week that has not ended yet is built all the same. */
  readonly partial?: boolean;
  /** --withdraw WEEK. */
  readonly withdraw?: string | undefined;
}

export interface DigestCommandContext {
  readonly output: Output;
  /** Where the SMTP password is read (email.smtp.passwordEnv). */
  readonly env: NodeJS.ProcessEnv;
  /** Opens the app (src/app/app.ts): the store under the data folder's lock, once the usage is checked. */
  readonly open: () => App;
  /** Now, on the program's clock (VEILLE_NOW): which weeks have ended. */
  readonly now: () => Date;
}

const OUTCOMES: Record<BuildResult['outcome'], string> = {
  stored: 'built and published',
  unchanged: 'rebuilt, same content as published',
  kept: 'already published, kept as is (--force rebuilds it)',
  skipped: 'no article this week: no issue (digest.emptyWeek: skip)',
  'dry-run': 'built, not stored (--dry-run)',
  withdrawn: 'withdrawn (digest --withdraw): not published again (--force rebuilds and publishes it)',
};

/** The operator's line for a delivery a killed send left without an answer (issue 13, finding 5). */
export function describeUncertain(week: string, recipient: string, since: string, timeZone: string): string {
  return (
    `? ${recipient} (${week}): uncertain: the server may or may not have the message ` +
    `(the send started ${formatLocalTime(since, timeZone)} was interrupted); not sent again. ` +
    `To send it again: veille digest --resend ${week} --to ${recipient}\n`
  );
}

export async function runDigestCommand(config: Config, options: DigestCommandOptions, ctx: DigestCommandContext): Promise<number> {
  if (options.resend !== undefined || options.to !== undefined) return runResend(config, options, ctx);
  if (options.withdraw !== undefined) return runWithdraw(config, options, ctx);
  // A bad --week, or one not over yet, is a usage error before anything is opened.
  const week = options.week !== undefined ? parseIsoWeek(options.week) : undefined;
  if (week !== undefined && options.partial !== true) refuseUnfinishedWeek(week, config.site.timezone, ctx.now());
  // Fails fast on a missing SMTP password, before an issue is stored.
  if (options.send && !options.dryRun) createMailer(config, ctx.env).close();
  const app = ctx.open();
  try {
    // A dry run writes nothing: it reads beside a running cycle; the rest is one write step.
    return options.dryRun ? await buildAndSend(config, app, week, options, ctx) : await app.exclusive('digest', () => buildAndSend(config, app, week, options, ctx));
  } finally {
    app.close();
  }
}

/** Builds (or keeps) the issue, publishes it, and sends it with --send; the exit code. */
async function buildAndSend(config: Config, app: App, week: IsoWeek | undefined, options: DigestCommandOptions, ctx: DigestCommandContext): Promise<number> {
  const built = await buildDigest(app, { week, force: options.force, dryRun: options.dryRun });
  const { issue, range } = built;
  ctx.output.out(`${range.id}: ${OUTCOMES[built.outcome]}\n`);
  if (issue === null) return 0;
  ctx.output.out(`  ${issue.title}\n  ${issue.intro}\n`);
  if (!options.dryRun) ctx.output.out(`  ${displayPath(`${config.publishDir}/digests/${issue.week}.html`)}\n`);
  if (options.dryRun) {
    const messages = await renderDigestMessages(app, issue);
    if (messages.length === 0) ctx.output.out('No recipient in email.recipients nor among the sign-ups.\n');
    for (const { message, bytes } of messages) {
      ctx.output.out(`  would send to ${message.to}: "${message.subject}", ${message.messageId}, ${bytes.length} bytes\n`);
    }
    return 0;
  }
  if (!options.send) return 0;
  if (digestAudience(config, app.store).recipients.length === 0) {
    ctx.output.out('No recipient in email.recipients nor among the sign-ups: nothing to send.\n');
    return 0;
  }
  const summary = await sendDigest(app, issue, { env: ctx.env });
  ctx.output.out(
    `Sent to ${summary.target}: ${summary.sent.length} sent, ${summary.skipped.length} already done, ` +
      `${summary.failed.length} refused, ${summary.pending.length} left for the next run` +
      (summary.uncertain.length > 0 ? `, ${summary.uncertain.length} uncertain` : '') +
      '\n',
  );
  for (const { recipient, since } of summary.uncertain) ctx.output.err(describeUncertain(issue.week, recipient, since, config.site.timezone));
  for (const failure of summary.failed) ctx.output.err(`✗ ${failure.recipient}: ${failure.error}\n`);
  for (const pending of summary.pending) ctx.output.err(`… ${pending.recipient}: ${pending.error}\n`);
  return summary.stopped !== null ? 1 : 0;
}

/**
 * A week that has not ended in site.timezone would be published for good with only part of its
 * news (issue 17, finding 4: `--week 2027-W10` published an empty issue at the top of the list).
 */
function refuseUnfinishedWeek(week: IsoWeek, timeZone: string, now: Date): void {
  const range = weekRange(week, timeZone);
  if (range.end.getTime() <= now.getTime()) return;
  const last = formatIsoWeek(lastCompleteWeek(now, timeZone));
  throw new VeilleError(
    'USAGE',
    `digest: week ${range.id} has not ended in ${timeZone} (it ends ${formatLocalTime(range.end.toISOString(), timeZone)}); ` +
      `the last complete week is ${last}. --partial builds ${range.id} as it is now`,
  );
}

/** `digest --withdraw WEEK`: out of the feeds and pages, the delivery log kept. */
async function runWithdraw(config: Config, options: DigestCommandOptions, ctx: DigestCommandContext): Promise<number> {
  const others = (['send', 'dryRun', 'force', 'partial'] as const).filter((key) => options[key] === true);
  if (others.length > 0 || options.week !== undefined || options.resend !== undefined || options.to !== undefined) {
    throw new VeilleError('USAGE', 'digest: --withdraw WEEK takes no other option');
  }
  let week;
  try {
    week = parseIsoWeek(options.withdraw ?? '');
  } catch (cause) {
    throw new VeilleError('USAGE', `digest: --withdraw "${options.withdraw ?? ''}" is not an ISO week such as 2026-W48`, { cause });
  }
  const app = ctx.open();
  try {
    const withdrawn = await app.exclusive('digest', () => withdrawDigest(app, week));
    ctx.output.out(
      `${withdrawn.week}: withdrawn from the digest feeds and pages of ${displayPath(config.publishDir)}; ` +
        `its delivery log is kept (${withdrawn.deliveries} ${withdrawn.deliveries === 1 ? 'delivery' : 'deliveries'})\n`,
    );
    return 0;
  } finally {
    app.close();
  }
}

/** `digest --resend WEEK --to ADDRESS`: one message, on purpose; 0 sent, 1 not sent, 2 refused. */
async function runResend(config: Config, options: DigestCommandOptions, ctx: DigestCommandContext): Promise<number> {
  if (options.resend === undefined || options.to === undefined) {
    throw new VeilleError('USAGE', 'digest: --resend WEEK and --to ADDRESS go together');
  }
  const others = (['send', 'dryRun', 'force'] as const).filter((key) => options[key]);
  if (others.length > 0 || options.week !== undefined) {
    throw new VeilleError('USAGE', 'digest: --resend sends one published issue to one recipient; it takes no --week, --send, --dry-run or --force');
  }
  let week;
  try {
    week = parseIsoWeek(options.resend);
  } catch (cause) {
    throw new VeilleError('USAGE', `digest: --resend "${options.resend}" is not an ISO week such as 2026-W48`, { cause });
  }
  // Usage errors first, before the store is opened or the SMTP password read.
  configuredRecipient(config, options.to);
  createMailer(config, ctx.env).close();
  const app = ctx.open();
  try {
    const to = options.to;
    const outcome = await app.exclusive('digest', () => resendDigest(app, week, to, { env: ctx.env }));
    if (outcome.status === 'sent') {
      ctx.output.out(`${formatIsoWeek(week)}: sent again to ${outcome.recipient} through ${outcome.target} (recorded as a resend)\n`);
      return 0;
    }
    const next = outcome.sentBefore
      ? `not sent again; the earlier delivery stays recorded as sent, and only another --resend tries again`
      : outcome.status === 'failed'
        ? 'refused for good'
        : 'not sent; the next "digest --send" tries again';
    ctx.output.err(`✗ ${outcome.recipient}: ${outcome.error} (${next})\n`);
    return 1;
  } finally {
    app.close();
  }
}
