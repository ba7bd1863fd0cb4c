// Sends an issue to its recipients at most once each: every recipient is claimed in the delivery
// log before the message leaves and marked after, so a crash or an SMTP failure mid-batch is
// resumed by the next run without sending anyone twice. A claim a killed process left unanswered
// is reported as uncertain, never sent again by itself; `resendIssue` sends it on purpose.
import type { DigestIssue } from '../domain/digest.js';
import type { DeliveryLog, Logger } from '../domain/ports.js';
import { MailFailure, type Mailer, type OutgoingMessage } from './mailer.js';

export interface Recipient {
  readonly address: string;
  readonly themes?: readonly string[] | undefined;
}

export interface SendOptions {
  readonly issue: DigestIssue;
  readonly recipients: readonly Recipient[];
  /** The delivery log the recipients are claimed and marked in. */
  readonly digests: DeliveryLog;
  readonly mailer: Mailer;
  /** The message of one recipient (their themes selected, links filled). */
  readonly compose: (recipient: Recipient) => OutgoingMessage;
  readonly now: () => Date;
  readonly logger: Logger;
  /** Tries per message for transient failures, and the first wait, doubled each time. */
  readonly retry: { readonly attempts: number; readonly delayMs: number };
  readonly sleep?: (ms: number) => Promise<void>;
  /** Aborted: no new message is started; the rest waits for the next run. */
  readonly signal?: AbortSignal;
}

export interface SendSummary {
  readonly sent: string[];
  /** Already sent, or refused for good by an earlier run: not sent again. */
  readonly skipped: string[];
  /**
   * Claimed by an earlier run that never recorded the answer (killed between the claim and the
   * server's reply): the server may or may not have the message. Not sent again (at most once);
   * `digest --resend` sends it on purpose.
   */
  readonly uncertain: Array<{ recipient: string; since: string }>;
  /** Refused for good (5xx) in this run. */
  readonly failed: Array<{ recipient: string; error: string }>;
  /** Transient failures after every retry, or not reached: the next run tries them again. */
  readonly pending: Array<{ recipient: string; error: string }>;
  /** Why the batch stopped early, or null. */
  readonly stopped: string | null;
}

/** What one message's delivery came to, once recorded in the delivery log. */
export type DeliveryOutcome =
  | { readonly status: 'sent' }
  | { readonly status: 'failed' | 'pending'; readonly error: string; readonly stopsBatch: boolean };

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function sendIssue(options: SendOptions): Promise<SendSummary> {
  const { issue, digests } = options;
  const summary: SendSummary = { sent: [], skipped: [], uncertain: [], failed: [], pending: [], stopped: null };
  const seen = new Set<string>();
  let stopped: string | null = null;
  for (const recipient of options.recipients) {
    const address = recipient.address.toLowerCase();
    if (seen.has(address)) continue;
    seen.add(address);
    if (stopped !== null || options.signal?.aborted) {
      stopped ??= 'stopped';
      summary.pending.push({ recipient: address, error: stopped });
      continue;
    }
    const message = options.compose({ ...recipient, address });
    const claim = digests.claimDelivery(issue.week, address, message.messageId, options.now().toISOString());
    if (claim === 'sending') {
      // The caller holds the data folder's lock: no other veille is sending, so this claim was
      // left by a process that died before the server's answer was recorded.
      const since = digests.listDeliveries(issue.week).find((delivery) => delivery.recipient === address)?.updatedAt ?? '';
      summary.uncertain.push({ recipient: address, since });
      options.logger.warn({ week: issue.week, recipient: address, since }, UNCERTAIN_LOG);
      continue;
    }
    if (claim !== 'claimed') {
      summary.skipped.push(address);
      continue;
    }
    const outcome = await deliver(message, address, options);
    if (outcome.status === 'sent') summary.sent.push(address);
    else {
      (outcome.status === 'failed' ? summary.failed : summary.pending).push({ recipient: address, error: outcome.error });
      if (outcome.stopsBatch) stopped = outcome.error;
    }
  }
  return { ...summary, stopped };
}

/** Operator-facing words for a claim left without an answer (issue 13, finding 5). */
export const UNCERTAIN_LOG = 'uncertain: the server may or may not have the message (a send was interrupted); not sent again';

export interface ResendOptions extends Omit<SendOptions, 'recipients' | 'signal'> {
  readonly recipient: Recipient;
}

/**
 * Sends the issue again to one recipient, on purpose, whatever the log says (an uncertain claim,
 * a message the reader lost): recorded as a resend. The Message-ID is the one of the first send,
 * so that a mailbox that did get the first copy can recognise the second as the same message.
 */
export async function resendIssue(options: ResendOptions): Promise<DeliveryOutcome> {
  const address = options.recipient.address.toLowerCase();
  const message = options.compose({ ...options.recipient, address });
  options.digests.claimResend(options.issue.week, address, message.messageId, options.now().toISOString());
  return deliver(message, address, options);
}

/** Sends one claimed message, retrying transient failures, and records the outcome. */
async function deliver(message: OutgoingMessage, address: string, options: Omit<SendOptions, 'recipients' | 'compose'>): Promise<DeliveryOutcome> {
  const { issue, digests, mailer, logger } = options;
  const sleep = options.sleep ?? defaultSleep;
  let attempts = 0;
  for (;;) {
    attempts += 1;
    try {
      await mailer.send(message, issue.week);
      digests.recordDelivery(issue.week, address, { status: 'sent', attempts, error: null }, options.now().toISOString());
      logger.info({ week: issue.week, recipient: address, attempts }, 'digest sent');
      return { status: 'sent' };
    } catch (error) {
      const failure = error instanceof MailFailure ? error : null;
      const reason = error instanceof Error ? error.message : String(error);
      if (failure?.kind === 'permanent') {
        digests.recordDelivery(issue.week, address, { status: 'failed', attempts, error: reason }, options.now().toISOString());
        logger.warn({ week: issue.week, recipient: address, err: reason }, 'digest refused for good; the batch goes on');
        return { status: 'failed', error: reason, stopsBatch: false };
      }
      if (failure?.kind === 'transient' && attempts < options.retry.attempts) {
        const wait = options.retry.delayMs * 2 ** (attempts - 1);
        logger.warn({ week: issue.week, recipient: address, err: reason, retryInMs: wait }, 'digest not sent; retrying');
        await sleep(wait);
        continue;
      }
      // Transient after every retry, a setup problem, or the outbox cannot be written: this
      // recipient waits for the next run.
      digests.recordDelivery(issue.week, address, { status: 'pending', attempts, error: reason }, options.now().toISOString());
      logger.warn({ week: issue.week, recipient: address, err: reason }, 'digest not sent; the next run tries again');
      // A 4xx concerns this message; no answer at all, or 421 (the server is closing, RFC 5321
      // §3.8), would fail the rest as well.
      const stopsBatch = failure?.kind !== 'transient' || failure.responseCode === null || failure.responseCode === 421;
      return { status: 'pending', error: reason, stopsBatch };
    }
  }
}
