// What a file request asks for beyond the file: the content coding it accepts (Accept-Encoding,
// RFC 9110 §12.5.3) and the single byte range it wants (Range and If-Range, RFC 9110 §14).
// Both read request headers: linear in their length, no regular expression over them.

import type { ContentCoding } from './compressed-forms.js';

export type Coding = ContentCoding | 'identity';

/**
 * The coding to answer with among `available` (best first) and identity, or null when the request
 * refuses identity and every available coding (`identity;q=0`, `*;q=0`): the caller answers 406.
 * No header: identity (RFC 9110 §12.5.3 allows any, and a client that sends none may decode none).
 * Highest weight wins; at equal weight the order of `available`, then identity, which is chosen over
 * a compressed form only when the request names it with a higher weight.
 */
export function chooseCoding(header: string | undefined, available: readonly ContentCoding[]): Coding | null {
  if (header === undefined) return 'identity';
  const weights = new Map<string, number>();
  for (const part of header.split(',')) {
    const [rawName = '', ...params] = part.split(';');
    const name = rawName.trim().toLowerCase();
    if (name === '') continue;
    let weight = 1;
    for (const param of params) {
      const [key = '', value = ''] = param.split('=');
      if (key.trim().toLowerCase() !== 'q') continue;
      weight = parseWeight(value.trim());
    }
    if (Number.isNaN(weight)) continue;
    const key = name === 'x-gzip' ? 'gzip' : name;
    weights.set(key, Math.max(weight, weights.get(key) ?? 0));
  }
  const star = weights.get('*');
  let best: Coding | null = null;
  let bestWeight = 0;
  for (const coding of available) {
    const weight = weights.get(coding) ?? star ?? 0;
    if (weight > bestWeight) [best, bestWeight] = [coding, weight];
  }
  // Identity is acceptable unless refused by name or by `*;q=0` (RFC 9110 §12.5.3).
  const identity = weights.get('identity') ?? (star === 0 ? 0 : Number.NaN);
  if (best === null) return identity === 0 ? null : 'identity';
  return identity > bestWeight ? 'identity' : best;
}

/** A qvalue (RFC 9110 §12.4.2): 0 to 1 with at most three decimals; NaN when malformed. */
function parseWeight(text: string): number {
  if (text.length === 0 || text.length > 5) return Number.NaN;
  for (const char of text) if ((char < '0' || char > '9') && char !== '.') return Number.NaN;
  const weight = Number(text);
  return weight >= 0 && weight <= 1 ? weight : Number.NaN;
}

export type RangeAnswer = { readonly start: number; readonly end: number } | 'unsatisfiable' | null;

/**
 * The single byte range `header` asks of a representation of `size` bytes (end inclusive);
 * 'unsatisfiable' for 416; null to send the whole representation: no Range, a malformed one, or
 * several ranges (a server may ignore Range, RFC 9110 §14.2; multipart answers are not worth it here).
 */
export function parseRange(header: string | undefined, size: number): RangeAnswer {
  if (header === undefined) return null;
  const value = header.trim();
  if (!value.toLowerCase().startsWith('bytes=') || value.includes(',')) return null;
  const spec = value.slice('bytes='.length).trim();
  const dash = spec.indexOf('-');
  if (dash === -1) return null;
  const first = spec.slice(0, dash).trim();
  const last = spec.slice(dash + 1).trim();
  if (!isDigits(first) && !isDigits(last)) return null;
  if (first === '') {
    // A suffix: the last N bytes.
    if (!isDigits(last)) return null;
    const length = Number(last);
    if (length === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - length), end: size - 1 };
  }
  if (!isDigits(first) || (last !== '' && !isDigits(last))) return null;
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) return null;
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

function isDigits(text: string): boolean {
  if (text.length === 0 || text.length > 15) return false;
  for (const char of text) if (char < '0' || char > '9') return false;
  return true;
}

/**
 * If-Range (RFC 9110 §13.1.5): the range applies only while the validator names this
 * representation: an entity tag by strong comparison (a weak one never matches), a date by equality
 * with Last-Modified.
 */
export function rangeStillApplies(ifRange: string | undefined, etag: string, lastModified: string): boolean {
  if (ifRange === undefined) return true;
  const value = ifRange.trim();
  if (value.startsWith('W/')) return false;
  if (value.startsWith('"')) return value === etag;
  return value === lastModified;
}
