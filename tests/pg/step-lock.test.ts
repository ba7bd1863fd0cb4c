// `app.exclusive` on a PostgreSQL store (issue 20): `veille run`, `digest` and `retag` started on
// other machines than the roles share no data folder, so their write steps take turns through an
// advisory lock on the database, saying whom they wait for as the file lock does. Two projects
// in two folders on one database stand for two machines.
import { mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type App } from '../../src/app/app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/domain/ports.js';
import type { FileLockOwner } from '../../src/system/file-lock.js';
import { makeTempProject, type TempProject } from '../helpers/cli.js';
import { IS_BUILT, spawnVeille, waitFor } from '../stress/processes.js';

const PG_URL = process.env.VEILLE_TEST_PG_URL;
const NOW = '2026-11-26T08:00:00Z';

describe.runIf(PG_URL !== undefined && PG_URL !== '')('write steps on a PostgreSQL store take turns across machines', () => {
  let url = '';
  const projects: TempProject[] = [];
  const apps: App[] = [];

  beforeAll(async () => {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      await client.query('CREATE DATABASE step_lock');
    } finally {
      await client.end();
    }
    url = new URL('/step_lock', PG_URL).toString();
  });

  afterAll(() => {
    for (const app of apps) app.close();
    for (const project of projects) project.cleanup();
  });

  /**
   * A machine's config, in a folder of its own: the data folder (its file locks, resolved from
   * the config's folder, ../data by default) is not shared with another machine's.
   */
  function machineConfig(): string {
    const project = makeTempProject();
    projects.push(project);
    project.writeConfig(`storage: { url: "${url}" }`);
    const configFile = join(project.dir, 'etc', 'veille.yaml');
    mkdirSync(join(project.dir, 'etc'));
    renameSync(project.configFile, configFile);
    return configFile;
  }

  /** A machine: its own folder and config, the shared database. */
  function machine(onStepWait?: (holder: FileLockOwner) => void): { app: App } {
    const app = openApp(loadConfig(machineConfig()), {
      command: 'test',
      clock: { now: () => new Date(NOW) },
      env: {},
      logger: silentLogger,
      ...(onStepWait ? { onStepWait } : {}),
    });
    apps.push(app);
    return { app };
  }

  it('a step waits for another machine\'s, told who holds it, and runs after', async () => {
    const first = machine();
    const waited: FileLockOwner[] = [];
    const second = machine((holder) => waited.push(holder));
    const order: string[] = [];
    let release = (): void => undefined;
    const held = first.app.exclusive('cycle', async () => {
      order.push('cycle starts');
      await new Promise<void>((resolve) => (release = resolve));
      order.push('cycle ends');
    });
    const waiting = second.app.exclusive('digest', async () => {
      order.push('digest runs');
    });
    await waitFor(async () => (waited.length > 0 ? true : undefined), 20_000);
    expect(waited).toEqual([{ pid: process.pid, purpose: 'cycle', since: new Date(NOW).toISOString() }]);
    expect(order).toEqual(['cycle starts']);
    release();
    await Promise.all([held, waiting]);
    expect(order).toEqual(['cycle starts', 'cycle ends', 'digest runs']);
    // Released: a third step runs at once, nobody waits.
    await second.app.exclusive('retag', async () => order.push('retag runs'));
    expect(waited).toHaveLength(1);
  });

  it('two steps of one process take turns too (a session\'s advisory locks are re-entrant)', async () => {
    const waited: FileLockOwner[] = [];
    const { app } = machine((holder) => waited.push(holder));
    const order: string[] = [];
    let release = (): void => undefined;
    const first = app.exclusive('cycle', async () => {
      order.push('cycle starts');
      await new Promise<void>((resolve) => (release = resolve));
      order.push('cycle ends');
    });
    const second = app.exclusive('digest', async () => {
      order.push('digest runs');
    });
    await waitFor(async () => (waited.length > 0 ? true : undefined), 20_000);
    expect(waited[0]?.purpose).toBe('cycle');
    expect(order).toEqual(['cycle starts']);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['cycle starts', 'cycle ends', 'digest runs']);
  });

  it.runIf(IS_BUILT)('`veille retag` on another machine waits for the running cycle and says so, as with the file lock', async () => {
    const here = machine();
    const otherConfig = machineConfig();
    let release = (): void => undefined;
    const held = here.app.exclusive('cycle', () => new Promise<void>((resolve) => (release = resolve)));
    const retag = spawnVeille(['retag', '--config', otherConfig], { VEILLE_NOW: NOW }, 60_000);
    await waitFor(async () => (retag.stderr().includes(`waiting for the running cycle (pid ${process.pid}) to finish`) ? true : undefined), 30_000);
    expect(retag.child.exitCode).toBeNull();
    release();
    await held;
    const exit = await retag.exited;
    expect(exit.code, exit.stderr).toBe(0);
  });
});
