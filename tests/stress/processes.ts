// The compiled `veille` in child processes for the stress tests: start one, wait for it with a
// deadline (killed past it), find a free loopback port, poll for a condition with a deadline.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

export const BIN = resolve(import.meta.dirname, '../../bin/veille.js');
/** The stress suite runs the build `npm run test:stress` makes first. */
export const IS_BUILT = existsSync(resolve(import.meta.dirname, '../../dist/cli/main.js'));

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Veille {
  readonly child: ChildProcess;
  /** Resolves when the process has exited; it is SIGKILLed if still running after `timeoutMs`. */
  readonly exited: Promise<Exit>;
  stdout(): string;
  stderr(): string;
}

/** `node --max-semi-space-size=4 --heap-growing-percent=30 --single-threaded-gc bin/veille.js ...args`, as the bin's shebang runs it. */
export function spawnVeille(args: readonly string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Veille {
  const child = spawn(process.execPath, ['--max-semi-space-size=4', '--heap-growing-percent=30', '--single-threaded-gc', BIN, ...args], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<Exit>((resolvePromise) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

export function runVeille(args: readonly string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Promise<Exit> {
  return spawnVeille(args, env, timeoutMs).exited;
}

export function freePort(): Promise<number> {
  return new Promise((resolvePromise) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolvePromise(port));
    });
  });
}

export async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 50));
  }
}

/** A small deterministic PRNG (mulberry32), so that a failing trial can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
