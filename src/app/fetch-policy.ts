// The fetch policy from the config: one place, so the cycle and `sources add` fetch alike.
import type { Config } from '../config/load-config.js';
import type { FetchPolicy } from '../fetch/fetch-feed.js';

/** `untrusted`: the URL does not come from the user's config (see FetchPolicy.untrusted). */
export function fetchPolicyFor(config: Config, userAgent: string, options: { untrusted: boolean }): FetchPolicy {
  return {
    userAgent,
    connectTimeoutMs: config.fetch.connectTimeoutMs,
    headersTimeoutMs: config.fetch.headersTimeoutMs,
    bodyTimeoutMs: config.fetch.bodyTimeoutMs,
    maxBytes: config.fetch.maxBytes,
    maxRedirects: config.fetch.maxRedirects,
    untrusted: options.untrusted,
    allowPrivateHosts: config.fetch.allowPrivateHosts,
  };
}
