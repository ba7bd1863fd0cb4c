// Sends an issue to its recipients at most once each: every recipient is claimed in the delivery
// log before the message leaves and marked after, so a crash or an SMTP failure mid-batch is
// resumed by the next run without sending anyone twice.
import type { DigestIssue } from '../digest/issue.js';
import type { Logger } from '../domain/ports.js';
import type { DigestStore } from '../store/digest-store.js';
import { MailFailure, type Mailer, type OutgoingMessage } from './mailer.js';

export interface Recipient {
  readonly address: string;
  readonly themes?: readonly string[] | undefined;
}

export interface SendOptions {
  readonly issue: DigestIssue;
  readonly recipients: readonly Recipient[];
  readonly digests: DigestStore;
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
  /** Already sent, refused for good, or left uncertain by an earlier run: not sent again. */
  readonly skipped: string[];
  /** Refused for good (5xx) in this run. */
  readonly failed: Array<{ recipient: string; error: string }>;
  /** Transient failures after every retry, or not reached: the next run tries them again. */
  readonly pending: Array<{ recipient: string; error: string }>;
  /** Why the batch stopped early, or null. */
  readonly stopped: string | null;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function sendIssue(options: SendOptions): Promise<SendSummary> {
  const { issue, digests, mailer, logger } = options;
  const sleep = options.sleep ?? defaultSleep;
  const summary: SendSummary = { sent: [], skipped: [], failed: [], pending: [], stopped: null };
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
    if (!digests.claimDelivery(issue.week, address, message.messageId, options.now().toISOString())) {
      summary.skipped.push(address);
      continue;
    }
    let attempts = 0;
    for (;;) {
      attempts += 1;
      try {
        await mailer.send(message, issue.week);
        digests.recordDelivery(issue.week, address, { status: 'sent', attempts, error: null }, options.now().toISOString());
        summary.sent.push(address);
        logger.info({ week: issue.week, recipient: address, attempts }, 'digest sent');
        break;
      } catch (error) {
        const failure = error instanceof MailFailure ? error : null;
        const reason = error instanceof Error ? error.message : String(error);
        if (failure?.kind === 'permanent') {
          digests.recordDelivery(issue.week, address, { status: 'failed', attempts, error: reason }, options.now().toISOString());
          summary.failed.push({ recipient: address, error: reason });
          logger.warn({ week: issue.week, recipient: address, err: reason }, 'digest refused for good; the batch goes on');
          break;
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
        summary.pending.push({ recipient: address, error: reason });
        // A 4xx concerns this message; no answer at all, or 421 (the server is closing, RFC 5321
        // §3.8), would fail the rest as well.
        if (failure?.kind !== 'transient' || failure.responseCode === null || failure.responseCode === 421) stopped = reason;
        logger.warn({ week: issue.week, recipient: address, err: reason }, 'digest not sent; the next run tries again');
        break;
      }
    }
  }
  return { ...summary, stopped };
}
