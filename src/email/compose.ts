// One recipient's message for an issue: their themes only, the subject in the site's language, a Message-ID fixed per
// issue and recipient, a List-Unsubscribe header (RFC 2369) always: a mailto: to the sender, plus one-click (RFC 8058)
// when an unsubscribe URL is configured.
import { createHash } from 'node:crypto';
import type { DigestIssue } from '../domain/digest.js';
import type { SiteLocale } from '../domain/site-locale.js';
import { renderEmailHtml, renderEmailText, type UnsubscribeMail } from '../digest/render-email.js';
import type { OutgoingMessage } from './mailer.js';

export interface ComposeOptions {
  readonly from: string;
  /** The issue's web page (absolute). */
  readonly pageUrl: string;
  /** With "{email}" replaced by the recipient's address (URL-encoded). */
  readonly unsubscribeUrl: string | null;
  /**
   * This recipient's unsubscribe page on veille's own server (server.publicUrl, issue 23): an opaque
   * token, never the address; it wins over unsubscribeUrl, and the mailto: subject names the token.
   */
  readonly unsubscribePage?: { readonly url: string; readonly token: string } | undefined;
  readonly date: Date;
  /** The site's language: the letter's words and the unsubscribe subject. */
  readonly locale: SiteLocale;
}

/** The address inside "Name <address>", or the text itself. */
export function addressOf(mailbox: string): string {
  const match = /<([^<>]+)>\s*$/.exec(mailbox);
  return (match?.[1] ?? mailbox).trim();
}

/** "<2026-W48.3f2a…@example.org>": the same for the same issue and recipient, on every run. */
export function messageIdFor(week: string, recipient: string, from: string): string {
  const domain = addressOf(from).split('@')[1] ?? 'veille.invalid';
  const hash = createHash('sha256').update(`${week}\n${recipient.toLowerCase()}`).digest('hex').slice(0, 20);
  return `<veille-digest.${week}.${hash}@${domain}>`;
}

export function unsubscribeUrlFor(template: string | null, recipient: string): string | null {
  return template === null ? null : template.replaceAll('{email}', encodeURIComponent(recipient));
}

/**
 * The sender's address, with a subject naming the recipient ("désabonnement lea@example.org", or
 * their unsubscribe token when veille serves the page), as a mailto: URI (RFC 6068).
 */
export function unsubscribeMailFor(from: string, recipient: string, locale: SiteLocale): UnsubscribeMail {
  const address = addressOf(from);
  const subject = `${locale.words.unsubscribeSubject} ${recipient}`;
  return { address, subject, uri: `mailto:${address}?subject=${encodeURIComponent(subject)}` };
}

/** `issue` already holds only the recipient's themes (selectThemes). */
export function composeMessage(issue: DigestIssue, recipient: string, options: ComposeOptions): OutgoingMessage {
  const page = options.unsubscribePage;
  const unsubscribe = page?.url ?? unsubscribeUrlFor(options.unsubscribeUrl, recipient);
  const mail = unsubscribeMailFor(options.from, page?.token ?? recipient, options.locale);
  // Without a page, the footer says how to stop by mail; with one, its link says it.
  const links = { pageUrl: options.pageUrl, unsubscribeUrl: unsubscribe, unsubscribeMail: unsubscribe === null ? mail : null };
  // RFC 2369 §3.2: a mailto: the list's readers (and their mail clients' "unsubscribe" button) can always use.
  const headers: Record<string, string> = { 'List-Unsubscribe': `<${mail.uri}>` };
  if (unsubscribe !== null) {
    // Veille's own page first: the one-click URI a mail client should prefer (RFC 2369 §2).
    headers['List-Unsubscribe'] = page !== undefined ? `<${unsubscribe}>, <${mail.uri}>` : `<${mail.uri}>, <${unsubscribe}>`;
    // RFC 8058: the https URI accepts a POST with this body, no confirmation page needed.
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }
  return {
    from: options.from,
    to: recipient,
    subject: issue.title,
    text: renderEmailText(issue, links, options.locale),
    html: renderEmailHtml(issue, links, options.locale),
    messageId: messageIdFor(issue.week, recipient, options.from),
    date: options.date,
    headers,
  };
}
