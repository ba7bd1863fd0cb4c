// Adapter for nodemailer: the only module that imports it. Renders a message to RFC 5322 bytes,
// sends it over SMTP, or drops it as an .eml file in the outbox; failures become MailFailure.
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { writeFileAtomic } from '../publish/atomic-write.js';

/** What veille sends: one recipient, both alternatives, fixed Message-ID. */
export interface OutgoingMessage {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** With angle brackets: "<2026-W48.abc@example.org>". */
  readonly messageId: string;
  readonly date: Date;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * A failed send. transient (connection, timeout, 4xx): retried; permanent (5xx for this message):
 * recorded, the batch goes on; setup (login refused, no TLS, bad config): no message can go, the batch stops.
 */
export type MailFailureKind = 'transient' | 'permanent' | 'setup';

export class MailFailure extends Error {
  override readonly name = 'MailFailure';

  constructor(
    readonly kind: MailFailureKind,
    message: string,
    readonly responseCode: number | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface Mailer {
  /** Where messages go, for logs: "smtp://host:port" or the outbox folder. */
  readonly target: string;
  send(message: OutgoingMessage, folder: string): Promise<void>;
  close(): void;
}

export interface SmtpOptions {
  readonly host: string;
  readonly port: number;
  /** true: TLS from the first byte (port 465); false: STARTTLS. */
  readonly secure: boolean;
  /** With `secure` false: refuse to send when the server does not offer STARTTLS. */
  readonly requireTls: boolean;
  readonly user: string | null;
  readonly password: string | null;
  readonly timeoutMs: number;
}

function toMailOptions(message: OutgoingMessage) {
  return {
    from: message.from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    messageId: message.messageId,
    date: message.date,
    headers: { ...message.headers },
    // The text is all in the body: nothing is to be fetched from a URL or a file.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

/** The message as RFC 5322 bytes (CRLF line ends), as it would go on the wire. */
export async function renderMessage(message: OutgoingMessage): Promise<Buffer> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const info = await transport.sendMail(toMailOptions(message));
  return info.message as Buffer;
}

export function createSmtpMailer(options: SmtpOptions): Mailer {
  const transport = nodemailer.createTransport({
    host: options.host,
    port: options.port,
    secure: options.secure,
    requireTLS: !options.secure && options.requireTls,
    ...(options.user !== null ? { auth: { user: options.user, pass: options.password ?? '' } } : {}),
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    target: `smtp://${options.host}:${options.port}`,
    async send(message) {
      try {
        await transport.sendMail(toMailOptions(message));
      } catch (error) {
        throw toMailFailure(error);
      }
    },
    close: () => transport.close(),
  };
}

/** Writes each message as <outbox>/<folder>/<file>.eml: what `smtp` would have sent. */
export function createOutboxMailer(outbox: string): Mailer {
  return {
    target: outbox,
    async send(message, folder) {
      const bytes = await renderMessage(message);
      await writeFileAtomic(join(outbox, folder, `${fileNameFor(message.to)}.eml`), bytes);
    },
    close: () => undefined,
  };
}

/** An address as a file name: letters, digits, dot, dash, @ and underscore only. */
export function fileNameFor(address: string): string {
  return address.toLowerCase().replace(/[^a-z0-9.@_-]/g, '_').replace(/^\.+/, '_');
}

const SETUP_CODES = new Set(['EAUTH', 'ENOAUTH', 'ETLS', 'EREQUIRETLS', 'ECONFIG']);

function toMailFailure(error: unknown): MailFailure {
  const details = error as { responseCode?: unknown; code?: unknown; message?: unknown } | null;
  const responseCode = typeof details?.responseCode === 'number' ? details.responseCode : null;
  const code = typeof details?.code === 'string' ? details.code : '';
  const message = typeof details?.message === 'string' ? details.message : String(error);
  // A refused login or a server without STARTTLS concerns every message, not this one.
  // RFC 5321 §4.2.1: 5yz is a permanent negative reply; 4yz and no reply at all are worth a retry.
  const kind: MailFailureKind = SETUP_CODES.has(code)
    ? 'setup'
    : responseCode !== null && responseCode >= 500
      ? 'permanent'
      : 'transient';
  return new MailFailure(kind, `email: ${code !== '' ? `${code}: ` : ''}${message}`, responseCode, { cause: error });
}
