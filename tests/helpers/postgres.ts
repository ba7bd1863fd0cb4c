// A throwaway PostgreSQL cluster for tests: Debian's initdb and pg_ctl (package postgresql) in a
// temporary folder, listening on 127.0.0.1 only, on a free port, with its socket in that folder.
// initdb refuses to run as root: as root, the cluster belongs to the unprivileged `postgres` user.
// Trust authentication on loopback, fsync off: a test cluster, never a real one.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PostgresCluster {
  /** postgres://veille@127.0.0.1:PORT/veille: the superuser `veille`, its database `veille`. */
  readonly url: string;
  readonly port: number;
  /** The cluster's folder (data, socket, log). */
  readonly dir: string;
  /** A URL to a new, empty database of this cluster. */
  createDatabase(name: string): string;
  /** Runs SQL through psql as the superuser, on `database` (default `veille`); returns psql's output. */
  psql(sql: string, database?: string): string;
  stop(): void;
}

/** The folder holding initdb and pg_ctl: PG_BIN, else Debian's newest /usr/lib/postgresql/N/bin. */
export function postgresBinDir(): string | null {
  const configured = process.env.PG_BIN;
  if (configured !== undefined && configured !== '') return configured;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a));
  const found = versions.map((version) => join(root, version, 'bin')).find((dir) => existsSync(join(dir, 'initdb')));
  return found ?? null;
}

export async function startPostgres(): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  if (bin === null) throw new Error('tests/helpers/postgres: no PostgreSQL found (apt-get install postgresql, or set PG_BIN)');
  const dir = mkdtempSync(join(tmpdir(), 'veille-pg-'));
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? readIds('postgres') : null;
  if (owner !== null) chownSync(dir, owner.uid, owner.gid);
  const run = (command: string, args: readonly string[]): string => {
    const [file, argv] = owner !== null ? ['runuser', ['-u', 'postgres', '--', join(bin, command), ...args]] : [join(bin, command), [...args]];
    return execFileSync(file, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  };
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-U', 'veille', '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync']);
  const port = await freePort();
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100`;
  run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
  let stopped = false;
  const psql = (sql: string, database = 'postgres'): string => run('psql', ['-h', dir, '-p', String(port), '-U', 'veille', '-d', database, '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', sql]);
  psql('CREATE DATABASE veille');
  return {
    url: `postgres://veille@127.0.0.1:${port}/veille`,
    port,
    dir,
    createDatabase(name: string): string {
      psql(`CREATE DATABASE "${name}"`);
      return `postgres://veille@127.0.0.1:${port}/${name}`;
    },
    psql: (sql, database = 'veille') => psql(sql, database),
    stop(): void {
      if (stopped) return;
      stopped = true;
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', '-t', '30', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function readIds(user: string): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/** A loopback port nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
