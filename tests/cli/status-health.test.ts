// `veille status`: a source with no new item for fetch.staleAfterDays is stale, and a source whose
// host asked to wait (429/503 with Retry-After) shows when it will be tried next.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempProject, runCli, type TempProject } from '../helpers/cli.js';
import { rssFeed, serveBody, startFeedServer, type FeedServer } from '../helpers/feed-server.js';

const NOW = '2026-11-26T08:00:00.000Z';
const DAY = 24 * 3_600_000;

interface StatusJson {
  staleAfterDays: number;
  sources: { name: string; state: string; stale: boolean; nextFetchAt: string | null; hostNotBefore: string | null }[];
}

describe('veille status: stale sources and deferred hosts', () => {
  let server: FeedServer;
  let busy: FeedServer;
  let project: TempProject;

  beforeAll(async () => {
    server = await startFeedServer({
      '/feed.xml': serveBody(rssFeed('Quiet', [{ title: 'Old news', link: 'https://q.example/1', guid: 'q1' }]), 'application/rss+xml'),
    });
    // A second server is a second host (hostname:port): its 429 defers only its own sources.
    busy = await startFeedServer({
      '/a.xml': (_request, response) => response.writeHead(429, { 'retry-after': '3600' }).end(),
    });
    project = makeTempProject();
    project.writeConfig(`sources:
  - { url: "${server.base}/feed.xml", name: Quiet }
  - { url: "${busy.base}/a.xml", name: Busy }
storage: { path: data/veille.db }
publish: { dir: public }
fetch: { perHostDelayMs: 0, staleAfterDays: 30 }`);
    const run = await runCli(['run', '--config', project.configFile], { env: { VEILLE_NOW: NOW } });
    expect(run.code).toBe(0);
  });

  afterAll(async () => {
    await Promise.all([server.close(), busy.close()]);
    project.cleanup();
  });

  async function status(now: string): Promise<Record<string, StatusJson['sources'][number]>> {
    const result = await runCli(['status', '--json', '--config', project.configFile], { env: { VEILLE_NOW: now } });
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as StatusJson;
    expect(parsed.staleAfterDays).toBe(30);
    return Object.fromEntries(parsed.sources.map((source) => [source.name, source]));
  }

  it.each([
    { name: 'the day after: not stale', days: 1, state: 'ok', stale: false },
    { name: 'exactly 30 days later: not yet stale', days: 30, state: 'ok', stale: false },
    { name: '31 days without a new item: stale', days: 31, state: 'stale', stale: true },
  ])('$name', async ({ days, state, stale }) => {
    const byName = await status(new Date(Date.parse(NOW) + days * DAY).toISOString());
    expect(byName.Quiet).toMatchObject({ state, stale });
  });

  it('shows the next attempt of a source whose host asked to wait (Retry-After: 3600)', async () => {
    const byName = await status(NOW);
    const until = new Date(Date.parse(NOW) + 3_600_000).toISOString();
    expect(byName.Busy).toMatchObject({ state: 'failing', nextFetchAt: until, hostNotBefore: until });
    expect(byName.Quiet?.hostNotBefore).toBeNull();
  });

  it('counts stale sources in the table', async () => {
    const result = await runCli(['status', '--config', project.configFile], { env: { VEILLE_NOW: new Date(Date.parse(NOW) + 40 * DAY).toISOString() } });
    expect(result.stdout).toMatch(/Quiet\s+stale/);
    expect(result.stdout).toMatch(/2 sources, 1 failing, 1 stale \(no new item for 30 days\)/);
  });
});
