// The User-Agent publishers see: veille's name, version and the site URL, or the configured one.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { userAgentFor, VERSION } from '../../src/system/version.js';

describe('userAgentFor', () => {
  it.each([
    ['the default names veille, its version and the site', 'site: { url: "https://veille.example.org/" }', `veille/${VERSION} (+https://veille.example.org/)`],
    ['a configured User-Agent wins', 'fetch: { userAgent: "MonAgent/1.0" }', 'MonAgent/1.0'],
  ])('%s', (_name, yaml, expected) => {
    expect(userAgentFor(parseConfig(yaml, '/tmp/veille.yaml'))).toBe(expected);
  });
});
