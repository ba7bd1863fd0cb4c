// The random public ids of subscribers and sign-up requests (issue 23): 9 bytes in base64url. An id
// opens an unsubscribe or confirmation token, which an operator may pass to `veille recipients
// remove TOKEN`: its first character is never "-", which the command line read as an option (one
// token in 64).
import { randomBytes, randomInt } from 'node:crypto';

/** base64url's characters but "-". */
const NOT_A_DASH = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_';

/** A random id of 12 base64url characters, the first never "-". */
export function randomId(): string {
  const id = randomBytes(9).toString('base64url');
  return id.startsWith('-') ? `${NOT_A_DASH.charAt(randomInt(NOT_A_DASH.length))}${id.slice(1)}` : id;
}
