// `veille serve` and `veille start` answer the readers' routes when server.publicUrl is set (issue
// 23, DESIGN: served by start and serve), and only then.
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempProject, type TempProject } from '../helpers/cli.js';

let project: TempProject;
afterEach(() => project?.cleanup());

/** Runs the command until the test is done with it; the base URL it printed. */
async function running(command: 'serve' | 'start', yaml: string, use: (base: string) => Promise<void>): Promise<void> {
  project = makeTempProject();
  project.writeConfig(`sources: []\nserver: { host: 127.0.0.1, port: 0${yaml} }\nsubscribe: { enabled: true }`);
  let stop!: () => void;
  const stopSignal = new Promise<void>((resolve) => (stop = resolve));
  let announce!: (base: string) => void;
  const announced = new Promise<string>((resolve) => (announce = resolve));
  const { main } = await import('../../src/cli/main.js');
  let stderr = '';
  const done = main([command, '--config', project.configFile], {
    env: {},
    output: {
      out: () => undefined,
      err: (text) => {
        stderr += text;
        const url = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stderr)?.[1];
        if (url) announce(url);
      },
      isTerminal: false,
    },
    stopSignal,
  });
  try {
    await use(await Promise.race([announced, done.then(() => Promise.reject(new Error(stderr)))]));
  } finally {
    stop();
    expect(await done).toBe(0);
  }
}

describe.each(['serve', 'start'] as const)('veille %s', (command) => {
  it('answers /subscribe and /unsubscribe/… with server.publicUrl', async () => {
    await running(command, ', publicUrl: "https://veille.example.org/"', async (base) => {
      const form = await fetch(`${base}subscribe`);
      expect(form.status).toBe(200);
      expect(await form.text()).toContain('S’abonner à la lettre hebdomadaire');
      expect((await fetch(`${base}unsubscribe/abc`)).status).toBe(200);
    });
  });

  it('has no such route without it', async () => {
    await running(command, '', async (base) => {
      expect((await fetch(`${base}subscribe`)).status).toBe(404);
      expect((await fetch(`${base}unsubscribe/abc`, { method: 'POST', body: 'List-Unsubscribe=One-Click' })).status).toBe(405);
    });
  });
});

describe('subscribe.secretEnv', () => {
  it('named but not set: serve stops at once (exit 2) with the variable’s name, before any reader clicks', async () => {
    project = makeTempProject();
    project.writeConfig('sources: []\nserver: { host: 127.0.0.1, port: 0, publicUrl: "https://veille.example.org/" }\nsubscribe: { secretEnv: VEILLE_TEST_LINK_SECRET }');
    const { main } = await import('../../src/cli/main.js');
    let stderr = '';
    const code = await main(['serve', '--config', project.configFile], {
      env: {},
      output: { out: () => undefined, err: (text) => (stderr += text), isTerminal: false },
      stopSignal: Promise.resolve(),
    });
    expect(code).toBe(2);
    expect(stderr).toContain('subscribe.secretEnv: the environment variable VEILLE_TEST_LINK_SECRET is not set');
  });
});
