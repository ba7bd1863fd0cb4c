// Each command takes its own options (issue 14): a flag another command owns, a misspelt one, a
// missing value or a stray argument exits 2 before any config is read, names the command, shows
// its usage and, where one is close, what was probably meant (DESIGN.md: bad usage exits 2).
import { describe, expect, it } from 'vitest';
import { didYouMean } from '../../src/cli/commands.js';
import { runCli } from '../helpers/cli.js';

// No config file exists where these run: a usage error must be found before the config is read.
const cwd = '/nonexistent-veille-test-folder';

describe('veille command line: options per command', () => {
  it.each([
    ['a flag of another command', ['run', '--week', '2026-W01', '--send', '--lang', 'zz'], 'run: --week is not an option of run (it belongs to digest)', 'Usage: veille run [--force]'],
    ['a misspelt flag', ['status', '--jsno'], 'status: unknown option --jsno; did you mean --json?', 'Usage: veille status [--json]'],
    ['a misspelt flag of digest', ['digest', '--sned'], 'digest: unknown option --sned; did you mean --send?', 'Usage: veille digest'],
    ['an unknown flag with nothing close', ['status', '--frobnicate'], 'status: unknown option --frobnicate\n', 'Usage: veille status'],
    // Issue 17, finding 8: "Option '--explain <value>' argument missing", then "needs a value".
    ['a flag without its value', ['tag', '--explain'], 'tag: --explain needs the text to explain, in quotes', 'Usage: veille tag --explain TEXT'],
    ['an empty text to explain', ['tag', '--explain', ''], 'tag: --explain needs the text to explain, in quotes', 'Usage: veille tag --explain TEXT'],
    ['a blank text to explain', ['tag', '--explain=  '], 'tag: --explain needs the text to explain, in quotes', 'Usage: veille tag --explain TEXT'],
    ['a date left out', ['stories', '--since'], 'stories: --since needs a value', 'Usage: veille stories'],
    ['a required option left out', ['tag'], 'tag: --explain TEXT is required', 'Usage: veille tag --explain TEXT'],
    ['a value given to a switch', ['status', '--json=yes'], 'status: --json takes no value', 'Usage: veille status'],
    ['a stray argument', ['run', 'now'], 'run: unexpected argument "now"', 'Usage: veille run'],
    ['a missing argument', ['sources', 'add'], 'sources add: URL is required', 'Usage: veille sources add URL'],
    ['a flag of add given to list', ['sources', 'list', '--name', 'x'], 'sources list: --name is not an option of sources list (it belongs to sources add)', 'Usage: veille sources list'],
    ['a misspelt command', ['stauts'], 'unknown command "stauts"; did you mean status?', 'veille --help'],
    ['a misspelt action', ['sources', 'ad', 'https://example.org/'], 'sources: expected list, add, remove, import or export, got "ad"; did you mean add?', 'veille --help'],
    ['an unknown short flag', ['run', '-x'], 'run: unknown option -x\n', 'Usage: veille run'],
    // Issue 17, finding 8: every unknown flag gets a "did you mean" when one is close.
    ['a short flag for a long one', ['status', '-j'], 'status: unknown option -j; did you mean --json?', 'Usage: veille status'],
    ['an argument opening with "-"', ['recipients', 'remove', '-Xb3_kQ9zLm2Pqr7sT0uVwYx1Za4cDeFgHh'], 'recipients remove: unknown option -X; an argument that starts with "-" goes after "--": veille recipients remove -- -Xb3_kQ9zLm2Pqr7sT0uVwYx1Za4cDeFgHh', 'Usage: veille recipients remove'],
    ['a flag in capitals', ['status', '--JSON'], 'status: unknown option --JSON; did you mean --json?', 'Usage: veille status'],
    ['a misspelt flag before the command', ['--jsno'], 'unknown option --jsno; did you mean --json (an option of status, eval, stories, extract, summarize)?', 'veille --help'],
  ])('%s exits 2 with the command and its usage', async (_name, argv, message, usage) => {
    const result = await runCli(argv, { cwd, env: {} });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain(usage);
  });

  it.each([
    ['the whole help', ['--help'], 'Usage: veille <command> [options]'],
    ['one command’s help', ['digest', '--help'], 'Usage: veille digest [--week YYYY-Www] [--send] [--dry-run] [--force] [--partial]\n'],
    ['help for an action', ['help', 'sources', 'add'], 'Usage: veille sources add URL [--name N] [--lang L] [--no-check]\n'],
    ['the version', ['-v'], '0.1.0\n'],
  ])('%s exits 0 on stdout', async (_name, argv, text) => {
    const result = await runCli(argv, { cwd, env: {} });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(text);
  });

  it('takes the options every command shares wherever they stand', async () => {
    const result = await runCli(['--config', 'missing.yaml', 'status', '--json'], { cwd, env: {} });
    // Past the arguments: the config is looked for, and its absence is a config error (exit 2).
    expect(result.stderr).toMatch(/missing\.yaml/);
    expect(result.stderr).not.toMatch(/unknown option|not an option/);
  });
});

describe('didYouMean', () => {
  it.each([
    ['jsno', ['json', 'config'], '; did you mean --json?'],
    ['dry', ['dry-run', 'force'], '; did you mean --dry-run?'],
    ['forse', ['force', 'send'], '; did you mean --force?'],
    ['x', ['json'], ''],
    ['completely-different', ['json', 'force'], ''],
    ['a'.repeat(100_000), ['json'], ''],
  ])('%j among %j', (word, candidates, hint) => {
    expect(didYouMean(word, candidates, '--')).toBe(hint);
  });
});
