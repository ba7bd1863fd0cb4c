// `veille cron` prints the crontab lines of both jobs a worker would run: cycles and the weekly
// digest, sent (issue 17, finding 1: the README's cron example ran cycles only, no digest).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { cronLines } from '../../src/cli/cron-command.js';
import { makeTempProject, runCli, type TempProject } from '../helpers/cli.js';

describe('veille cron', () => {
  let project: TempProject | undefined;
  afterEach(() => project?.cleanup());

  it('prints a line for run on schedule.fetch and one for digest --send on schedule.digest', async () => {
    project = makeTempProject();
    project.writeConfig('schedule: { fetch: "*/20 * * * *", digest: "0 8 * * 1" }');
    const result = await runCli(['cron', '--config', project.configFile]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const jobs = result.stdout.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    expect(jobs).toEqual([
      expect.stringMatching(/^\*\/20 \* \* \* \* mkdir -p \S+\/data && \S*node\S* \S+\/bin\/veille\.js run --config \S+\/veille\.yaml >> \S+\/data\/cron\.log 2>&1$/),
      expect.stringMatching(/^0 8 \* \* 1 mkdir -p \S+\/data && \S*node\S* \S+\/bin\/veille\.js digest --send --config \S+\/veille\.yaml >> \S+\/data\/cron\.log 2>&1$/),
    ]);
  });

  it.each([
    { name: 'the same zone', machine: 'Europe/Paris', note: /in the machine's time zone, Europe\/Paris, as site\.timezone says/ },
    { name: 'another zone', machine: 'UTC', note: /machine's time zone \(UTC\), not site\.timezone \(Europe\/Paris\)/ },
  ])('says which time zone cron reads the times in ($name)', ({ machine, note }) => {
    project = makeTempProject();
    const config = loadConfig(project.writeConfig(''));
    expect(cronLines(config, { node: '/usr/bin/node', bin: '/opt/veille/bin/veille.js', machineTimeZone: machine })).toMatch(note);
  });

  it('runs on a fresh checkout, where the data folder (and so the log) does not exist yet', async () => {
    project = makeTempProject();
    project.writeConfig('sources: []');
    const config = loadConfig(project.configFile);
    const line = cronLines(config, { node: process.execPath, bin: resolve(import.meta.dirname, '../../bin/veille.js'), machineTimeZone: 'UTC' })
      .split('\n')
      .find((text) => text.includes(' run --config '));
    const command = line?.replace(/^(\S+ ){5}/, '') ?? '';
    expect(existsSync(join(project.dir, 'data'))).toBe(false);
    // As cron runs it: /bin/sh -c, from another folder.
    const result = spawnSync('/bin/sh', ['-c', command], { cwd: tmpdir(), encoding: 'utf8', env: { PATH: process.env.PATH, VEILLE_NOW: '2026-11-26T08:00:00Z' } });
    expect(result.status).toBe(0);
    // The cycle ran (its state is there) and logged where the line says (warnings only, with this config).
    expect(existsSync(join(project.dir, 'data/veille.db'))).toBe(true);
    expect(readFileSync(join(project.dir, 'data/cron.log'), 'utf8')).toBe('');
  });

  it('quotes a path with a space for the shell', () => {
    project = makeTempProject();
    const config = loadConfig(project.writeConfig(''));
    const lines = cronLines(config, { node: '/usr/bin/node', bin: "/opt/my veille/bin/veille.js", machineTimeZone: 'UTC' });
    expect(lines).toContain("/usr/bin/node '/opt/my veille/bin/veille.js' run");
  });
});
