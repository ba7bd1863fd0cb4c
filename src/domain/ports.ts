// Small interfaces the stages receive as arguments: a clock, a logger, and what the digest's
// sender and the translator read and write (the store's repositories implement them).
import type { ClaimOutcome, Delivery, DeliveryRecord } from './delivery.js';
import type { CachedTranslation, TranslationKey } from './translation.js';

export interface Clock {
  now(): Date;
}

export interface Logger {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** The email delivery log: a recipient is claimed before the message leaves and marked after. */
export interface DeliveryLog {
  /** 'claimed' when the message may be sent now, else the status found (a 'sending' claim is never taken again). */
  claimDelivery(week: string, recipient: string, messageId: string, now: string): ClaimOutcome;
  /** Claims a recipient for a resend on purpose, whatever its status. */
  claimResend(week: string, recipient: string, messageId: string, now: string): void;
  recordDelivery(week: string, recipient: string, outcome: DeliveryRecord, now: string): void;
  listDeliveries(week: string): Delivery[];
}

/** Translations already paid for, by source text, provider, model, languages and glossary. */
export interface TranslationCache {
  get(key: TranslationKey): CachedTranslation | null;
  put(key: TranslationKey, translation: CachedTranslation, now: string): void;
}
