// convertToFetchError: transport failures (undici and system codes) become FetchError codes.

import { describe, expect, it } from 'vitest';
import { VeilleError } from '../../src/domain/errors.js';
import { FetchError, convertToFetchError } from '../../src/fetch/fetch-error.js';

const FEED_URL = 'https://aihub.org/feed/';

function errorWithCode(code: string, cause?: unknown): Error {
  return Object.assign(new Error(`failed with ${code}`, cause === undefined ? undefined : { cause }), { code });
}

describe('convertToFetchError', () => {
  it.each([
    { name: 'ENOTFOUND', error: errorWithCode('ENOTFOUND'), code: 'FETCH_DNS' },
    { name: 'EAI_AGAIN (resolver unavailable)', error: errorWithCode('EAI_AGAIN'), code: 'FETCH_DNS' },
    { name: 'ECONNREFUSED', error: errorWithCode('ECONNREFUSED'), code: 'FETCH_REFUSED' },
    { name: 'happy-eyeballs AggregateError of refusals', error: new AggregateError([errorWithCode('ECONNREFUSED'), errorWithCode('ECONNREFUSED')]), code: 'FETCH_REFUSED' },
    { name: 'ECONNRESET', error: errorWithCode('ECONNRESET'), code: 'FETCH_RESET' },
    { name: 'UND_ERR_SOCKET (other side closed)', error: errorWithCode('UND_ERR_SOCKET'), code: 'FETCH_RESET' },
    { name: 'UND_ERR_CONNECT_TIMEOUT', error: errorWithCode('UND_ERR_CONNECT_TIMEOUT'), code: 'FETCH_TIMEOUT' },
    { name: 'UND_ERR_HEADERS_TIMEOUT', error: errorWithCode('UND_ERR_HEADERS_TIMEOUT'), code: 'FETCH_TIMEOUT' },
    { name: 'UND_ERR_BODY_TIMEOUT', error: errorWithCode('UND_ERR_BODY_TIMEOUT'), code: 'FETCH_TIMEOUT' },
    { name: 'CERT_HAS_EXPIRED', error: errorWithCode('CERT_HAS_EXPIRED'), code: 'FETCH_TLS' },
    { name: 'DEPTH_ZERO_SELF_SIGNED_CERT', error: errorWithCode('DEPTH_ZERO_SELF_SIGNED_CERT'), code: 'FETCH_TLS' },
    { name: 'ERR_TLS_CERT_ALTNAME_INVALID', error: errorWithCode('ERR_TLS_CERT_ALTNAME_INVALID'), code: 'FETCH_TLS' },
    { name: 'a code found on the cause', error: errorWithCode('UND_ERR', errorWithCode('ENOTFOUND')), code: 'FETCH_DNS' },
    { name: 'HPE_INVALID_CONSTANT (malformed HTTP)', error: errorWithCode('HPE_INVALID_CONSTANT'), code: 'FETCH_NETWORK' },
    { name: 'anything else', error: new Error('boom'), code: 'FETCH_NETWORK' },
    { name: 'a thrown string', error: 'boom', code: 'FETCH_NETWORK' },
  ])('$name → $code', ({ error, code }) => {
    const fetchError = convertToFetchError(error, FEED_URL);
    expect(fetchError).toBeInstanceOf(FetchError);
    expect(fetchError).toBeInstanceOf(VeilleError);
    expect(fetchError).toMatchObject({ code, url: FEED_URL, httpStatus: null, retryAfterMs: null });
    expect(fetchError.message.startsWith(`fetch: ${FEED_URL}: `)).toBe(true);
  });

  it('passes a FetchError through unchanged', () => {
    const original = new FetchError('FETCH_TOO_LARGE', 'fetch: x: too large', { url: FEED_URL });
    expect(convertToFetchError(original, 'https://other.example/')).toBe(original);
  });
});
