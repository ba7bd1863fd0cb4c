// What the roles' fault tests share (issue 20): a project whose store and coordination are one
// database of a throwaway PostgreSQL cluster, the compiled `veille start --role …` in child
// processes, and reads of the database.
import { readFileSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { makeTempProject, type TempProject } from '../helpers/cli.js';
import { spawnVeille, type Veille } from '../stress/processes.js';

export interface RolesProject extends TempProject {
  /** `configFile`: another config on the same database (a process on another machine), default the project's. */
  start(role: 'fetch' | 'publish' | 'all', timeoutMs?: number, env?: NodeJS.ProcessEnv, configFile?: string): Veille;
  /** Items stored (where: an SQL condition on the items table). */
  countItems(where?: string): Promise<number>;
  /** Rows of the coordination tables. */
  query<Row>(text: string): Promise<Row[]>;
  /** What the children printed, for a failing test's report. */
  dump(): string;
}

export function makeRolesProject(pgUrl: string, lines: readonly string[]): RolesProject {
  const project = makeTempProject();
  project.writeConfig(
    [
      `storage: { url: "${pgUrl}" }`,
      'server: { host: 127.0.0.1, port: 0 }',
      'roles: { jobLeaseSeconds: 3, electionRetrySeconds: 1 }',
      ...lines,
    ].join('\n'),
  );
  // The tests read the roles' info lines (elected, published).
  writeFileSync(project.configFile, readFileSync(project.configFile, 'utf8').replace('log: { level: warn }', 'log: { level: info }'));
  const children: Veille[] = [];
  return {
    ...project,
    start(role, timeoutMs = 90_000, env = {}, configFile = project.configFile) {
      const child = spawnVeille(['start', '--role', role, '--config', configFile, '--log-format', 'json'], env, timeoutMs);
      children.push(child);
      return child;
    },
    async countItems(where = '1 = 1') {
      const [row] = await query<{ n: string }>(pgUrl, `SELECT count(*) AS n FROM items WHERE ${where}`);
      return Number(row?.n ?? 0);
    },
    query: (text) => query(pgUrl, text),
    dump: () => children.map((child) => `--- pid ${child.child.pid}\n${child.stdout()}${child.stderr()}`.slice(-6000)).join('\n'),
    cleanup() {
      for (const child of children) if (child.child.exitCode === null) child.child.kill('SIGKILL');
      project.cleanup();
    },
  };
}

async function query<Row>(url: string, text: string): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows as Row[];
  } finally {
    await client.end();
  }
}

/** Log lines (JSON) of a child whose message contains `text`. */
export function logLines(child: Veille, text: string): string[] {
  return child.stderr().split('\n').filter((line) => line.includes(text));
}
