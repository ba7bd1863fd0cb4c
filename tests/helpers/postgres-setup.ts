// Vitest global setup for `npm run test:pg`: one PostgreSQL cluster for the run, named to the
// tests in VEILLE_TEST_PG_URL (tests/store/backend.ts), stopped and removed at the end.
import { startPostgres, type PostgresCluster } from './postgres.js';

let cluster: PostgresCluster | null = null;

export async function setup(): Promise<void> {
  cluster = await startPostgres();
  process.env.VEILLE_TEST_PG_URL = cluster.url;
}

export function teardown(): void {
  cluster?.stop();
  cluster = null;
}
