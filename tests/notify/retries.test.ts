// A failing webhook (issue 21): each notification waits out a doubling back-off and is sent again
// with the same idempotency key and body; a target failing for a day is paused, shown so in
// status and /metrics, and `veille notify test` resumes it; then the queue goes out, nothing lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStatus } from '../../src/app/status.js';
import { createCycleMetrics, renderMetrics } from '../../src/worker/metrics.js';
import { runCli } from '../helpers/cli.js';
import { rssFeed } from '../helpers/feed-server.js';
import { startServer, type TestServer } from '../fetch/servers.js';
import { makeCycleProject, type CycleProject } from '../worker/cycle-harness.js';
import { startReceiver, type Receiver } from './receivers.js';

const SECRET = 'retry-secret';
const T0 = new Date('2026-12-06T08:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('notify: a failing target', () => {
  let feeds: TestServer;
  let receiver: Receiver;
  let project: CycleProject;
  let now = T0;
  const env = { HOOK_SECRET: SECRET };

  beforeAll(async () => {
    receiver = await startReceiver(SECRET, () => now);
    receiver.answer('/hook', 500, 'upstream down');
    feeds = await startServer({
      '/feed.xml': (_request, response) =>
        response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(
          rssFeed('Lab', [
            { title: 'Federated learning in hospitals', link: 'https://example.org/a', guid: 'a', date: 'Sun, 06 Dec 2026 07:00:00 GMT', description: 'Federated learning keeps the data where it is.' },
            { title: 'Open-source weights released', link: 'https://example.org/b', guid: 'b', date: 'Sun, 06 Dec 2026 07:30:00 GMT', description: 'Open source code and open weights.' },
          ]),
        ),
    });
    project = makeCycleProject(
      [
        'sources:',
        `  - { url: "${feeds.url('/feed.xml')}", name: Lab, lang: en }`,
        'fetch: { perHostDelayMs: 0 }',
        'notify:',
        `  - { name: hook, url: "${receiver.url('/hook')}", format: json, secretEnv: HOOK_SECRET, allowPrivate: true }`,
        `  - { name: unset, url: "${receiver.url('/unset')}", format: slack, secretEnv: NOT_SET_ANYWHERE, allowPrivate: true }`,
        `  - { name: odd, url: "${receiver.url('/odd')}", format: json, secretEnv: HOOK_SECRET, allowPrivate: true, themes: [privacy, no-such-theme] }`,
      ].join('\n'),
      { env },
    );
  });

  afterAll(async () => {
    project.cleanup();
    await Promise.all([feeds.close(), receiver.close()]);
  });

  const runAt = async (offsetMs: number) => {
    now = new Date(T0.getTime() + offsetMs);
    await project.run(now, { force: true });
  };
  const hook = () => readStatus(project.config, now).notify.find((target) => target.name === 'hook');

  it('tries once per step, then waits a doubling back-off', async () => {
    await runAt(0);
    expect(receiver.to('/hook')).toHaveLength(1);
    expect(hook()).toMatchObject({ pending: 2, delivered: 0, failingSince: T0.toISOString(), pausedAt: null });
    expect(hook()?.lastError).toMatch(/^notify: hook: http:\/\/127\.0\.0\.1:\d+\/…: HTTP 500: upstream down$/);
    await runAt(30_000); // within the first minute's wait: nothing
    expect(receiver.to('/hook')).toHaveLength(1);
    await runAt(2 * MINUTE);
    expect(receiver.to('/hook')).toHaveLength(2);
    await runAt(3 * MINUTE); // the second wait is two minutes
    expect(receiver.to('/hook')).toHaveLength(2);
    const [first, second] = receiver.to('/hook');
    expect(second?.headers['idempotency-key']).toBe(first?.headers['idempotency-key']);
    expect(second?.body).toBe(first?.body);
    expect(receiver.to('/hook').every((request) => request.signed)).toBe(true);
  });

  it('sends nothing for a target whose secret is not in the environment, and says where', () => {
    expect(receiver.to('/unset')).toHaveLength(0);
    const unset = readStatus(project.config, now).notify.find((target) => target.name === 'unset');
    expect(unset?.pending).toBe(2);
    expect(unset?.lastError).toBe(`config: ${project.config.file}: notify[1].secretEnv: the environment variable NOT_SET_ANYWHERE is not set (the signing secret of the webhook "unset")`);
  });

  it('sends nothing for a target with a theme the taxonomy lacks, and says where', () => {
    expect(receiver.to('/odd')).toHaveLength(0);
    const odd = readStatus(project.config, now).notify.find((target) => target.name === 'odd');
    expect(odd?.lastError).toMatch(/^config: .*veille\.yaml: notify\[2\]\.themes: no theme "no-such-theme" in .*themes\.yaml \(its themes: open-source, /);
  });

  it('pauses the target after a day of failures; status and /metrics show it', async () => {
    await runAt(25 * HOUR);
    expect(hook()?.pausedAt).toBe(now.toISOString());
    const attempts = receiver.to('/hook').length;
    await runAt(26 * HOUR);
    expect(receiver.to('/hook')).toHaveLength(attempts);
    const status = await runCli(['status', '--config', project.config.file], { env: { VEILLE_NOW: now.toISOString() } });
    expect(status.stdout).toMatch(/hook: paused since .*"veille notify test hook" resumes it; 0 delivered, 2 waiting\n {4}notify: hook: .*HTTP 500/);
    const metrics = renderMetrics(createCycleMetrics(), [], { now, staleAfterDays: 30, notify: readStatus(project.config, now).notify });
    expect(metrics).toContain('veille_notify_paused{target="hook"} 1');
    expect(metrics).toContain('veille_notify_pending{target="hook"} 2');
  });

  it('veille notify test: exit 1 while the target fails, 0 once it answers, and the target resumes', async () => {
    const cliEnv = { ...env, VEILLE_NOW: now.toISOString() };
    const failing = await runCli(['notify', 'test', 'hook', '--config', project.config.file], { env: cliEnv });
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain('answer: HTTP 500');
    expect(failing.stderr).toMatch(/notify: hook: http:\/\/127\.0\.0\.1:\d+\/…: HTTP 500/);
    receiver.answer('/hook', 200, '{"ok":true}');
    const ok = await runCli(['notify', 'test', 'hook', '--config', project.config.file], { env: cliEnv });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^POST http:\/\/127\.0\.0\.1:\d+\/… \(hook, format json, \d+ bytes\)\n/);
    expect(ok.stdout).toContain('X-Veille-Signature: t=');
    expect(ok.stdout).toContain('"type": "test"');
    expect(ok.stdout).toContain('answer: HTTP 200\n{"ok":true}');
    const sample = receiver.to('/hook').at(-1);
    expect(sample?.signed).toBe(true);
    expect(sample?.headers['x-veille-event']).toBe('test');
    expect(hook()).toMatchObject({ pausedAt: null, failingSince: null });
  });

  it('delivers the queue once resumed: every story, each with the key it was first tried with', async () => {
    const firstKeys = new Set(receiver.to('/hook').filter((request) => request.headers['x-veille-event'] === 'story.new').map((request) => request.headers['idempotency-key']));
    await runAt(27 * HOUR);
    const delivered = receiver.to('/hook').filter((request) => request.headers['x-veille-event'] === 'story.new');
    const keys = new Set(delivered.map((request) => request.headers['idempotency-key']));
    expect(keys.size).toBe(2);
    for (const key of firstKeys) expect(keys.has(key)).toBe(true);
    expect(hook()).toMatchObject({ pending: 0, delivered: 2 });
  });

  it.each([
    ['an unknown name', ['notify', 'test', 'nope'], 2, /notify test: no notify target named "nope" in .*\(configured: hook, unset, odd\)/],
    ['a secret not in the environment', ['notify', 'test', 'unset'], 2, /notify\[1\]\.secretEnv: the environment variable NOT_SET_ANYWHERE is not set/],
  ])('veille notify test: %s is a config or usage error', async (_name, argv, code, message) => {
    const run = await runCli([...argv, '--config', project.config.file], { env: { ...env, VEILLE_NOW: now.toISOString() } });
    expect(run.code).toBe(code);
    expect(run.stderr).toMatch(message);
  });
});
