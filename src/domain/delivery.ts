// The email delivery log's records: one row per issue and recipient, so that each message is
// sent at most once.

/**
 * 'sending' is claimed and not yet answered: in flight, or, when the process that claimed it is
 * gone (SIGKILL, power loss), uncertain: the server may or may not have the message.
 */
export type DeliveryStatus = 'sending' | 'sent' | 'failed' | 'pending';

export interface Delivery {
  readonly week: string;
  readonly recipient: string;
  readonly messageId: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly sentAt: string | null;
  /** When the row last changed: for a 'sending' row, when the message was claimed. */
  readonly updatedAt: string;
  /** Times sent again on purpose (digest --resend), and the last time. */
  readonly resends: number;
  readonly resentAt: string | null;
}

/** What claimDelivery found: 'claimed' when the message may go now, else the status that stops it. */
export type ClaimOutcome = 'claimed' | Exclude<DeliveryStatus, 'pending'>;

/** What one attempt at a message came to, as recorded. */
export interface DeliveryRecord {
  readonly status: 'sent' | 'failed' | 'pending';
  readonly attempts: number;
  readonly error: string | null;
}
