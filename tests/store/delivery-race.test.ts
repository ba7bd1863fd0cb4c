// At most once across processes (issue 20): two publishers claiming the same recipient of the
// same issue at the same moment. On PostgreSQL (read committed) a claim read first and written
// after let both claim: the second one's INSERT waited for the first's commit, then its
// ON CONFLICT DO UPDATE took the row again. The claim is one statement now, its update only
// from 'pending'. The other publisher is psql in a child process, holding its uncommitted claim
// while this store claims.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { backend, PG_URL_ENV } from './backend.js';

const PSQL = '/usr/lib/postgresql/15/bin/psql';
const WEEK = '2026-W47';
const NOW = '2026-11-26T08:00:00.000Z';

describe.runIf(backend.name === 'postgres' && existsSync(PSQL))('a delivery claimed by two publishers at once', () => {
  it('is claimed by one: the other finds it being sent', async () => {
    const url = process.env[PG_URL_ENV] as string;
    const state = backend.fresh();
    const store = state.open();
    store.digests().saveDigest({ week: WEEK, guid: `urn:veille:digest:${WEEK}`, title: 'Semaine 47', issue: '{"week":"2026-W47"}' }, NOW);
    const schema = state.location.kind === 'postgres' ? state.location.schema : null;
    const other = spawn(
      PSQL,
      [
        '-X',
        '-v',
        'ON_ERROR_STOP=1',
        '-d',
        url,
        '-c',
        `SET search_path = ${schema}; BEGIN; INSERT INTO deliveries (week, recipient, message_id, status, attempts, updated_at) VALUES ('${WEEK}', 'lea@example.org', '<other@veille>', 'sending', 0, '${NOW}'); SELECT pg_sleep(1.5); COMMIT;`,
      ],
      { stdio: 'ignore' },
    );
    const exited = new Promise<number | null>((resolve) => other.on('close', resolve));
    // Wait until the other publisher holds its claim, uncommitted.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      for (let tries = 0; tries < 200; tries += 1) {
        const { rows } = await client.query(`SELECT 1 FROM pg_stat_activity WHERE query LIKE '%pg_sleep(1.5)%' AND pid <> pg_backend_pid()`);
        if (rows.length > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    } finally {
      await client.end();
    }
    expect(store.digests().claimDelivery(WEEK, 'lea@example.org', '<m1@veille>', NOW)).toBe('sending');
    expect(await exited).toBe(0);
    expect(store.digests().claimDelivery(WEEK, 'max@example.org', '<m2@veille>', NOW)).toBe('claimed');
  });
});
