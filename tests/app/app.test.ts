// The composition root (src/app/app.ts): one store under the data folder's lock, and the
// translator and tagger built once however many steps use them.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openApp, type App } from '../../src/app/app.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { Logger } from '../../src/domain/ports.js';
import { makeTempProject, type TempProject } from '../helpers/cli.js';

const clock = { now: () => new Date('2026-11-26T08:00:00Z') };

function recordingLogger(warnings: string[]): Logger {
  const ignore = () => undefined;
  return { debug: ignore, info: ignore, warn: (fields) => void warnings.push(String(fields.code)), error: ignore };
}

describe('openApp', () => {
  let project: TempProject;
  let opened: App[];
  beforeEach(() => {
    project = makeTempProject();
    opened = [];
  });
  afterEach(() => {
    for (const app of opened) app.close();
    project.cleanup();
  });

  function open(translate: string, warnings: string[] = [], env: NodeJS.ProcessEnv = {}): App {
    project.writeConfig(`site: { title: T, url: "https://veille.example.org/" }\nsources: []\ntranslate: ${translate}\n`);
    const app = openApp(loadConfig(project.configFile), { command: 'test', clock, env, logger: recordingLogger(warnings) });
    opened.push(app);
    return app;
  }

  it('builds the translator on first use, once: a missing key is said once', () => {
    const warnings: string[] = [];
    const app = open('{ provider: libretranslate, url: "http://127.0.0.1:9/", apiKeyEnv: LT_KEY }', warnings);
    expect(warnings).toEqual([]);
    expect([app.translator, app.translator, app.translator]).toEqual([null, null, null]);
    expect(warnings).toEqual(['TRANSLATE_NO_KEY']);
  });

  it('keeps the translator it built', () => {
    const app = open('{ provider: libretranslate, url: "http://127.0.0.1:9/", apiKeyEnv: LT_KEY }', [], { LT_KEY: 'k' });
    expect(app.translator).not.toBeNull();
    expect(app.translator).toBe(app.translator);
  });

  it('builds the tagger again only when the sources bring another language', () => {
    const app = open('{ provider: none }');
    const first = app.tagging([{ url: 'https://a.example/feed', name: null, lang: 'en' }]);
    expect(first.languages).toEqual(['fr', 'en']);
    expect(app.tagging([{ url: 'https://b.example/feed', name: null, lang: null }])).toBe(first);
    const german = app.tagging([{ url: 'https://c.example/feed', name: null, lang: 'de' }]);
    expect(german.languages).toEqual(['fr', 'en', 'de']);
    expect(german.tagger).not.toBe(first.tagger);
  });

  it('the worker holds the data folder: a second worker is refused until the first closes; other commands open beside it', () => {
    project.writeConfig('sources: []\n');
    const config = loadConfig(project.configFile);
    const worker = openApp(config, { command: 'start', clock, env: {}, logger: recordingLogger([]), worker: true });
    opened.push(worker);
    expect(() => openApp(config, { command: 'start', clock, env: {}, logger: recordingLogger([]), worker: true })).toThrow(
      expect.objectContaining({ code: 'STORE_LOCKED' }),
    );
    const beside = openApp(config, { command: 'digest', clock, env: {}, logger: recordingLogger([]) });
    opened.push(beside);
    expect(beside.store.listSources({ activeOnly: false })).toEqual([]);
    worker.close();
    opened = [beside];
    const second = openApp(config, { command: 'start', clock, env: {}, logger: recordingLogger([]), worker: true });
    opened.push(second);
  });

  it('runs one write step at a time across apps: the second waits, says so once, then runs', async () => {
    project.writeConfig('sources: []\n');
    const config = loadConfig(project.configFile);
    const waited: string[] = [];
    const first = openApp(config, { command: 'start', clock, env: {}, logger: recordingLogger([]) });
    const second = openApp(config, { command: 'retag', clock, env: {}, logger: recordingLogger([]), onStepWait: (holder) => waited.push(holder.purpose) });
    opened.push(first, second);
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const cycle = first.exclusive('cycle', async () => {
      order.push('cycle starts');
      await held;
      order.push('cycle ends');
    });
    const retag = second.exclusive('retag', async () => void order.push('retag'));
    // The retag is waiting: it said so, and has not run.
    for (let attempt = 0; attempt < 200 && waited.length === 0; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(waited).toEqual(['cycle']);
    expect(order).toEqual(['cycle starts']);
    release();
    await Promise.all([cycle, retag]);
    expect(order).toEqual(['cycle starts', 'cycle ends', 'retag']);
    expect(waited).toEqual(['cycle']);
  });
});
