// Wall time, CPU time and peak resident memory of one command, as the kernel counts them for a
// child process: through GNU time (/usr/bin/time) when present, else through python3's
// resource.getrusage(RUSAGE_CHILDREN). Both write one line "wall user sys maxrss-KiB" to a file.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Rusage {
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly peakRssBytes: number;
}

const TIME = '/usr/bin/time';
const PYTHON = '/usr/bin/python3';
const PYTHON_TIMER =
  'import resource, subprocess, sys, time\n' +
  'start = time.monotonic()\n' +
  'code = subprocess.call(sys.argv[2:])\n' +
  'usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n' +
  'open(sys.argv[1], "w").write("%.2f %.2f %.2f %d\\n" % (time.monotonic() - start, usage.ru_utime, usage.ru_stime, usage.ru_maxrss))\n' +
  'sys.exit(code)\n';

/** How the figures are taken on this machine, for the bench's header; null when neither is there. */
export function rusageMethod(): string | null {
  if (existsSync(TIME)) return `${TIME} -f "%e %U %S %M"`;
  if (existsSync(PYTHON)) return `${PYTHON} resource.getrusage(RUSAGE_CHILDREN)`;
  return null;
}

/**
 * The figures of the last line of such a file: GNU time writes "Command exited with non-zero
 * status N" before it when the command failed.
 */
export function parseRusage(text: string): Rusage {
  const line = text.trim().split('\n').at(-1) ?? '';
  const fields = line.trim().split(/\s+/).map(Number);
  if (fields.length !== 4 || fields.some((field) => !Number.isFinite(field))) {
    throw new Error(`rusage: expected "wall user sys maxrss", got "${line}"`);
  }
  const [wall = 0, user = 0, sys = 0, maxRssKiB = 0] = fields;
  return { wallSeconds: wall, cpuSeconds: user + sys, peakRssBytes: maxRssKiB * 1024 };
}

export interface MeasuredRun extends Rusage {
  readonly code: number;
}

export interface RunOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Where the command's stdout and stderr go (appended). */
  readonly logFile: string;
}

/** Runs `command` to its end and measures it; the exit code is returned, not thrown. */
export async function measureCommand(command: readonly string[], options: RunOptions): Promise<MeasuredRun> {
  const scratch = mkdtempSync(join(tmpdir(), 'veille-rusage-'));
  const out = join(scratch, 'rusage');
  try {
    const argv = existsSync(TIME) ? [TIME, '-f', '%e %U %S %M', '-o', out, ...command] : [PYTHON, '-c', PYTHON_TIMER, out, ...command];
    const log = openSync(options.logFile, 'a');
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(argv[0] ?? TIME, argv.slice(1), { cwd: options.cwd, env: options.env, stdio: ['ignore', log, log] });
      child.once('error', reject);
      child.once('exit', (status) => resolve(status ?? 1));
    }).finally(() => closeSync(log));
    return { ...parseRusage(readFileSync(out, 'utf8')), code };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
