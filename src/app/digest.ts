// Wires the weekly digest: reads the week's items, builds and stores the issue (a stored issue
// changes only when forced), publishes the digest files, and sends the email to the recipients.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { displayPath, type Config } from '../config/load-config.js';
import { digestPage } from '../publish/site-files.js';
import { buildIssue, selectThemes } from '../digest/issue.js';
import { formatIsoWeek, lastCompleteWeek, weekRange, type IsoWeek, type WeekRange } from '../digest/iso-week.js';
import { issuePageUrl, publishDigests, type DigestSiteMeta, type PublishedIssue } from '../digest/publish-digest.js';
import type { DigestIssue } from '../domain/digest.js';
import { readDigestIssue } from '../store/digest-issue-json.js';
import { VeilleError } from '../domain/errors.js';
import type { Clock, Logger } from '../domain/ports.js';
import { composeMessage } from '../email/compose.js';
import { createOutboxMailer, createSmtpMailer, renderMessage, type Mailer, type OutgoingMessage } from '../email/mailer.js';
import { resendIssue, sendIssue, type DeliveryOutcome, type Recipient, type SendSummary } from '../email/send-issue.js';
import type { SiteLocale } from '../domain/site-locale.js';
import type { Store } from '../store/store.js';
import type { Translator } from '../translate/translator.js';
import { themeInfos, type Taxonomy } from '../tag/taxonomy.js';
import { publishFromStore } from './publish.js';
import { queueFeedPings } from './websub.js';
import { translateRecent } from './translate-step.js';
import { VERSION } from '../system/version.js';
import { digestAudience, unsubscribePages, type UnsubscribePages } from './subscribers.js';

export interface DigestDeps {
  readonly config: Config;
  readonly store: Store;
  readonly taxonomy: Taxonomy;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly locale: SiteLocale;
  /** The week's items in the site's language first; null: none configured (see src/app/app.ts). */
  readonly translator: Translator | null;
}

export type BuildOutcome =
  /** New, or rebuilt with --force and different. */
  | 'stored'
  /** Already stored: kept as published (the new build was the same, or not forced). */
  | 'unchanged'
  | 'kept'
  /** An empty week with digest.emptyWeek: skip. */
  | 'skipped'
  /** --dry-run: built, not stored. */
  | 'dry-run'
  /** Withdrawn by `digest --withdraw`: stays out of the feeds unless rebuilt with --force. */
  | 'withdrawn';

export interface BuildResult {
  readonly range: WeekRange;
  readonly outcome: BuildOutcome;
  readonly issue: DigestIssue | null;
}

function digestSiteMeta(config: Config, locale: SiteLocale): DigestSiteMeta {
  return {
    title: config.site.title,
    description: locale.typeset(config.site.description),
    siteUrl: config.site.url,
    locale,
    generator: `veille ${VERSION}`,
    hubs: config.websub.hub,
  };
}

/** The issue of `week` (default: the last complete week), stored and published unless `dryRun`. */
export async function buildDigest(
  deps: DigestDeps,
  options: { week?: IsoWeek | undefined; force: boolean; dryRun: boolean },
): Promise<BuildResult> {
  const { config, store } = deps;
  const timeZone = config.site.timezone;
  const range = weekRange(options.week ?? lastCompleteWeek(deps.clock.now(), timeZone), timeZone);
  const digests = store.digests();
  const existing = digests.getDigest(range.id);
  if (existing?.withdrawnAt != null && !options.force) return { range, outcome: 'withdrawn', issue: null };
  if (existing && !options.force) {
    if (!options.dryRun) await publishAllDigests(deps);
    return { range, outcome: 'kept', issue: readDigestIssue(existing.week, existing.issue) };
  }
  // The week's items in the site's language first, when a translator is configured (a dry run reads the cache only).
  const { translator } = deps;
  if (translator !== null && !options.dryRun) {
    await translateRecent(translator, deps, { from: range.start.toISOString(), to: range.end.toISOString() });
  }
  const built = buildIssue(range, digests.itemsBetween(range.start.toISOString(), range.end.toISOString(), { texts: false }), {
    siteTitle: config.site.title,
    locale: deps.locale,
    themes: themeInfos(deps.taxonomy, deps.locale.primary),
    maxStoriesPerSection: config.digest.maxStoriesPerTheme,
    includeUnthemed: config.digest.includeUnthemed,
    loadTexts: (ids) => digests.itemTexts(ids),
    ...(translator !== null ? { translate: (texts: Parameters<typeof translator.lookup>[0]) => translator.lookup(texts) } : {}),
    ...(config.summarize.provider !== 'none' ? { resume: (ids: readonly string[]) => store.resumes().writtenFor(ids) } : {}),
  });
  if (built.storyCount === 0 && config.digest.emptyWeek === 'skip' && !existing) return { range, outcome: 'skipped', issue: null };
  if (options.dryRun) return { range, outcome: 'dry-run', issue: built };
  const json = JSON.stringify(built);
  const stored = digests.saveDigest({ week: built.week, guid: built.guid, title: built.title, issue: json }, deps.clock.now().toISOString());
  await publishAllDigests(deps);
  return { range, outcome: existing && existing.issue === json ? 'unchanged' : 'stored', issue: readDigestIssue(stored.week, stored.issue) };
}

/**
 * `digest --withdraw WEEK`: the issue leaves the digest feeds, its page and the home page; its
 * stored row and delivery log stay (a later `--force` build publishes it again under its GUID).
 */
export async function withdrawDigest(deps: DigestDeps, week: IsoWeek): Promise<{ week: string; deliveries: number }> {
  const digests = deps.store.digests();
  const weekId = formatIsoWeek(week);
  if (!digests.withdrawDigest(weekId, deps.clock.now().toISOString())) {
    const published = digests.listDigests(5).map((row) => row.week);
    throw new VeilleError(
      'USAGE',
      `digest: --withdraw ${weekId}: no issue is published for that week` + (published.length > 0 ? ` (latest: ${published.join(', ')})` : ' (none)'),
    );
  }
  await rm(join(deps.config.publishDir, digestPage(weekId)), { force: true });
  await publishAllDigests(deps);
  return { week: weekId, deliveries: digests.listDeliveries(weekId).length };
}

/** Rewrites the digest files and the site (whose home page links to the latest issues). */
export async function publishAllDigests(deps: DigestDeps): Promise<void> {
  const { config, store } = deps;
  const issues: PublishedIssue[] = store
    .digests()
    .listDigests(520)
    .map((row) => ({ issue: readDigestIssue(row.week, row.issue), publishedAt: row.publishedAt, updatedAt: row.updatedAt }));
  const written = await publishDigests(config.publishDir, issues, digestSiteMeta(config, deps.locale), deps.clock.now());
  // The digest feeds whose bytes changed, for the hubs they declare (sent by the next cycle's pings).
  queueFeedPings(config, store, written, deps.clock.now());
  await publishFromStore({
    config,
    store,
    taxonomy: deps.taxonomy,
    builtAt: deps.clock.now(),
    translator: deps.translator,
  });
}

/** The password named by email.smtp.passwordEnv, or a CONFIG_INVALID error when it is not set. */
function smtpPassword(config: Config, env: NodeJS.ProcessEnv): string | null {
  const name = config.email.smtp?.passwordEnv;
  if (name === undefined) return null;
  const value = env[name];
  if (value === undefined || value === '') {
    throw new VeilleError('CONFIG_INVALID', `config: email.smtp.passwordEnv: the environment variable ${name} is not set`);
  }
  return value;
}

export function createMailer(config: Config, env: NodeJS.ProcessEnv): Mailer {
  const smtp = config.email.smtp;
  if (smtp === undefined) return createOutboxMailer(config.email.outbox);
  return createSmtpMailer({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTls: smtp.requireTls,
    user: smtp.user ?? null,
    password: smtpPassword(config, env),
    timeoutMs: smtp.timeoutMs,
  });
}

function composerFor(deps: Pick<DigestDeps, 'config' | 'locale'>, issue: DigestIssue, now: Date, pages: UnsubscribePages | null): (recipient: Recipient) => OutgoingMessage {
  const { config, locale } = deps;
  const pageUrl = issuePageUrl(config.site.url, issue.week);
  const selectOptions = {
    siteTitle: config.site.title,
    locale,
    maxStoriesPerSection: config.digest.maxStoriesPerTheme,
    includeUnthemed: config.digest.includeUnthemed,
  };
  return (recipient) =>
    composeMessage(selectThemes(issue, recipient.themes, selectOptions), recipient.address, {
      from: config.email.from,
      pageUrl,
      unsubscribeUrl: config.email.unsubscribeUrl ?? null,
      unsubscribePage: pages?.(recipient.address) ?? undefined,
      date: now,
      locale,
    });
}

/**
 * Every recipient's message, rendered as it would be sent; nothing is sent or recorded (a recipient
 * the store has no row for yet shows the letter without its own unsubscribe page).
 */
export async function renderDigestMessages(deps: Pick<DigestDeps, 'config' | 'locale' | 'clock' | 'store'> & { env: NodeJS.ProcessEnv }, issue: DigestIssue): Promise<Array<{ message: OutgoingMessage; bytes: Buffer }>> {
  const { config, store } = deps;
  const compose = composerFor(deps, issue, deps.clock.now(), unsubscribePages(config, deps.env, store, deps.clock, { create: false }));
  const out: Array<{ message: OutgoingMessage; bytes: Buffer }> = [];
  for (const recipient of digestAudience(config, store).recipients) {
    const message = compose(recipient);
    out.push({ message, bytes: await renderMessage(message) });
  }
  return out;
}

/** Sends a stored issue to every recipient not yet sent it. */
export async function sendDigest(
  deps: DigestDeps,
  issue: DigestIssue,
  options: { env: NodeJS.ProcessEnv; mailer?: Mailer; signal?: AbortSignal; sleep?: (ms: number) => Promise<void> },
): Promise<SendSummary & { target: string }> {
  const { config } = deps;
  return withMailer(config, options, async (mailer) => {
    const summary = await sendIssue({
      ...deliveryParts(deps, issue, mailer, options),
      // The config's recipients and the confirmed sign-ups, never anyone who unsubscribed (issue 23).
      recipients: digestAudience(config, deps.store).recipients,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return { ...summary, target: mailer.target };
  });
}

/** What sending one issue takes, whether to every recipient or again to one. */
function deliveryParts(deps: DigestDeps, issue: DigestIssue, mailer: Mailer, options: { env: NodeJS.ProcessEnv; sleep?: (ms: number) => Promise<void> }) {
  return {
    issue,
    digests: deps.store.digests(),
    mailer,
    compose: composerFor(deps, issue, deps.clock.now(), unsubscribePages(deps.config, options.env, deps.store, deps.clock, { create: true })),
    now: () => deps.clock.now(),
    logger: deps.logger,
    retry: deps.config.email.retry,
    ...(options.sleep ? { sleep: options.sleep } : {}),
  };
}

/** The mailer given, or one made from the config and closed once `send` is done. */
async function withMailer<T>(config: Config, options: { env: NodeJS.ProcessEnv; mailer?: Mailer }, send: (mailer: Mailer) => Promise<T>): Promise<T> {
  const mailer = options.mailer ?? createMailer(config, options.env);
  try {
    return await send(mailer);
  } finally {
    if (!options.mailer) mailer.close();
  }
}

/** The configured recipient with this address (any case), or a USAGE error naming the config file. */
export function configuredRecipient(config: Config, address: string): Recipient {
  const wanted = address.trim().toLowerCase();
  const recipient = config.email.recipients.find((candidate) => candidate.address.toLowerCase() === wanted);
  if (recipient === undefined) {
    throw new VeilleError(
      'USAGE',
      `digest: --to ${address}: not a recipient in email.recipients of ${displayPath(config.file)}; --resend sends only to a configured recipient`,
    );
  }
  return recipient;
}

/**
 * Sends a published issue again to one configured recipient, on purpose (an uncertain delivery,
 * a lost message): `digest --resend WEEK --to ADDRESS`. A week with no stored issue is refused.
 */
export async function resendDigest(
  deps: DigestDeps,
  week: IsoWeek,
  address: string,
  options: { env: NodeJS.ProcessEnv; mailer?: Mailer; sleep?: (ms: number) => Promise<void> },
): Promise<DeliveryOutcome & { target: string; recipient: string; sentBefore: boolean }> {
  const { config } = deps;
  const recipient = configuredRecipient(config, address);
  if (digestAudience(config, deps.store).left.includes(recipient.address.toLowerCase())) {
    throw new VeilleError('USAGE', `digest: --to ${address}: this recipient unsubscribed and is never written to again ("veille recipients add" subscribes them again)`);
  }
  const digests = deps.store.digests();
  const weekId = formatIsoWeek(week);
  const stored = digests.getDigest(weekId);
  if (stored === null) {
    const published = digests.listDigests(5).map((row) => row.week);
    throw new VeilleError(
      'USAGE',
      `digest: --resend ${weekId}: no issue is published for that week` +
        (published.length > 0 ? ` (latest: ${published.join(', ')})` : ' (none yet)') +
        `; "veille digest --week ${weekId}" builds it`,
    );
  }
  const issue = readDigestIssue(stored.week, stored.issue);
  const lowered = recipient.address.toLowerCase();
  const sentBefore = digests.listDeliveries(weekId).some((delivery) => delivery.recipient === lowered && delivery.sentAt !== null);
  return withMailer(config, options, async (mailer) => {
    const outcome = await resendIssue({ ...deliveryParts(deps, issue, mailer, options), recipient });
    return { ...outcome, target: mailer.target, recipient: lowered, sentBefore };
  });
}

/** The worker's weekly run: build (or keep) the last complete week's issue, then send it. */
export async function runScheduledDigest(deps: DigestDeps, env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<void> {
  const built = await buildDigest(deps, { force: false, dryRun: false });
  deps.logger.info({ week: built.range.id, outcome: built.outcome, stories: built.issue?.storyCount ?? 0 }, 'digest built');
  if (built.issue === null || digestAudience(deps.config, deps.store).recipients.length === 0) return;
  logDelivered(deps, built.range.id, await sendDigest(deps, built.issue, { env, ...(signal ? { signal } : {}) }));
}

/** The one log line of a scheduled or resumed send: what each recipient came to, counted. */
function logDelivered(deps: DigestDeps, week: string, summary: SendSummary): void {
  deps.logger.info(
    { week, sent: summary.sent.length, skipped: summary.skipped.length, uncertain: summary.uncertain.length, failed: summary.failed.length, pending: summary.pending.length },
    'digest delivered',
  );
}

/**
 * A publisher's first act when it takes office (issue 20): the last complete week's issue, when an
 * earlier publisher began sending it (its delivery log has rows) and left recipients unsent or
 * pending, goes to them at once rather than at the next schedule.digest tick. A recipient whose
 * claim was left in flight ('sending': the dead publisher may or may not have handed the message
 * over) is not sent again (at most once): it is reported uncertain, and `digest --resend` sends it
 * on purpose. Returns null when there was nothing to finish.
 */
export async function resumeDigest(deps: DigestDeps, env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<SendSummary | null> {
  const { config, store } = deps;
  const week = weekRange(lastCompleteWeek(deps.clock.now(), config.site.timezone), config.site.timezone).id;
  const digests = store.digests();
  const stored = digests.getDigest(week);
  if (stored === null || stored.withdrawnAt != null) return null;
  const log = digests.listDeliveries(week);
  if (log.length === 0) return null;
  const settled = new Set(log.filter((delivery) => delivery.status !== 'pending').map((delivery) => delivery.recipient));
  const left = digestAudience(config, store).recipients.filter((recipient) => !settled.has(recipient.address.toLowerCase()));
  if (left.length === 0) return null;
  deps.logger.info({ week, left: left.length }, 'digest: finishing the issue an earlier run left partly sent');
  const summary = await sendDigest(deps, readDigestIssue(stored.week, stored.issue), { env, ...(signal ? { signal } : {}) });
  logDelivered(deps, week, summary);
  return summary;
}
