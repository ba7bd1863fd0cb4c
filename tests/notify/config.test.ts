// notify[] in config/veille.yaml (issue 21): a bad target is refused when the config loads, with
// the file, line and key path, and what is expected.
import { describe, expect, it } from 'vitest';
import { formatSummary } from '../../src/cli/main.js';
import { parseConfig } from '../../src/config/load-config.js';

const FILE = '/srv/veille/config/veille.yaml';

function errorOf(yaml: string): string {
  try {
    parseConfig(yaml, FILE);
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
}

describe('notify config', () => {
  it('reads a target with its defaults', () => {
    const config = parseConfig('notify:\n  - { name: team, url: "https://hooks.slack.com/services/T/B/X", format: slack, secretEnv: HOOK }', FILE);
    expect(config.notify).toEqual([
      { name: 'team', url: 'https://hooks.slack.com/services/T/B/X', format: 'slack', themes: null, secretEnv: 'HOOK', tokenEnv: null, onNewSource: false, allowPrivate: false, timeoutMs: 10_000 },
    ]);
  });

  it.each([
    ['an unknown format', '{ name: a, url: "https://x.example/h", format: telegram, secretEnv: S }', 'veille.yaml:2: notify[0].format: expected one of "json", "slack", "discord", "matrix", "ntfy"'],
    ['a bad URL', '{ name: a, url: "hooks.example/h", format: json, secretEnv: S }', 'veille.yaml:2: notify[0].url: expected an http(s) URL'],
    ['no secretEnv', '{ name: a, url: "https://x.example/h", format: json }', 'veille.yaml:2: notify[0].secretEnv: missing'],
    ['a secretEnv that is no variable name', '{ name: a, url: "https://x.example/h", format: json, secretEnv: "my secret" }', 'notify[0].secretEnv: expected an environment variable name'],
    ['a Matrix URL that is not a send endpoint', '{ name: a, url: "https://m.example/room", format: matrix, secretEnv: S, tokenEnv: T }', 'notify[0].url: expected a Matrix send URL'],
    ['a Matrix target without its token', '{ name: a, url: "https://m.example/_matrix/client/v3/rooms/!r:m.example/send/m.room.message", format: matrix, secretEnv: S }', 'notify[0].tokenEnv: expected the name of the environment variable that holds the Matrix access token'],
    ['an ntfy URL without a topic', '{ name: a, url: "https://ntfy.sh/", format: ntfy, secretEnv: S }', 'notify[0].url: expected an ntfy topic URL'],
    ['an unknown key', '{ name: a, url: "https://x.example/h", format: json, secretEnv: S, secret: plain }', 'notify[0].secret: unknown key'],
  ])('refuses %s, saying where', (_name, target, message) => {
    expect(errorOf(`notify:\n  - ${target}`)).toContain(message);
  });

  it('refuses two targets of one name', () => {
    expect(errorOf('notify:\n  - { name: a, url: "https://x.example/h", format: json, secretEnv: S }\n  - { name: a, url: "https://y.example/h", format: json, secretEnv: S }')).toContain(
      'veille.yaml:3: notify[1].name: "a" names another target already',
    );
  });
});

describe("veille run's summary line", () => {
  const summary = {
    startedAt: '2026-12-06T08:00:00.000Z', durationMs: 1200, sources: 2, due: 2, fetched: 2, notModified: 0, failed: 0, deferred: 0,
    newItems: 3, updatedItems: 0, published: 3, fullText: { fetched: 0, failed: 0, waiting: 0, failures: {} }, failures: [],
  };

  it('counts the webhooks when notify has targets, and names the ones waiting', () => {
    expect(formatSummary({ ...summary, notified: { queued: 4, sent: 2, failed: 1, waitingTargets: ['equipe'] } }, 'public')).toBe(
      'Cycle done in 1.2 s: 2 of 2 sources due, 2 fetched, 0 not modified, 0 failed; 3 new items, 0 updated; 3 entries published in public; webhooks: 4 queued, 2 sent, 1 failed (waiting: equipe; see status)\n',
    );
    expect(formatSummary(summary, 'public')).not.toContain('webhooks');
  });
});
