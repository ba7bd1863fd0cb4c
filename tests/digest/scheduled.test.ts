// The worker's weekly run (schedule.digest): builds the last complete week's issue and sends it to
// the outbox; a second tick in the same week sends nothing again.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { composeApp, configureApp } from '../../src/app/app.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { Logger } from '../../src/domain/ports.js';
import { Store } from '../../src/store/store.js';
import { loadTaxonomy } from '../../src/tag/taxonomy.js';
import { runScheduledDigest } from '../../src/app/digest.js';
import { makeDigestProject, WEEK, type DigestProject } from './digest-fixture.js';

let project: DigestProject;
afterEach(() => project?.cleanup());

function recordingLogger(lines: Array<[string, Record<string, unknown>]>): Logger {
  const log = (fields: Record<string, unknown>, message: string) => void lines.push([message, fields]);
  return { debug: log, info: log, warn: log, error: log };
}

describe('runScheduledDigest', () => {
  it('on Monday 07:00 in Paris, builds the week that just ended and sends it once', async () => {
    project = makeDigestProject('email: { outbox: outbox, recipients: [ { address: lea@example.org } ] }');
    const config = loadConfig(project.configFile);
    const store = Store.open(config.storagePath);
    const lines: Array<[string, Record<string, unknown>]> = [];
    // Monday 23 November 2026, 07:00 in Paris (06:00 UTC).
    const deps = composeApp(configureApp(config, { clock: { now: () => new Date('2026-11-23T06:00:00Z') }, env: {}, logger: recordingLogger(lines) }), {
      store,
      taxonomy: loadTaxonomy(config.themesFile),
    });
    try {
      await runScheduledDigest(deps, {});
      await runScheduledDigest(deps, {});
    } finally {
      store.close();
    }
    expect(lines.filter(([message]) => message === 'digest built').map(([, fields]) => fields.outcome)).toEqual(['stored', 'kept']);
    expect(lines.filter(([message]) => message === 'digest delivered').map(([, fields]) => [fields.sent, fields.skipped])).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(readdirSync(join(project.dir, 'outbox', WEEK))).toEqual(['lea@example.org.eml']);
    const mail = await simpleParser(readFileSync(join(project.dir, 'outbox', WEEK, 'lea@example.org.eml')));
    expect(mail.subject).toBe('Veille IA — semaine du 16 au 22 novembre 2026');
  });
});
