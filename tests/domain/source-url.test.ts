// A source's URL: the public form (no credentials, issue 13 finding 3) and the form sources are
// compared by (issue 13 finding 12: `HTTP://…`, `http://…` and `…#x` were three sources).
import { describe, expect, it } from 'vitest';
import { hasSecret, isSameSourceUrl, publicUrl, SECRET_PARAMETERS, sourceUrlKey } from '../../src/domain/source-url.js';

describe('publicUrl', () => {
  it.each([
    ['drops user name and password', 'http://alice:s3cr3t@example.org/feed', 'http://example.org/feed'],
    ['drops a user name alone', 'https://alice@example.org/feed', 'https://example.org/feed'],
    ['drops token, keeps the rest in order', 'http://example.org/feed?token=abc&x=1', 'http://example.org/feed?x=1'],
    ['drops both', 'http://alice:s3cr3t@127.0.0.1:8080/feed?token=abc&x=1', 'http://127.0.0.1:8080/feed?x=1'],
    ['matches names in any case', 'https://ex.org/f?API_KEY=1&ApiKey=2&Access_Token=3&a=b', 'https://ex.org/f?a=b'],
    ['matches an encoded name', 'https://ex.org/f?%74oken=1&a=b', 'https://ex.org/f?a=b'],
    ['matches suffixes', 'https://ex.org/f?feed_token=1&rss-key=2&client_secret=3&keyword=ai', 'https://ex.org/f?keyword=ai'],
    ['drops signed-URL parameters', 'https://b.s3.example/f.xml?X-Amz-Signature=a&X-Amz-Credential=b&v=1', 'https://b.s3.example/f.xml?v=1'],
    ['removes a query left empty', 'https://ex.org/f?sig=abc', 'https://ex.org/f'],
    ['drops the fragment', 'https://ex.org/f#access_token=abc', 'https://ex.org/f'],
    ['keeps a clean URL as it is', 'https://ex.org/feed/?page=2', 'https://ex.org/feed/?page=2'],
    ['a string that is not a URL loses its query', 'not a url?token=abc', 'not a url'],
    ['a broken URL loses its credentials', 'http://alice:s3cr3t@[bad/feed?token=abc', 'http://[bad/feed'],
  ])('%s', (_name, input, expected) => {
    expect(publicUrl(input)).toBe(expected);
  });

  it('every name of the table is removed', () => {
    for (const name of SECRET_PARAMETERS) expect(publicUrl(`https://ex.org/?${name}=v&a=1`)).toBe('https://ex.org/?a=1');
  });

  it.each([
    ['credentials', 'http://a:b@ex.org/', true],
    ['a token', 'http://ex.org/?token=1', true],
    ['only a fragment', 'http://ex.org/#x', false],
    ['nothing', 'http://ex.org/feed?page=1', false],
  ])('hasSecret: %s', (_name, input, expected) => {
    expect(hasSecret(input)).toBe(expected);
  });
});

describe('sourceUrlKey', () => {
  it.each([
    ['scheme and host case, default port, fragment', 'HTTP://Example.ORG:80/feed#x', 'http://example.org/feed'],
    ['https default port', 'https://example.org:443/feed', 'https://example.org/feed'],
    ['an empty path is "/" (RFC 3986 §6.2.3)', 'http://example.org', 'http://example.org/'],
    ['percent-encoding case (RFC 3986 §6.2.2.1)', 'http://ex.org/a%3ab', 'http://ex.org/a%3Ab'],
    ['encoded unreserved characters (RFC 3986 §6.2.2.2)', 'http://ex.org/%7Euser/%41', 'http://ex.org/~user/A'],
  ])('normalizes %s', (_name, input, expected) => {
    expect(sourceUrlKey(input)).toBe(expected);
  });

  it.each([
    ['a trailing slash', 'http://ex.org/feed', 'http://ex.org/feed/'],
    ['path case', 'http://ex.org/Feed', 'http://ex.org/feed'],
    ['another port', 'http://ex.org/feed', 'http://ex.org:8080/feed'],
    ['another scheme', 'http://ex.org/feed', 'https://ex.org/feed'],
    ['another query', 'http://ex.org/feed?a=1', 'http://ex.org/feed?a=2'],
  ])('keeps apart URLs that differ by %s', (_name, a, b) => {
    expect(isSameSourceUrl(a, b)).toBe(false);
  });

  it('HTTP://…, http://… and …#x are one source', () => {
    expect(new Set(['HTTP://Host:80/feed#x', 'http://host/feed', 'http://host/feed#y'].map(sourceUrlKey)).size).toBe(1);
  });
});
