// One webhook request (issue 21): the queued bytes, signed now, with the idempotency key, through
// the fetcher's HTTP client (the address policy applies unless the target allows a private
// address). A webhook URL is a secret (Slack's and Discord's carry their token in the path): what
// this module says names the target by its origin only.
import type { NotifyEventType, RenderedNotification } from '../domain/notify.js';
import { publicUrl } from '../domain/source-url.js';
import { convertToFetchError } from '../fetch/fetch-error.js';
import type { HttpClient } from '../fetch/http-client.js';
import { parseRetryAfter } from '../fetch/retry-after.js';
import { SIGNATURE_HEADER, signBody } from './sign.js';

/** Header of the idempotency key: the same on every attempt (draft-ietf-httpapi-idempotency-key-header). */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const EVENT_HEADER = 'X-Veille-Event';

/** The answer's first bytes kept for the operator (`notify test`, the status's last error). */
const ANSWER_BYTES = 4_096;

export interface SendOptions {
  /** The target's name, for messages. */
  readonly name: string;
  readonly secret: string;
  /** Sent as `Authorization: Bearer …` (Matrix's access token, an ntfy token); null: none. */
  readonly token: string | null;
  readonly key: string;
  readonly event: NotifyEventType;
  readonly userAgent: string;
  readonly now: Date;
  /** The address policy applies: loopback, private and link-local addresses are refused. */
  readonly untrusted: boolean;
  readonly timeoutMs: number;
}

export interface SendResult {
  readonly ok: boolean;
  /** null when no answer came (refused, timed out, blocked). */
  readonly status: number | null;
  /** The answer's first bytes, as text. */
  readonly answer: string;
  /** What went wrong, naming the target by its origin; null when ok. */
  readonly error: string | null;
  /** A 429's or 503's Retry-After, in ms. */
  readonly retryAfterMs: number | null;
  /** The headers sent, the signature's included (for `notify test`). */
  readonly headers: Readonly<Record<string, string>>;
}

export async function sendNotification(client: HttpClient, notification: RenderedNotification, options: SendOptions): Promise<SendResult> {
  const headers: Record<string, string> = {
    'content-type': notification.contentType,
    'user-agent': options.userAgent,
    [IDEMPOTENCY_HEADER]: options.key,
    [EVENT_HEADER]: options.event,
    [SIGNATURE_HEADER]: signBody(options.secret, notification.body, Math.floor(options.now.getTime() / 1000)),
    ...(options.token === null ? {} : { authorization: `Bearer ${options.token}` }),
  };
  const where = `${options.name}: ${shownTarget(notification.url)}`;
  try {
    const response = await client.request({
      url: notification.url,
      method: notification.method,
      body: notification.body,
      headers,
      untrusted: options.untrusted,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const answer = await readStart(response.body);
    const ok = response.status >= 200 && response.status < 300;
    const retryAfter = response.headers['retry-after'];
    return {
      ok,
      status: response.status,
      answer,
      error: ok ? null : `notify: ${where}: HTTP ${response.status}${answer.trim() === '' ? '' : `: ${firstLine(answer)}`}`,
      retryAfterMs: typeof retryAfter === 'string' ? parseRetryAfter(retryAfter, options.now) : null,
      headers,
    };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    const failure = convertToFetchError(error, notification.url);
    const reason = timedOut
      ? `no answer within ${options.timeoutMs} ms`
      : failure.message.replace(`fetch: ${publicUrl(notification.url)}: `, '') +
        (failure.code === 'FETCH_BLOCKED_ADDRESS' ? ' (or set allowPrivate: true on this notify target)' : '');
    return { ok: false, status: null, answer: '', error: `notify: ${where}: ${reason}`, retryAfterMs: null, headers };
  }
}

/** The target as messages name it: its origin, never its path (which may hold its token). */
export function shownTarget(url: string): string {
  try {
    return `${new URL(url).origin}/…`;
  } catch {
    return 'the target';
  }
}

async function readStart(body: AsyncIterable<Buffer | string> & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      chunks.push(buffer);
      size += buffer.length;
      if (size >= ANSWER_BYTES) break;
    }
  } finally {
    body.destroy();
  }
  return Buffer.concat(chunks).subarray(0, ANSWER_BYTES).toString('utf8');
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
