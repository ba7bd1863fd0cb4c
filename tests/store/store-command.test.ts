// `veille migrate` says what it did to the schema; `veille store copy --from A --to B` copies a
// state and refuses a target holding rows unless --force; a password never shows (issue 20).
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { makeTempProject, runCli, type TempProject } from '../helpers/cli.js';
import { rssFeed, serveBody, startFeedServer } from '../helpers/feed-server.js';
import { backend } from './backend.js';

const NOW = '2026-11-26T08:00:00Z';
const projects: TempProject[] = [];
afterEach(() => {
  for (const project of projects.splice(0)) project.cleanup();
});

function project(): TempProject {
  const made = makeTempProject();
  projects.push(made);
  return made;
}

describe(`veille migrate (${backend.name})`, () => {
  it('creates the schema, then finds nothing to do', async () => {
    const temp = project();
    const state = backend.fresh();
    const storage = backend.name === 'sqlite' ? `storage: { path: ${JSON.stringify(state.argument)} }` : `storage: { url: ${JSON.stringify(state.argument)} }`;
    temp.writeConfig(storage);
    const kind = backend.name === 'sqlite' ? 'SQLite' : 'PostgreSQL';
    const first = await runCli(['migrate', '--config', temp.configFile]);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(new RegExp(`^store: .+ \\(${kind}\\): schema created \\(version \\d+\\)\\n$`));
    const second = await runCli(['migrate', '--config', temp.configFile]);
    expect(second.stdout).toMatch(new RegExp(`^store: .+ \\(${kind}\\): schema at version \\d+, nothing to do\\n$`));
  });
});

describe(`veille store copy (SQLite → ${backend.name})`, () => {
  it('copies every row, then refuses the filled target unless --force', async () => {
    const temp = project();
    const from = join(temp.dir, 'from.db');
    const store = Store.open(from);
    store.syncSources([{ url: 'https://aihub.org/feed/', name: 'AIhub', lang: 'en' }], NOW);
    store.close();
    const to = backend.fresh().argument;
    const copy = await runCli(['store', 'copy', '--from', from, '--to', to, '--config', temp.configFile]);
    expect(copy).toMatchObject({ code: 0, stderr: '' });
    expect(copy.stdout).toContain(`store: copied 2 rows from ${from} to `);
    expect(copy.stdout).toMatch(/^sources +1$/m);
    const again = await runCli(['store', 'copy', '--from', from, '--to', to, '--config', temp.configFile]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('store: the target already holds rows (sources); give --force to replace them');
    const forced = await runCli(['store', 'copy', '--from', from, '--to', to, '--force', '--config', temp.configFile]);
    expect(forced.code).toBe(0);
  });

  it.each([
    ['a missing source file', ['--from', 'missing.db', '--to', 'other.db'], 'store copy: --from '],
    ['a password in a URL', ['--from', 'x.db', '--to', 'postgres://veille:s3cret@127.0.0.1:1/veille'], 'store: postgres://veille@127.0.0.1:1/veille: holds a password'],
    ['the same store twice', ['--from', 'x.db', '--to', './x.db'], 'store copy: --from and --to are the same store'],
    ['no --to', ['--from', 'x.db'], '--to B is required'],
  ])('refuses %s (exit 2)', async (_name, args, message) => {
    const temp = project();
    const result = await runCli(['store', 'copy', ...args, '--config', temp.configFile], { cwd: temp.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toContain('s3cret');
  });
});

describe(`veille run on ${backend.name}`, () => {
  it('fetches, stores and publishes a feed, its data folder made even when the state is not in it', async () => {
    const server = await startFeedServer({
      '/feed.xml': serveBody(rssFeed('FL', [{ title: 'Federated learning at AAAI', link: 'https://example.org/fl', date: 'Wed, 25 Nov 2026 08:00:00 GMT' }]), 'application/rss+xml'),
    });
    try {
      const temp = project();
      const state = backend.fresh();
      const storage = backend.name === 'sqlite' ? `storage: { path: ${JSON.stringify(state.argument)} }` : `storage: { url: ${JSON.stringify(state.argument)} }`;
      // The config in a folder of its own: the data folder, ../data from it, does not exist yet.
      const configFile = join(temp.dir, 'config', 'veille.yaml');
      mkdirSync(dirname(configFile));
      renameSync(temp.writeConfig(`sources:\n  - { url: "${server.base}/feed.xml" }\n${storage}`), configFile);
      const run = await runCli(['run', '--config', configFile]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      // The data folder: the SQLite file's, else ../data from the config's folder.
      expect(existsSync(backend.name === 'sqlite' ? dirname(state.argument) : join(temp.dir, 'data'))).toBe(true);
      const statusRun = await runCli(['status', '--json', '--config', configFile]);
      expect(statusRun.stderr).toBe('');
      const status = JSON.parse(statusRun.stdout) as { sources: { items: number }[] };
      expect(status.sources.map((source) => source.items)).toEqual([1]);
      const store = state.open();
      expect(store.recentStories(10).map((story) => story.members.map((member) => member.title))).toEqual([['Federated learning at AAAI']]);
    } finally {
      await server.close();
    }
  });
});
