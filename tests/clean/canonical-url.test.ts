// canonicalizeUrl: absolute http(s), tracking parameters removed, query order kept (WHATWG URL parsing).

import { describe, expect, it } from 'vitest';
import { TRACKING_PARAMETERS, canonicalizeUrl } from '../../src/clean/canonical-url.js';

describe('canonicalizeUrl', () => {
  it.each([
    ['lowercases scheme and host', 'HTTPS://Example.ORG/Path/To', undefined, 'https://example.org/Path/To'],
    ['drops the default https port', 'https://example.org:443/a', undefined, 'https://example.org/a'],
    ['drops the default http port', 'http://example.org:80/a', undefined, 'http://example.org/a'],
    ['keeps another port', 'http://example.org:8080/a', undefined, 'http://example.org:8080/a'],
    ['drops the fragment', 'https://example.org/a#comments', undefined, 'https://example.org/a'],
    ['removes utm_* of any kind', 'https://example.org/a?utm_source=rss&utm_medium=feed&utm_whatever=1', undefined, 'https://example.org/a'],
    ['keeps the other parameters in order', 'https://ex.org/a?z=1&utm_source=x&a=2&fbclid=abc&m=3', undefined, 'https://ex.org/a?z=1&a=2&m=3'],
    ['matches tracking names case-insensitively', 'https://ex.org/?UTM_Source=x&GCLID=1&id=7', undefined, 'https://ex.org/?id=7'],
    ['keeps the original encoding of kept parameters', 'https://ex.org/s?q=caf%C3%A9+cr%C3%A8me&mc_cid=1', undefined, 'https://ex.org/s?q=caf%C3%A9+cr%C3%A8me'],
    ['removes an empty query', 'https://ex.org/a?', undefined, 'https://ex.org/a'],
    ['removes empty pairs', 'https://ex.org/a?&&b=1&&', undefined, 'https://ex.org/a?b=1'],
    ['removes Mailchimp, HubSpot, Marketo, Twitter ids', 'https://ex.org/?mc_eid=1&_hsenc=2&_hsmi=3&mkt_tok=4&ref_src=5&x=y', undefined, 'https://ex.org/?x=y'],
    ['resolves a relative path against a base', '../b?c=1', 'https://ex.org/a/index.html', 'https://ex.org/b?c=1'],
    ['resolves a root-relative path', '/news/1', 'https://ex.org/feed.xml', 'https://ex.org/news/1'],
    ['resolves a protocol-relative URL', '//cdn.ex.org/x', 'https://ex.org/', 'https://cdn.ex.org/x'],
    ['trims white space', '  https://ex.org/a  ', undefined, 'https://ex.org/a'],
    ['IDN host to punycode', 'https://café.example/', undefined, 'https://xn--caf-dma.example/'],
    ['relative without base', '/news/1', undefined, null],
    ['mailto', 'mailto:a@ex.org', undefined, null],
    ['javascript', 'javascript:alert(1)', undefined, null],
    ['data', 'data:text/html,hi', undefined, null],
    ['ftp', 'ftp://ex.org/file', undefined, null],
    ['empty', '', undefined, null],
    ['garbage', 'http://', undefined, null],
    ['bad base', '/x', 'not a url', null],
  ])('%s', (_name, raw, base, expected) => {
    expect(canonicalizeUrl(raw, base)).toBe(expected);
  });

  it('never throws on non-string input', () => {
    expect(canonicalizeUrl(undefined as unknown as string)).toBeNull();
    expect(canonicalizeUrl(42 as unknown as string)).toBeNull();
  });

  it('keeps its tracking table sorted and lowercase (it is data, reviewed as such)', () => {
    expect([...TRACKING_PARAMETERS]).toEqual([...TRACKING_PARAMETERS].sort());
    expect(TRACKING_PARAMETERS.every((p) => p === p.toLowerCase())).toBe(true);
  });
});
