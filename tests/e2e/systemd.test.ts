// The units in deploy/ pass `systemd-analyze verify` (issue 17, finding 2), copied as README.md
// "With systemd" installs them (all in one folder, so that the timers find their services).
// systemd-analyze comes with the Debian package `systemd`, which .ci/run installs.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const DEPLOY = resolve(import.meta.dirname, '../../deploy');
const hasAnalyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' }).status === 0;

describe('deploy/ units under systemd-analyze verify', () => {
  it.skipIf(!hasAnalyze)('verify reports nothing and exits 0 (skipped without systemd-analyze: apt-get install systemd)', () => {
    const folder = mkdtempSync(join(tmpdir(), 'veille-units-'));
    try {
      const units = readdirSync(DEPLOY).filter((name) => /\.(service|timer)$/.test(name));
      expect(units.length).toBe(5);
      for (const unit of units) cpSync(join(DEPLOY, unit), join(folder, unit));
      const result = spawnSync('systemd-analyze', ['verify', ...units.map((unit) => join(folder, unit))], { encoding: 'utf8' });
      expect({ status: result.status, stderr: result.stderr, stdout: result.stdout }).toEqual({ status: 0, stderr: '', stdout: '' });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
