// The bridge's deadline for a blocking call (issue 20, review of the awaited commits): messages sent
// before it, awaited rather than waited for, are answered first, each within the thread's own query
// timeout. A blocking call queued behind them must not count their time as its own: with the deadline
// taken from the call's sending, three slow awaited queries (each under the timeout) closed the bridge
// for good ("did not answer within …"), and every later statement failed until a restart.
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresBridge } from '../../src/store/postgres-bridge.js';

const PG_URL = process.env.VEILLE_TEST_PG_URL;

describe.runIf(PG_URL !== undefined && PG_URL !== '')('a blocking call queued behind awaited ones', () => {
  const opened: PostgresBridge[] = [];
  afterEach(() => {
    for (const bridge of opened.splice(0)) bridge.close();
  });

  it('waits for them, its deadline running from the last answer taken', async () => {
    // Timeout 1 s: each query below takes 0.8 s; the three before the blocking call take 2.4 s together.
    const bridge = new PostgresBridge({ url: PG_URL as string, password: null, schema: null, timeoutMs: 1_000 });
    opened.push(bridge);
    const awaited = [1, 2, 3].map(() => bridge.queryAsync('SELECT pg_sleep(0.8)', []));
    const answer = bridge.query('SELECT 42 AS n', []);
    expect(answer.rows).toEqual([{ n: 42 }]);
    await expect(Promise.all(awaited)).resolves.toHaveLength(3);
    expect(bridge.isOpen).toBe(true);
    expect(bridge.query('SELECT 1 AS n', []).rows).toEqual([{ n: 1 }]);
  });
});
