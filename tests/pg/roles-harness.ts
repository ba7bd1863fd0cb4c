// What the roles' fault tests share (issue 20): a project whose store is a SQLite file in a
// temporary folder shared by the processes of one machine and whose coordination is a throwaway
// PostgreSQL cluster, the compiled `veille start --role …` in child processes, and reads of both.
import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { join } from 'node:path';
import { makeTempProject, type TempProject } from '../helpers/cli.js';
import { Store } from '../../src/store/store.js';
import { mkdirSync } from 'node:fs';
import { spawnVeille, type Veille } from '../stress/processes.js';

export interface RolesProject extends TempProject {
  start(role: 'fetch' | 'publish' | 'all', timeoutMs?: number): Veille;
  /** Items stored per feed link prefix (the store read with SQLite, read-only). */
  countItems(where?: string): number;
  /** Rows of the coordination tables. */
  query<Row>(text: string): Promise<Row[]>;
  /** What the children printed, for a failing test's report. */
  dump(): string;
}

export function makeRolesProject(pgUrl: string, lines: readonly string[]): RolesProject {
  const project = makeTempProject();
  project.writeConfig(
    [
      `storage: { path: data/veille.db, url: "${pgUrl}" }`,
      'server: { host: 127.0.0.1, port: 0 }',
      'roles: { jobLeaseSeconds: 3, electionRetrySeconds: 1 }',
      ...lines,
    ].join('\n'),
  );
  // The tests read the roles' info lines (elected, published).
  writeFileSync(project.configFile, readFileSync(project.configFile, 'utf8').replace('log: { level: warn }', 'log: { level: info }'));
  // The SQLite store made before the processes start, which would otherwise race to migrate a new file.
  mkdirSync(join(project.dir, 'data'), { recursive: true });
  Store.open(join(project.dir, 'data/veille.db')).close();
  const children: Veille[] = [];
  return {
    ...project,
    start(role, timeoutMs = 90_000) {
      const child = spawnVeille(['start', '--role', role, '--config', project.configFile, '--log-format', 'json'], {}, timeoutMs);
      children.push(child);
      return child;
    },
    countItems(where = '1 = 1') {
      const db = new Database(join(project.dir, 'data/veille.db'), { readonly: true, fileMustExist: true });
      try {
        return (db.prepare(`SELECT count(*) AS n FROM items WHERE ${where}`).get() as { n: number }).n;
      } finally {
        db.close();
      }
    },
    async query<Row>(text: string): Promise<Row[]> {
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      try {
        return (await client.query(text)).rows as Row[];
      } finally {
        await client.end();
      }
    },
    dump: () => children.map((child) => `--- pid ${child.child.pid}\n${child.stdout()}${child.stderr()}`.slice(-6000)).join('\n'),
    cleanup() {
      for (const child of children) if (child.child.exitCode === null) child.child.kill('SIGKILL');
      project.cleanup();
    },
  };
}

/** Log lines (JSON) of a child whose message contains `text`. */
export function logLines(child: Veille, text: string): string[] {
  return child.stderr().split('\n').filter((line) => line.includes(text));
}
