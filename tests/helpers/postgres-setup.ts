// Vitest global setup for `npm run test:pg`: one PostgreSQL cluster for the run
// (tools/bench/pg-cluster.ts), a database of its own named to the tests in VEILLE_TEST_PG_URL
// (tests/store/backend.ts), stopped and removed at the end.
import { startPgCluster, type PgCluster } from '../../tools/bench/pg-cluster.js';

let cluster: PgCluster | null = null;

export async function setup(): Promise<void> {
  cluster = await startPgCluster();
  process.env.VEILLE_TEST_PG_URL = await cluster.createDatabase('veille');
}

export function teardown(): void {
  cluster?.stop();
  cluster = null;
}
