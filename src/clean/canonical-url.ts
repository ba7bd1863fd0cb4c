// Canonical form of a link: absolute http(s), lowercase scheme and host, no default port, no
// fragment, no tracking parameters. The same story reached through two newsletters gets one URL.
import { queryParameterName } from '../domain/web-url.js';

/** Query parameters that only identify a campaign or a click, never the page. Sorted. */
export const TRACKING_PARAMETERS: readonly string[] = [
  '__s',
  '_ga',
  '_gl',
  '_hsenc',
  '_hsmi',
  'dclid',
  'fbclid',
  'gbraid',
  'gclid',
  'gclsrc',
  'igshid',
  'mc_cid',
  'mc_eid',
  'mkt_tok',
  'msclkid',
  'oly_anon_id',
  'oly_enc_id',
  'ref_src',
  'spm',
  'ttclid',
  'twclid',
  'vero_conv',
  'vero_id',
  'wbraid',
  'wt_mc',
  'yclid',
];

/** Parameter name prefixes that are tracking whatever follows (`utm_source`, `utm_medium`, ...). */
export const TRACKING_PREFIXES: readonly string[] = ['utm_'];

const TRACKING = new Set(TRACKING_PARAMETERS);

export function isTrackingParameter(name: string): boolean {
  const key = name.toLowerCase();
  return TRACKING.has(key) || TRACKING_PREFIXES.some((prefix) => key.startsWith(prefix));
}

/**
 * Absolute canonical http(s) URL, or null when `raw` (resolved against `base`) is not one.
 * The remaining query keeps its order and its original encoding. Never throws.
 */
export function canonicalizeUrl(raw: string, base?: string): string | null {
  if (typeof raw !== 'string') return null;
  const input = raw.trim();
  if (input === '') return null;
  let url: URL;
  try {
    url = base === undefined ? new URL(input) : new URL(input, base);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.hostname === '') return null;
  url.hash = '';
  const query = url.search.slice(1);
  if (query !== '') {
    const kept = query.split('&').filter((pair) => pair !== '' && !isTrackingParameter(queryParameterName(pair)));
    url.search = kept.length > 0 ? `?${kept.join('&')}` : '';
  } else {
    url.search = '';
  }
  // WHATWG URL already lowercases scheme and host and drops the default port.
  return url.href;
}
