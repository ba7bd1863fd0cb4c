// The sign-up's confirmation letter (issue 23): one link, signed and valid a few days, to the page
// that confirms with a button. Nothing else is sent to an address before that link is followed.
import type { SiteLocale } from '../domain/site-locale.js';
import { html } from '../publish/html.js';
import { addressOf } from './compose.js';
import type { OutgoingMessage } from './mailer.js';

export interface ConfirmLetterOptions {
  readonly from: string;
  readonly to: string;
  readonly siteTitle: string;
  readonly confirmUrl: string;
  readonly confirmDays: number;
  readonly requestId: string;
  readonly date: Date;
  readonly locale: SiteLocale;
}

export function composeConfirmLetter(options: ConfirmLetterOptions): OutgoingMessage {
  const words = options.locale.words.subscribers;
  const days = options.locale.count(options.confirmDays, words.day);
  const [before, after] = words.confirmLetter(options.siteTitle, days);
  const domain = addressOf(options.from).split('@')[1] ?? 'veille.invalid';
  return {
    from: options.from,
    to: options.to,
    subject: words.confirmSubject(options.siteTitle),
    text: `${before}\n\n${options.confirmUrl}\n\n${after}\n`,
    html: html`<!doctype html>
<html lang="${options.locale.language}"><head><meta charset="utf-8"><title>${words.confirmSubject(options.siteTitle)}</title></head>
<body>
<p>${before}</p>
<p><a href="${options.confirmUrl}">${words.confirmLink}</a></p>
<p>${after}</p>
</body></html>
`.toString(),
    messageId: `<veille-confirm.${options.requestId}@${domain}>`,
    date: options.date,
    // A confirmation is not list mail (RFC 3834 §5: automatic, no auto-reply wanted).
    headers: { 'Auto-Submitted': 'auto-generated' },
  };
}
