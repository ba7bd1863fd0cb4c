// A server that cannot listen says which address and what to change, with a code.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startServer } from '../../src/publish/server.js';

describe('startServer', () => {
  it('reports a port in use as SERVER_LISTEN, naming the address and server.port', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'veille-listen-'));
    const first = await startServer({ dir, host: '127.0.0.1', port: 0 });
    try {
      await expect(startServer({ dir, host: '127.0.0.1', port: first.port })).rejects.toMatchObject({
        code: 'SERVER_LISTEN',
        message: `server: 127.0.0.1:${first.port} is already in use (another veille, or another server); stop it or change server.port`,
      });
    } finally {
      await first.close();
    }
  });
});
