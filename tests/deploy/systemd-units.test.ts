// The systemd units in deploy/ work when copied as README.md says (issue 17, finding 2): no path
// that a fresh checkout lacks (ReadWritePaths=/opt/veille/data was refused by systemd), state in
// the StateDirectory systemd creates, the `veille` user the README creates, one config file in
// /etc/veille that loads, and a stop described as the worker does it.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';

const DEPLOY = resolve(import.meta.dirname, '../../deploy');
const README = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
const units = readdirSync(DEPLOY).filter((name) => /\.(service|timer)$/.test(name));
const services = units.filter((name) => name.endsWith('.service'));

/** The `Key=value` lines of a unit file, comments left out. */
function directives(name: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const line of readFileSync(join(DEPLOY, name), 'utf8').split('\n')) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (match?.[1] !== undefined) map.set(match[1], [...(map.get(match[1]) ?? []), match[2] ?? '']);
  }
  return map;
}

describe('deploy/ systemd units', () => {
  it('ships the worker, and a unit and timer pair for each one-shot job', () => {
    expect(units.sort()).toEqual(['veille-digest.service', 'veille-digest.timer', 'veille-run.service', 'veille-run.timer', 'veille.service']);
  });

  it.each(services)('%s: runs as veille, in the StateDirectory systemd makes, with no path a fresh machine lacks', (name) => {
    const unit = directives(name);
    expect(unit.get('User')).toEqual(['veille']);
    expect(unit.get('StateDirectory')).toEqual(['veille']);
    expect(unit.get('WorkingDirectory')).toEqual(['/var/lib/veille']);
    expect(unit.has('ReadWritePaths')).toBe(false);
    expect(unit.get('ExecStart')?.[0]).toMatch(/^\/usr\/bin\/env node --max-semi-space-size=4 --heap-growing-percent=30 --single-threaded-gc \/opt\/veille\/bin\/veille\.js \w+.* --config \/etc\/veille\/veille\.yaml/);
  });

  it.each([
    ['veille.service', ' start '],
    ['veille-run.service', ' run '],
    ['veille-digest.service', ' digest --send '],
  ])('%s runs%s', (name, command) => {
    expect(directives(name).get('ExecStart')?.[0]).toContain(command);
  });

  it('deploy/veille.yaml loads from /etc/veille and writes only under /var/lib/veille', () => {
    const config = parseConfig(readFileSync(join(DEPLOY, 'veille.yaml'), 'utf8'), '/etc/veille/veille.yaml');
    for (const path of [config.storagePath, config.publishDir, config.email.outbox]) expect(path.startsWith('/var/lib/veille/')).toBe(true);
    expect(config.sources).toEqual({ kind: 'opml', file: '/etc/veille/sources.opml' });
    expect(config.themesFile).toBe('/opt/veille/config/themes.yaml');
  });

  it('describes the stop as the worker does it: fetches in flight get fetch.stopGraceMs, within TimeoutStopSec', () => {
    const worker = readFileSync(join(DEPLOY, 'veille.service'), 'utf8');
    expect(worker).toContain('fetches in flight get fetch.stopGraceMs (20 s) to finish');
    expect(directives('veille.service').get('TimeoutStopSec')).toEqual(['60']);
    expect(parseConfig('', '/etc/veille/veille.yaml').fetch.stopGraceMs).toBeLessThan(60_000);
  });

  it('README.md says how to create what the units need: the user, the config, the sources, the units', () => {
    for (const step of [
      'useradd --system --home-dir /var/lib/veille --shell /usr/sbin/nologin veille',
      'install -m 644 deploy/veille.yaml /etc/veille/veille.yaml',
      './bin/veille.js sources export > /etc/veille/sources.opml',
      'install -m 644 deploy/veille*.service deploy/veille*.timer /etc/systemd/system/',
      'systemd-analyze verify /etc/systemd/system/veille*.service /etc/systemd/system/veille*.timer',
    ]) {
      expect(README).toContain(step);
    }
  });
});
