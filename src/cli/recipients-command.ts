// `veille recipients list|add|remove|export` (issue 23): the recipients as state, the config's list
// plus sign-ups minus who left, each change with when and how. Operator output, in English.
import { addRecipient, addressOfToken, recipientLines, removeRecipient, type RecipientLine } from '../app/subscribers.js';
import type { App } from '../app/app.js';
import { displayPath } from '../config/load-config.js';
import { VeilleError } from '../domain/errors.js';
import { isMailAddress } from '../email/subscriber-endpoints.js';
import { themeInfos } from '../tag/taxonomy.js';
import { formatLocalTime, formatTable, type Output } from './output.js';

export interface RecipientsOptions {
  readonly themes?: string | undefined;
  readonly mailto?: boolean | undefined;
}

export function runRecipientsCommand(app: App, args: readonly string[], options: RecipientsOptions, output: Output): number {
  const [action, target, ...extra] = args;
  if (extra.length > 0) throw new VeilleError('USAGE', `recipients ${action}: unexpected argument "${extra[0]}"`);
  const { config, store } = app;
  const now = app.clock.now().toISOString();
  switch (action) {
    case 'list': {
      const lines = recipientLines(config, store);
      output.out(
        formatTable(
          ['ADDRESS', 'FROM', 'STATE', 'THEMES', 'HOW', 'SINCE'],
          lines.map((line) => [line.address, fromOf(line), line.state, line.themes?.join(',') || 'all', line.how, formatLocalTime(line.since, config.site.timezone)]),
        ),
      );
      const active = lines.filter((line) => line.state === 'subscribed').length;
      output.out(`${active} of ${lines.length} recipients get the digest (times in ${config.site.timezone})\n`);
      return 0;
    }
    case 'export': {
      output.out('address,from,state,themes,how,since\n');
      for (const line of recipientLines(config, store)) {
        output.out(`${[line.address, fromOf(line), line.state, line.themes?.join(' ') ?? '', line.how, line.since ?? ''].map(csvCell).join(',')}\n`);
      }
      return 0;
    }
    case 'add': {
      const address = checkedAddress(action, target);
      const themes = options.themes === undefined ? null : checkedThemes(app, options.themes);
      const row = addRecipient(store, address, themes, now);
      output.out(`${row.address}: subscribed${row.themes && row.themes.length > 0 ? ` (themes ${row.themes.join(', ')})` : ''}\n`);
      return 0;
    }
    case 'remove': {
      if (target === undefined || target === '') throw new VeilleError('USAGE', 'recipients remove: needs the ADDRESS (or the token of an unsubscribe mail)');
      const address = target.includes('@') ? checkedAddress(action, target) : addressOfToken(config, app.env, store, target);
      if (address === null) throw new VeilleError('USAGE', `recipients remove: "${target}" is neither an address nor a valid unsubscribe token`);
      const changed = removeRecipient(store, address, options.mailto === true ? 'mailto' : 'operator', now);
      const stillConfigured = config.email.recipients.some((recipient) => recipient.address.toLowerCase() === address);
      output.out(
        `${address}: ${changed ? 'unsubscribed' : 'had already unsubscribed'}; never written to again` +
          (stillConfigured ? ` (it is still in email.recipients of ${displayPath(config.file)}: you may remove it there)` : '') +
          '\n',
      );
      return 0;
    }
    default:
      throw new VeilleError('USAGE', `recipients: unknown action "${action ?? ''}" (list, add, remove or export)`);
  }
}

function fromOf(line: RecipientLine): string {
  return line.inConfig ? 'config' : line.origin;
}

function checkedAddress(action: string, value: string | undefined): string {
  const address = (value ?? '').trim().toLowerCase();
  if (!isMailAddress(address)) throw new VeilleError('USAGE', `recipients ${action}: "${value ?? ''}" is not an email address`);
  return address;
}

function checkedThemes(app: App, value: string): string[] {
  const known = themeInfos(app.taxonomy, app.locale.primary).map((theme) => theme.id);
  const themes = value.split(',').map((id) => id.trim()).filter((id) => id !== '');
  const unknown = themes.filter((id) => !known.includes(id));
  if (unknown.length > 0) throw new VeilleError('USAGE', `recipients add: --themes: unknown theme ${unknown.join(', ')} (known: ${known.join(', ')})`);
  return themes;
}

/** RFC 4180 quoting; a cell a spreadsheet would read as a formula starts with an apostrophe (OWASP CSV injection). */
function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
