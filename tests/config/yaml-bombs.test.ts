// YAML alias and merge-key bombs in the config (issue 13, finding 10): a config error naming the
// file and "too many aliases" (exit 2), never an internal error, and read in linear time.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { isVeilleError } from '../../src/domain/errors.js';
import { runCli } from '../helpers/cli.js';

/** "Billion laughs": nine levels of nine aliases each, 9^9 values once expanded. */
function aliasBomb(): string {
  const lines = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  const names = 'bcdefghi';
  for (let level = 0; level < names.length; level += 1) {
    const previous = level === 0 ? 'a' : names[level - 1];
    lines.push(`${names[level]}: &${names[level]} [${Array(9).fill(`*${previous}`).join(', ')}]`);
  }
  return lines.join('\n');
}

/** The same with YAML 1.1 merge keys: each map merges nine copies of the one before. */
function mergeKeyBomb(): string {
  const lines = ['a: &a { x: 1, y: 2 }'];
  const names = 'bcdefghij';
  for (let level = 0; level < names.length; level += 1) {
    const previous = level === 0 ? 'a' : names[level - 1];
    lines.push(`${names[level]}: &${names[level]}`, `  <<: [${Array(9).fill(`*${previous}`).join(', ')}]`, `  k${level}: 1`);
  }
  return lines.join('\n');
}

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe.each([
  ['an alias bomb', aliasBomb],
  ['a merge-key bomb', mergeKeyBomb],
])('%s in the config', (_name, bomb) => {
  it('is CONFIG_INVALID naming the file and "too many aliases"', () => {
    let error: unknown;
    try {
      parseConfig(bomb(), '/etc/veille/veille.yaml');
    } catch (caught) {
      error = caught;
    }
    expect(isVeilleError(error, 'CONFIG_INVALID')).toBe(true);
    expect((error as Error).message).toBe('config: /etc/veille/veille.yaml: not read: too many aliases (YAML aliases or merge keys expanding beyond 100)');
  });

  it('makes any command exit 2 with that message, not "internal error"', async () => {
    dir = mkdtempSync(join(tmpdir(), 'veille-bomb-'));
    const file = join(dir, 'veille.yaml');
    writeFileSync(file, bomb());
    const result = await runCli(['status', '--config', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('too many aliases');
    expect(result.stderr).not.toContain('internal error');
  });
});

it('a config with a few aliases is read as before', () => {
  const config = parseConfig('site: { title: &t "Veille IA" }\npublish: { dir: pub }\nemail: { from: *t }', '/etc/veille/veille.yaml');
  expect(config.email.from).toBe('Veille IA');
});
