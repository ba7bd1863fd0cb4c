// The validated config kept in the data folder (issue 15): the next process reads it for the same
// text instead of parsing and validating again, and anything else falls back to the full
// validation: another text, another veille version, an entry edited by hand, a data folder the
// text names in a way the line scan does not read.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CONFIG_CACHE_FILE, dataFolderNamedBy, readConfigCache, writeConfigCache } from '../../src/config/config-cache.js';
import { loadConfig, parseConfig, type Config } from '../../src/config/load-config.js';

const REPO = resolve(import.meta.dirname, '../..');
const SHIPPED = readFileSync(join(REPO, 'config/veille.yaml'), 'utf8');

describe('the validated config kept in the data folder', () => {
  let root: string;
  let file: string;
  let data: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'veille-config-cache-'));
    mkdirSync(join(root, 'config'));
    data = join(root, 'data');
    mkdirSync(data);
    // The shipped config, in a folder of its own: its data folder is ../data.
    file = join(root, 'config', 'veille.yaml');
    writeFileSync(file, SHIPPED);
  });

  afterEach(() => {
    vi.doUnmock('../../src/system/version.js');
    vi.resetModules();
    rmSync(root, { recursive: true, force: true });
  });

  const entryFile = () => join(data, CONFIG_CACHE_FILE);
  const keep = (text = SHIPPED) => {
    const config = parseConfig(text, file);
    writeConfigCache(file, text, config);
    return config;
  };

  it('keeps the validated config, read back equal (the same values, no key more or less) and frozen', () => {
    const config = keep();
    expect(existsSync(entryFile())).toBe(true);
    const read = readConfigCache<Config>(file, SHIPPED);
    expect(read).toStrictEqual(config);
    expect(Object.isFrozen(read)).toBe(true);
    expect(Object.isFrozen(read?.fetch)).toBe(true);
  });

  it('loadConfig in a new process takes the kept config and does not validate the text again', async () => {
    keep();
    // What the entry holds is what loadConfig returns: a title only the entry has (its digest made again).
    const entry = JSON.parse(readFileSync(entryFile(), 'utf8')) as { key: string; digest: string; config: { site: { title: string } } };
    entry.config.site.title = 'Kept by the last run';
    entry.digest = createHash('sha256').update(JSON.stringify(entry.config)).digest('hex');
    writeFileSync(entryFile(), JSON.stringify(entry));
    vi.resetModules(); // a new process: no config loaded yet
    const fresh = (await import('../../src/config/load-config.js')) as typeof import('../../src/config/load-config.js');
    expect(fresh.loadConfig(file).site.title).toBe('Kept by the last run');
  });

  it('a changed text is validated again, and its own entry replaces the last', () => {
    keep();
    const edited = SHIPPED.replace(/^site:\n {2}title: .*$/m, 'site:\n  title: Veille éditée');
    expect(edited).not.toBe(SHIPPED);
    writeFileSync(file, edited);
    expect(readConfigCache(file, edited)).toBeNull();
    expect(loadConfig(file).site.title).toBe('Veille éditée');
    expect(readConfigCache<Config>(file, edited)?.site.title).toBe('Veille éditée');
    expect(readConfigCache(file, SHIPPED)).toBeNull();
  });

  it('an entry written by another veille version is not used', async () => {
    keep();
    vi.resetModules();
    vi.doMock('../../src/system/version.js', async (original) => ({ ...(await original<object>()), VERSION: '999.0.0' }));
    const other = (await import('../../src/config/config-cache.js')) as typeof import('../../src/config/config-cache.js');
    expect(other.readConfigCache(file, SHIPPED)).toBeNull();
  });

  it.each([
    ['not JSON', (text: string) => text.slice(0, 100)],
    ['a list', () => '[]'],
    ['a config of the wrong shape', (text: string) => text.replace('"sources":{"kind":"list"', '"sources":{"kind":"nothing"')],
    ['a value changed', (text: string) => text.replace('"maxItems":100', '"maxItems":"100"')],
    ['no digest', (text: string) => text.replace(/"digest":"[0-9a-f]+",/, '')],
    ['another file', (text: string) => text.replace(JSON.stringify(file), JSON.stringify('/elsewhere/veille.yaml'))],
  ])('an entry edited into %s is not used: the text is validated again', (_name, edit) => {
    const config = keep();
    const text = readFileSync(entryFile(), 'utf8');
    const edited = edit(text);
    expect(edited).not.toBe(text);
    writeFileSync(entryFile(), edited);
    expect(readConfigCache(file, SHIPPED)).toBeNull();
    expect(loadConfig(file)).toStrictEqual(config);
  });

  it('nothing is kept when the data folder does not exist yet, or when the line scan cannot name it', () => {
    rmSync(data, { recursive: true });
    keep();
    expect(existsSync(entryFile())).toBe(false);
    mkdirSync(data);
    // Anchored: the full parse reads it, the scan does not (and never guesses).
    const anchored = SHIPPED.replace('storage:\n  path: ../data/veille.db', 'storage:\n  path: &where ../data/veille.db');
    expect(anchored).not.toBe(SHIPPED);
    expect(parseConfig(anchored, file).storagePath).toBe(join(data, 'veille.db'));
    keep(anchored);
    expect(existsSync(entryFile())).toBe(false);
  });
});

describe('dataFolderNamedBy: the data folder named by storage.path, read without parsing the YAML', () => {
  const FILE = '/etc/veille/veille.yaml';
  it.each([
    ['no storage key: the default ../data', 'site: { title: Veille }\n', '/etc/data'],
    ['a flow map', 'storage: { path: /var/lib/veille/veille.db }\n', '/var/lib/veille'],
    ['a flow map, quoted, relative', 'storage: { path: "state/v.db" }\n', '/etc/veille/state'],
    ['a block', 'storage:\n  path: ../state/veille.db # the state\npublish:\n  dir: x\n', '/etc/state'],
    ['a block, single-quoted', "storage:\n  path: '/srv/v.db'\n", '/srv'],
    ['PostgreSQL without a path: the default', 'storage: { url: "postgres://veille@db/veille" }\n', '/etc/data'],
    ['an anchor', 'storage: { path: &p /srv/v.db }\n', null],
    ['an escape', 'storage: { path: "/srv/\\u0076.db" }\n', null],
    ['two storage keys', 'storage: { path: /a/v.db }\nstorage: { path: /b/v.db }\n', null],
    ['a flow map on several lines', 'storage: { path: /a/v.db,\n  url: x }\n', null],
    ['an empty path', 'storage: { path: "" }\n', null],
  ])('%s', (_name, text, folder) => {
    expect(dataFolderNamedBy(text, FILE)).toBe(folder);
  });
});
