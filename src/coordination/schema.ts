// The coordination's own tables (issue 20), beside the store's and pg-boss's: the processes'
// heartbeats and the per-host slots that make politeness hold across fetch workers. Created at
// start when missing, under a transaction-scoped advisory lock so that processes starting at
// once do not race.
import type { SqlPool } from './postgres.js';

/** The advisory lock keys of veille's coordination (pg_advisory_lock takes a bigint). */
export const LOCK_KEYS = { schema: 0x7665696c6c6501n, publisher: 0x7665696c6c6502n } as const;

const STATEMENTS = [
  `CREATE TABLE IF NOT EXISTS veille_workers (
     id text PRIMARY KEY,
     role text NOT NULL,
     hostname text NOT NULL,
     pid integer NOT NULL,
     started_at timestamptz NOT NULL DEFAULT now(),
     beat_at timestamptz NOT NULL DEFAULT now(),
     jobs_running integer NOT NULL DEFAULT 0,
     jobs_done bigint NOT NULL DEFAULT 0,
     jobs_failed bigint NOT NULL DEFAULT 0,
     publishing boolean NOT NULL DEFAULT false)`,
  `CREATE TABLE IF NOT EXISTS veille_hosts (
     host text PRIMARY KEY,
     last_start_at timestamptz)`,
  `CREATE TABLE IF NOT EXISTS veille_host_slots (
     id uuid PRIMARY KEY,
     host text NOT NULL REFERENCES veille_hosts (host) ON DELETE CASCADE,
     holder text NOT NULL,
     started_at timestamptz NOT NULL,
     until timestamptz NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS veille_host_slots_host ON veille_host_slots (host)`,
  // One round trip per try: the host's row locked (FOR UPDATE serialises the workers on that host
  // only), expired slots of dead workers dropped, then a slot granted when the host has one free
  // and its delay since the last start has passed; otherwise how long to wait, in ms (0: a slot).
  `CREATE OR REPLACE FUNCTION veille_take_host_slot(p_host text, p_slot uuid, p_holder text, p_concurrency integer, p_delay_ms double precision, p_lease_ms double precision)
   RETURNS double precision LANGUAGE plpgsql AS $$
   DECLARE
     v_last timestamptz;
     v_now timestamptz := clock_timestamp();
     v_running integer;
     v_wait double precision;
   BEGIN
     INSERT INTO veille_hosts (host) VALUES (p_host) ON CONFLICT (host) DO NOTHING;
     SELECT last_start_at INTO v_last FROM veille_hosts WHERE host = p_host FOR UPDATE;
     DELETE FROM veille_host_slots WHERE host = p_host AND until < v_now;
     SELECT count(*) INTO v_running FROM veille_host_slots WHERE host = p_host;
     IF v_running >= p_concurrency THEN
       RETURN -1;
     END IF;
     v_wait := coalesce(extract(epoch FROM (v_last + p_delay_ms * interval '1 millisecond' - v_now)) * 1000, 0);
     IF v_wait > 0 THEN
       RETURN v_wait;
     END IF;
     INSERT INTO veille_host_slots (id, host, holder, started_at, until)
       VALUES (p_slot, p_host, p_holder, v_now, v_now + p_lease_ms * interval '1 millisecond');
     UPDATE veille_hosts SET last_start_at = v_now WHERE host = p_host;
     RETURN 0;
   END $$`,
];

export async function ensureCoordinationSchema(pool: SqlPool): Promise<void> {
  await pool.transaction(async (sql) => {
    await sql.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEYS.schema.toString()]);
    for (const statement of STATEMENTS) await sql.query(statement);
  });
}
