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

  it('holds the data folder: a second app waits for the first to close', () => {
    const first = open('{ provider: none }');
    const config = loadConfig(project.configFile);
    expect(() => openApp(config, { command: 'second', clock, env: {}, logger: recordingLogger([]) })).toThrow(expect.objectContaining({ code: 'STORE_LOCKED' }));
    first.close();
    opened = [];
    const second = openApp(config, { command: 'second', clock, env: {}, logger: recordingLogger([]) });
    opened.push(second);
    expect(second.store.listSources({ activeOnly: false })).toEqual([]);
  });
});
