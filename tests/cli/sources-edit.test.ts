// `veille sources add|remove` editing the config (issue 13): a URL holding a secret is added with a
// warning (finding 3); sources are compared by sourceUrlKey (finding 12); edits take a lock and
// read the file again, so that concurrent adds all land (finding 6: 4 of 20 races lost one).
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { resolveSources } from '../../src/app/sources.js';
import { makeTempProject, runCli, type TempProject } from '../helpers/cli.js';

const BIN = resolve(import.meta.dirname, '../../bin/veille.js');
const COMPILED = resolve(import.meta.dirname, '../../dist/cli/main.js');
const SHIPPED_CONFIG = resolve(import.meta.dirname, '../../config/veille.yaml');

describe('veille sources add and remove', () => {
  const projects: TempProject[] = [];
  afterEach(() => {
    for (const project of projects.splice(0)) project.cleanup();
  });

  function project(sources = 'sources:\n  - { url: "https://aihub.org/feed/", name: AIhub }'): TempProject {
    const made = makeTempProject();
    made.writeConfig(sources);
    projects.push(made);
    return made;
  }

  const configuredUrls = (made: TempProject) => resolveSources(loadConfig(made.configFile)).map((source) => source.url);

  it('warns that the config now holds a secret, prints no secret, and keeps a private file private', async () => {
    const made = project();
    chmodSync(made.configFile, 0o600);
    const url = 'https://alice:s3cr3t@feeds.example/private?token=abc&x=1';
    const result = await runCli(['sources', 'add', url, '--no-check', '--name', 'Privé', '--config', made.configFile]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^sources add: warning: https:\/\/feeds\.example\/private\?x=1 holds a secret .*veille\.yaml now holds it.*Keep .*veille\.yaml private/);
    expect(result.stderr).not.toMatch(/chmod/); // already private
    expect(result.stdout + result.stderr).not.toMatch(/s3cr3t|abc/);
    expect(configuredUrls(made)).toContain(url);
    expect(statSync(made.configFile).mode & 0o777).toBe(0o600);
  });

  it('says how to make the file private when others can read it', async () => {
    const made = project();
    chmodSync(made.configFile, 0o644);
    const result = await runCli(['sources', 'add', 'https://feeds.example/f?api_key=k', '--no-check', '--config', made.configFile]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/other users of this machine can read it: chmod 600 .*veille\.yaml/);
  });

  it('adds a URL without secret quietly', async () => {
    const made = project();
    const result = await runCli(['sources', 'add', 'https://feeds.example/f?page=2', '--no-check', '--config', made.configFile]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
  });

  it.each([
    ['scheme and host case', 'HTTPS://AIHub.ORG/feed/'],
    ['the default port', 'https://aihub.org:443/feed/'],
    ['a fragment', 'https://aihub.org/feed/#top'],
  ])('takes a URL that differs by %s for the source already there', async (_name, url) => {
    const made = project();
    const result = await runCli(['sources', 'add', url, '--no-check', '--config', made.configFile]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/already a source/);
    expect(configuredUrls(made)).toEqual(['https://aihub.org/feed/']);
  });

  it('takes the typed URL for a source spelled otherwise by hand in the config', async () => {
    const made = project('sources:\n  - { url: "HTTPS://AIHub.ORG:443/feed/#top", name: AIhub }');
    const result = await runCli(['sources', 'add', 'https://aihub.org/feed/', '--no-check', '--config', made.configFile]);
    expect(result.stdout).toMatch(/already a source/);
    expect(configuredUrls(made)).toEqual(['HTTPS://AIHub.ORG:443/feed/#top']);
  });

  // Issue 17, finding 7: `https://aihub.org/feed` was added beside `https://aihub.org/feed/`.
  it.each([
    ['without the trailing slash', 'https://aihub.org/feed'],
    ['without it, in another case', 'HTTPS://AIHUB.org:443/feed'],
  ])('takes a URL %s for the source already there', async (_name, url) => {
    const made = project();
    const result = await runCli(['sources', 'add', url, '--no-check', '--config', made.configFile]);
    expect(result.stdout).toMatch(/already a source/);
    expect(configuredUrls(made)).toEqual(['https://aihub.org/feed/']);
  });

  it('keeps the root path and the query as they are', async () => {
    const made = project();
    await runCli(['sources', 'add', 'https://aihub.org/feed/?page=2', '--no-check', '--config', made.configFile]);
    expect(configuredUrls(made)).toEqual(['https://aihub.org/feed/', 'https://aihub.org/feed/?page=2']);
  });

  // Issue 17, finding 7: the yaml printer re-spaced the comments aligned in a column.
  it('keeps every other line of the shipped config byte for byte, comments aligned', async () => {
    const made = project();
    const shipped = readFileSync(SHIPPED_CONFIG, 'utf8');
    writeFileSync(made.configFile, shipped);
    const added = await runCli(['sources', 'add', 'https://new.example/feed', '--no-check', '--name', 'Nouveau', '--config', made.configFile]);
    expect(added.code).toBe(0);
    const after = readFileSync(made.configFile, 'utf8');
    const newLines = after.split('\n').filter((line) => !shipped.split('\n').includes(line));
    expect(newLines).toEqual(['  - { url: https://new.example/feed, name: Nouveau }']);
    expect(after.split('\n').filter((line) => line !== newLines[0])).toEqual(shipped.split('\n'));
    const first = configuredUrls(made)[0] ?? '';
    await runCli(['sources', 'remove', first, '--config', made.configFile]);
    await runCli(['sources', 'remove', 'https://new.example/feed', '--config', made.configFile]);
    const removedFirst = shipped.split('\n').filter((line) => !line.includes(`"${first}"`) && !line.includes(` ${first},`));
    expect(readFileSync(made.configFile, 'utf8').split('\n')).toEqual(removedFirst);
  });

  it('removes a source named with another spelling of its URL', async () => {
    const made = project();
    const result = await runCli(['sources', 'remove', 'HTTPS://aihub.org:443/feed/#x', '--config', made.configFile]);
    expect(result.code).toBe(0);
    expect(configuredUrls(made)).toEqual([]);
  });

  it('keeps every one of 20 concurrent adds (in one process)', async () => {
    const made = project();
    const urls = Array.from({ length: 20 }, (_, index) => `https://s${index}.example/feed`);
    const results = await Promise.all(urls.map((url) => runCli(['sources', 'add', url, '--no-check', '--config', made.configFile])));
    expect(results.map((result) => result.code)).toEqual(urls.map(() => 0));
    expect(new Set(configuredUrls(made))).toEqual(new Set(['https://aihub.org/feed/', ...urls]));
    expect(existsSync(`${made.configFile}.lock`)).toBe(false);
  });

  it('keeps every one of 20 concurrent adds to an OPML file', async () => {
    const made = makeTempProject();
    projects.push(made);
    writeFileSync(
      join(made.dir, 'feeds.opml'),
      '<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body><outline text="A" xmlUrl="https://first.example/feed"/></body></opml>',
    );
    made.writeConfig('sources: { opml: feeds.opml }');
    const urls = Array.from({ length: 20 }, (_, index) => `https://o${index}.example/feed`);
    const results = await Promise.all(urls.map((url) => runCli(['sources', 'add', url, '--no-check', '--config', made.configFile])));
    expect(results.map((result) => result.stderr).join('')).toBe('');
    expect(results.every((result) => result.code === 0)).toBe(true);
    expect(new Set(configuredUrls(made))).toEqual(new Set(['https://first.example/feed', ...urls]));
  });

  it.runIf(existsSync(COMPILED))('keeps every one of 8 concurrent adds by separate processes (the built bin)', async () => {
    const made = project();
    const urls = Array.from({ length: 8 }, (_, index) => `https://p${index}.example/feed`);
    const run = promisify(execFile);
    await Promise.all(
      urls.map((url) => run(process.execPath, [BIN, 'sources', 'add', url, '--no-check', '--config', made.configFile], { env: { ...process.env, VEILLE_NOW: '2026-11-26T08:00:00Z' } })),
    );
    expect(new Set(configuredUrls(made))).toEqual(new Set(['https://aihub.org/feed/', ...urls]));
  });
});
