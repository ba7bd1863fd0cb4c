// The signature of content distribution (W3C WebSub §8): X-Hub-Signature: method=signature, the
// HMAC of the body under the subscription's hub.secret, the method one of sha1, sha256, sha384, sha512.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_METHODS = ['sha1', 'sha256', 'sha384', 'sha512'] as const;
export type SignatureMethod = (typeof SIGNATURE_METHODS)[number];

/** The header's value for `body` under `secret` (what a hub sends; the tests' hub signs with it). */
export function signBody(body: Buffer | string, secret: string, method: SignatureMethod = 'sha256'): string {
  return `${method}=${createHmac(method, secret).update(body).digest('hex')}`;
}

/**
 * True when `header` is a signature of `body` under `secret` with a method §8 names; a missing
 * header, another method or a wrong digest is false. Compared in constant time.
 */
export function isSignedBy(header: string | string[] | undefined, body: Buffer, secret: string): boolean {
  if (typeof header !== 'string') return false;
  const equals = header.indexOf('=');
  if (equals < 0) return false;
  const method = header.slice(0, equals).trim().toLowerCase();
  if (!(SIGNATURE_METHODS as readonly string[]).includes(method)) return false;
  const given = header.slice(equals + 1).trim().toLowerCase();
  if (!/^[0-9a-f]+$/.test(given)) return false;
  const expected = createHmac(method, secret).update(body).digest();
  const actual = Buffer.from(given, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
