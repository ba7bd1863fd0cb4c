// The opaque tokens of the unsubscribe and confirmation links (issue 23, RFC 8058 §3: the URI alone
// must suffice and must not be guessable): a random public id, then an HMAC-SHA256 over the list,
// that id, the address and the subscription's epoch, with a secret the store or the environment
// keeps. The address is never in the token; a token made before a re-subscription no longer matches.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Characters of the random id (9 bytes in base64url) and of the MAC (16 bytes). */
const ID_LENGTH = 12;
const MAC_LENGTH = 22;
export const TOKEN_LENGTH = ID_LENGTH + MAC_LENGTH;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]+$/;

export interface TokenSubject {
  readonly publicId: string;
  readonly address: string;
  readonly epoch: number;
}

function mac(secret: string, purpose: string, list: string, id: string, address: string, extra: string): string {
  return createHmac('sha256', secret)
    .update(`veille-${purpose}\n${list}\n${id}\n${address.toLowerCase()}\n${extra}`)
    .digest()
    .subarray(0, 16)
    .toString('base64url');
}

export function unsubscribeToken(secret: string, list: string, subject: TokenSubject): string {
  return subject.publicId + mac(secret, 'unsubscribe', list, subject.publicId, subject.address, String(subject.epoch));
}

export function confirmToken(secret: string, list: string, request: { id: string; address: string; expiresAt: string }): string {
  return request.id + mac(secret, 'confirm', list, request.id, request.address, request.expiresAt);
}

/** The id part of a token of the right shape, or null (too short, too long, other characters). */
export function tokenId(token: string): string | null {
  return token.length === TOKEN_LENGTH && TOKEN_SHAPE.test(token) ? token.slice(0, ID_LENGTH) : null;
}

/** True when `given` is `expected`, compared in constant time (both are TOKEN_LENGTH ASCII characters). */
export function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
