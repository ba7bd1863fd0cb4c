// /healthz tells a load balancer the truth (issue 17, finding 5): "ok", "degraded" (some sources
// failing or stale, with counts) or "failing" (no source succeeded in its last 3 attempts), as
// JSON with HTTP 200, 200 and 503; and the home page says, in the reader's language, that
// sources fail, instead of only "Aucun article pour le moment".
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempProject, runCli, type TempProject } from '../helpers/cli.js';
import { rssFeed, serveBody, startFeedServer, type FeedServer } from '../helpers/feed-server.js';
import { freePort, waitFor } from '../stress/processes.js';

const GOOD = rssFeed('AIhub', [{ title: 'Federated learning news', link: 'https://aihub.org/a', guid: 'a', date: 'Mon, 23 Nov 2026 09:00:00 +0000' }]);

describe('/healthz and the home page when sources fail', () => {
  let feeds: FeedServer | undefined;
  let project: TempProject | undefined;
  afterEach(async () => {
    await feeds?.close();
    project?.cleanup();
  });

  it.each([
    {
      name: 'every source works',
      paths: ['/good.xml'],
      http: 200,
      health: { status: 'ok', sources: 1, failing: 0, stale: 0, new: 0, failingAfter: 3 },
      notice: null,
    },
    {
      name: 'one of two fails',
      paths: ['/good.xml', '/gone.xml'],
      http: 200,
      health: { status: 'degraded', sources: 2, failing: 1, stale: 0, new: 0, failingAfter: 3 },
      notice: '1 source sur 2 ne répond pas en ce moment\u202F: les articles ci-dessous peuvent ne pas être à jour.',
    },
    {
      name: 'every source fails',
      paths: ['/gone.xml', '/broken.xml'],
      http: 503,
      health: { status: 'failing', sources: 2, failing: 2, stale: 0, new: 0, failingAfter: 3 },
      notice: 'Aucune source n’a pu être lue ces derniers temps\u202F: cette page n’est plus mise à jour.',
    },
  ])('$name: HTTP $http and the page says so', { timeout: 60_000 }, async ({ paths, http, health, notice }) => {
    feeds = await startFeedServer({
      '/good.xml': serveBody(GOOD, 'application/rss+xml'),
      '/broken.xml': serveBody('<rss><channel>', 'application/rss+xml'),
    });
    project = makeTempProject();
    const port = await freePort();
    project.writeConfig(
      `sources:\n${paths.map((path) => `  - { url: "${feeds?.base}${path}" }`).join('\n')}\nserver: { port: ${port} }\nfetch: { perHostDelayMs: 0 }`,
    );
    // Three cycles: a failing source has failed its last 3 attempts.
    for (let cycle = 0; cycle < 3; cycle += 1) expect((await runCli(['run', '--force', '--config', project.configFile], { env: {} })).code).toBe(0);
    const page = readFileSync(join(project.dir, 'public/index.html'), 'utf8');
    if (notice === null) expect(page).not.toContain('class="notice"');
    else expect(page).toContain(`<p class="notice" role="status">${notice}</p>`);

    let stop!: () => void;
    const stopSignal = new Promise<void>((resolve) => (stop = resolve));
    const running = runCli(['start', '--config', project.configFile], { env: {}, stopSignal });
    try {
      const response = await waitFor(() => fetch(`http://127.0.0.1:${port}/healthz`));
      expect(response.status).toBe(http);
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(await response.json()).toEqual(health);
    } finally {
      stop();
      expect((await running).code).toBe(0);
    }
  });
});
