// Logs for a person at a terminal read as lines (time, level, message, fields); without a terminal,
// or with --log-format json, they stay JSON lines for a collector (issue 17, finding 6: `npm start`
// on a terminal printed raw JSON).
import { describe, expect, it } from 'vitest';
import { createLogger, readableLine } from '../../src/system/logger.js';
import { makeTempProject, runCli } from '../helpers/cli.js';

describe('readable log lines', () => {
  it('shows the time in UTC, the level, the message and the fields, quoted when they hold spaces', () => {
    const json = JSON.stringify({ level: 40, time: Date.parse('2026-12-06T22:20:30Z'), name: 'veille', source: 'https://example.org/feed', code: 'FETCH_DNS', note: 'two words', msg: 'fetch: could not be resolved' });
    expect(readableLine(json)).toBe('2026-12-06 22:20:30 WARN  fetch: could not be resolved  source=https://example.org/feed code=FETCH_DNS note="two words"\n');
  });

  it('writes one readable line per event through the text format, JSON through the json format', () => {
    const text: string[] = [];
    const json: string[] = [];
    createLogger('info', (line) => text.push(line), 'text').warn({ code: 'FETCH_DNS' }, 'failed');
    createLogger('info', (line) => json.push(line), 'json').warn({ code: 'FETCH_DNS' }, 'failed');
    expect(text).toHaveLength(1);
    expect(text[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d WARN {2}failed {2}code=FETCH_DNS\n$/);
    expect(JSON.parse(json[0] ?? '')).toMatchObject({ level: 40, msg: 'failed', code: 'FETCH_DNS' });
  });

  it('keeps a line that is not JSON as it is', () => {
    expect(readableLine('not json\n')).toBe('not json\n');
  });
});

describe('--log-format', () => {
  it('run --log-format text logs readable lines, without a terminal too', async () => {
    const project = makeTempProject();
    try {
      // A source nothing answers: its failure is logged at warn, the level these tests keep.
      project.writeConfig('sources:\n  - { url: "http://127.0.0.1:9/feed.xml" }');
      const result = await runCli(['run', '--log-format', 'text', '--config', project.configFile]);
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d WARN {2}fetch: .* source=http:\/\/127\.0\.0\.1:9\/feed\.xml code=FETCH_REFUSED$/m);
      expect(result.stderr).not.toMatch(/^\{"level"/m);
    } finally {
      project.cleanup();
    }
  });

  it('refuses a format it does not know, exit 2', async () => {
    const result = await runCli(['start', '--log-format', 'xml', '--config', '/nonexistent/veille.yaml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('start: --log-format "xml": expected json or text');
  });
});
