// A throwaway PostgreSQL cluster for the roles (issue 20): Debian's postgresql 15 initialised in a
// temporary folder, run as the unprivileged `postgres` user (we may be root), listening on
// 127.0.0.1 on a free port only; `stop` removes it. Restartable (fault tests); bench:scale and
// `npm run test:pg`'s global setup (tests/helpers/postgres-setup.ts) use it too.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** The folder holding initdb and pg_ctl: VEILLE_PG_BIN, else Debian's newest /usr/lib/postgresql/N/bin. */
function postgresBinDir(): string {
  const configured = process.env.VEILLE_PG_BIN;
  if (configured !== undefined && configured !== '') return configured;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a)) : [];
  return versions.map((version) => join(root, version, 'bin')).find((dir) => existsSync(join(dir, 'initdb'))) ?? join(root, '15', 'bin');
}

const BIN = postgresBinDir();

/** Linux's clock ticks per second (USER_HZ), the unit of /proc/PID/stat's times. */
const TICKS_PER_SECOND = 100;

/** A process's CPU seconds, its own and its reaped children's (/proc/PID/stat fields 14–17, or only 16–17); 0 once gone. */
export function processCpu(pid: number, onlyReaped = false): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields.slice(onlyReaped ? 13 : 11, 15).reduce((sum, field) => sum + Number(field), 0) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** The live children of `parent` (PostgreSQL's backends under its postmaster). */
export function childPids(parent: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent) pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

export interface PgCluster {
  readonly url: string;
  readonly port: number;
  /** The server's process id (postmaster.pid's first line), for a bench that reads its CPU time. */
  serverPid(): number | null;
  /** CPU seconds so far of the server's processes, its ended backends included (reaped by it). */
  serverCpuSeconds(): number;
  /** A new empty database on the cluster (one per test: nothing shared but the server); its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server (fast shutdown: sessions are cut, as when the database restarts) and starts it again. */
  restart(pauseMs?: number): Promise<void>;
  stopServer(): void;
  startServer(): void;
  stop(): void;
}

/** True when Debian's PostgreSQL binaries are installed (the tests skip otherwise). */
export function hasPostgres(): boolean {
  return existsSync(join(BIN, 'initdb')) && existsSync(join(BIN, 'pg_ctl'));
}

export async function startPgCluster(): Promise<PgCluster> {
  if (!hasPostgres()) throw new Error(`pg-cluster: no PostgreSQL in ${BIN} (apt-get install postgresql, or set VEILLE_PG_BIN)`);
  const root = mkdtempSync(join(tmpdir(), 'veille-pg-'));
  chmodSync(root, 0o755);
  const data = join(root, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(root, uid, gid);
  }
  const run = (program: string, args: string[]): void => {
    const command = join(BIN, program);
    if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { stdio: 'pipe', timeout: 60_000 });
    else execFileSync(command, args, { stdio: 'pipe', timeout: 60_000 });
  };
  const port = await freePort();
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const startServer = (): void => run('pg_ctl', ['-D', data, '-w', '-t', '30', '-l', join(root, 'log'), '-o', options, 'start']);
  const stopServer = (): void => run('pg_ctl', ['-D', data, '-w', '-t', '30', '-m', 'fast', 'stop']);
  startServer();
  const serverPid = (): number | null => {
    try {
      return Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]) || null;
    } catch {
      return null;
    }
  };
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    serverPid,
    serverCpuSeconds() {
      const pid = serverPid();
      return pid === null ? 0 : processCpu(pid) + childPids(pid).reduce((sum, child) => sum + processCpu(child), 0);
    },
    async createDatabase(name) {
      if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`pg-cluster: bad database name ${name}`);
      const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    startServer,
    stopServer,
    async restart(pauseMs = 0) {
      stopServer();
      if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
      startServer();
    },
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-w', '-t', '30', '-m', 'immediate', 'stop']);
      } catch {
        // already stopped
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
