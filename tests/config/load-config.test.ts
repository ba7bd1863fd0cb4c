// The config contract: defaults, paths resolved from the config's folder, and errors that
// name the file, the line, the key path and what was expected.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../src/config/load-config.js';
import { isVeilleError } from '../../src/domain/errors.js';

const FILE = '/etc/veille/veille.yaml';

function errorOf(yaml: string): string {
  try {
    parseConfig(yaml, FILE);
  } catch (error) {
    if (isVeilleError(error, 'CONFIG_INVALID')) return error.message;
    throw error;
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('parseConfig', () => {
  it('applies every default to an empty file', () => {
    const config = parseConfig('', FILE);
    expect(config.site).toMatchObject({ title: 'Veille IA', language: 'fr', timezone: 'Europe/Paris' });
    expect(config.schedule).toEqual({ fetch: '*/30 * * * *', digest: '0 7 * * 1' });
    expect(config.maxItems).toBe(100);
    expect(config.server).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(config.fetch).toMatchObject({ concurrency: 16, perHostConcurrency: 2, maxBytes: 10 * 1024 * 1024 });
    expect(config.sources).toEqual({ kind: 'list', sources: [] });
  });

  it('resolves relative paths from the config file folder, not the working directory', () => {
    const config = parseConfig('storage: { path: ../data/v.db }\npublish: { dir: ../public }\nemail: { outbox: out }', FILE);
    expect(config.storagePath).toBe('/etc/data/v.db');
    expect(config.publishDir).toBe('/etc/public');
    expect(config.themesFile).toBe('/etc/veille/themes.yaml');
    expect(config.email.outbox).toBe('/etc/veille/out');
  });

  it('reads sources from an OPML file when given one', () => {
    expect(parseConfig('sources: { opml: feeds.opml }', FILE).sources).toEqual({ kind: 'opml', file: join('/etc/veille', 'feeds.opml') });
  });

  it('returns a frozen value', () => {
    const config = parseConfig('', FILE);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.site)).toBe(true);
  });

  it.each([
    ['unknown top-level key', 'sitee: {}\n', /veille\.yaml:1: sitee: unknown key/],
    ['unknown nested key', 'site:\n  titel: X\n', /veille\.yaml:2: site\.titel: unknown key/],
    // Issue 17, finding 8: an unknown key gets a "did you mean", at any depth, in a list, through a union.
    ['a misspelt top-level key', 'sitee: {}\n', /veille\.yaml:1: sitee: unknown key; did you mean site\?$/],
    ['a misspelt nested key', 'schedule: { fecth: "* * * * *" }\n', /schedule\.fecth: unknown key; did you mean fetch\?$/],
    ['a misspelt key of a source', 'sources:\n  - { url: "https://a.example/", nmae: A }\n', /veille\.yaml:2: sources\[0\]\.nmae: unknown key; did you mean name\?$/],
    ['a misspelt key of a deeper default', 'email:\n  smtp: { hots: x }\n', /email\.smtp\.hots: unknown key; did you mean host\?$/],
    ['an unknown key with nothing close', 'site:\n  colour: red\n', /site\.colour: unknown key$/],
    ['wrong type', 'publish:\n  maxItems: "many"\n', /veille\.yaml:2: publish\.maxItems: expected number, got string/],
    ['bad URL in a source', 'sources:\n  - { url: "https://a.example/feed" }\n  - { url: "not a url" }\n', /veille\.yaml:3: sources\[1\]\.url: expected an http\(s\) URL/],
    ['ftp URL', 'sources:\n  - { url: "ftp://a.example/feed" }\n', /sources\[0\]\.url: expected an http\(s\) URL/],
    ['missing url', 'sources:\n  - { name: X }\n', /sources\[0\]\.url: missing, expected string/],
    ['bad cron expression', 'schedule:\n  fetch: "61 * * * *"\n', /veille\.yaml:2: schedule\.fetch: expected a cron expression \(minute: 61/],
    ['cron with too few fields', 'schedule:\n  digest: "* * *"\n', /schedule\.digest: expected a cron expression/],
    ['bad time zone', 'site:\n  timezone: Europe/Lutece\n', /site\.timezone: expected an IANA time zone/],
    ['bad enum', 'log:\n  level: loud\n', /log\.level: expected one of "debug", "info", "warn", "error"/],
    ['an unknown translation provider', 'translate:\n  provider: babel\n', /veille\.yaml:2: translate\.provider: expected one of "none", "libretranslate", "deepl", "openai"/],
    ['DeepL without the name of its key', 'translate:\n  provider: deepl\n', /translate\.apiKeyEnv: expected the name of the environment variable that holds the DeepL key \(required with provider deepl\)/],
    ['LibreTranslate without its URL', 'translate:\n  provider: libretranslate\n', /translate\.url: expected the LibreTranslate server's URL/],
    ['a chat model without its name', 'translate:\n  provider: openai\n  url: http://127.0.0.1:11434/v1\n', /translate\.model: expected the model name/],
    ['a key name that is not a variable name', 'translate:\n  provider: deepl\n  apiKeyEnv: "my key"\n', /veille\.yaml:3: translate\.apiKeyEnv: expected an environment variable name/],
    ['a glossary entry without its target', 'translate:\n  glossary:\n    - { source: privacy }\n', /translate\.glossary\[0\]\.target: missing, expected string/],
    ['negative port', 'server:\n  port: -1\n', /server\.port: expected at least 0/],
    ['a public URL that is not http', 'server:\n  publicUrl: "ftp://veille.example.org/"\n', /veille\.yaml:2: server\.publicUrl: expected an http\(s\) URL/],
    ['a public URL with a query', 'server:\n  publicUrl: "https://veille.example.org/?a=1"\n', /server\.publicUrl: expected a base URL without query or fragment/],
    // Issue 13: feeds are never parsed on the main thread, where a slow one could not be stopped.
    ['no processing thread', 'processing:\n  threads: 0\n', /veille\.yaml:2: processing\.threads: expected at least 1/],
    ['a parse deadline of zero', 'processing: { parseTimeoutMs: 0 }\n', /processing\.parseTimeoutMs: expected/],
    ['bad email', 'email:\n  recipients:\n    - { address: nobody }\n', /email\.recipients\[0\]\.address: expected an email address/],
    ['not YAML', 'site: [unclosed\n', /veille\.yaml:\d+:\d+: not valid YAML/],
    ['duplicate key', 'site: {}\nsite: {}\n', /not valid YAML/],
  ])('%s is an error with the file, line and key path', (_name, yaml, expected) => {
    expect(errorOf(yaml)).toMatch(expected);
  });

  it('reports every bad key at once', () => {
    const message = errorOf('publish: { maxItems: 0 }\nserver: { port: "x" }\n');
    expect(message).toMatch(/publish\.maxItems/);
    expect(message).toMatch(/server\.port/);
  });
});

describe('server.publicUrl', () => {
  it('is kept as a base URL ending with a slash', () => {
    const config = parseConfig('server:\n  publicUrl: "https://veille.example.org/app"\n', FILE);
    expect(config.server.publicUrl).toBe('https://veille.example.org/app/');
  });
});

describe('loadConfig', () => {
  it('parses a file again only when its text changed (a run loads it at start and when its cycle starts)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'veille-load-config-'));
    try {
      const file = join(dir, 'veille.yaml');
      writeFileSync(file, 'sources:\n  - url: https://example.org/a.xml\n');
      const first = loadConfig(file);
      expect(loadConfig(file)).toBe(first);
      writeFileSync(file, 'sources:\n  - url: https://example.org/b.xml\n');
      const edited = loadConfig(file);
      expect(edited).not.toBe(first);
      expect(edited.sources).toEqual({ kind: 'list', sources: [{ url: 'https://example.org/b.xml', name: null, lang: null }] });
      expect(loadConfig(file)).toBe(edited);
      writeFileSync(file, 'sources: 3\n');
      expect(() => loadConfig(file)).toThrow(/sources/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
