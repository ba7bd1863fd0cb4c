// The installed command as a user runs it: the compiled bin in a child process, with its
// parsing threads, against loopback feeds (the in-process tests run from sources, their threads from dist/).
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempProject, type TempProject } from '../helpers/cli.js';
import { rssFeed, serveBody, startFeedServer, type FeedServer } from '../helpers/feed-server.js';

const run = promisify(execFile);
const BIN = resolve(import.meta.dirname, '../../bin/veille.js');
const COMPILED = resolve(import.meta.dirname, '../../dist/worker/process-thread.js');

describe.runIf(existsSync(COMPILED))('bin/veille.js', () => {
  let server: FeedServer;
  let project: TempProject;

  beforeAll(async () => {
    const feeds: Record<string, ReturnType<typeof serveBody>> = {};
    for (let index = 0; index < 6; index += 1) {
      feeds[`/feed${index}.xml`] = serveBody(
        rssFeed(`Feed ${index}`, [
          { title: `Federated learning ${index}`, link: `https://f${index}.example/a`, guid: `a${index}`, date: 'Mon, 23 Nov 2026 09:00:00 +0000' },
          { title: `Open-source model ${index}`, link: `https://f${index}.example/b`, guid: `b${index}`, date: 'Sun, 22 Nov 2026 09:00:00 +0000' },
        ]),
        'application/rss+xml',
      );
    }
    feeds['/broken.xml'] = serveBody('<rss><channel><item><title>cut', 'application/rss+xml');
    server = await startFeedServer(feeds);
    project = makeTempProject();
    const sources = [...Object.keys(feeds)].map((path) => `  - { url: "${server.base}${path}" }`).join('\n');
    project.writeConfig(`sources:\n${sources}\nstorage: { path: data/veille.db }\npublish: { dir: public }\nprocessing: { threads: 2 }\nfetch: { perHostDelayMs: 0 }`);
  });

  afterAll(async () => {
    await server.close();
    project.cleanup();
  });

  it('runs a cycle on two parsing threads and reports a broken feed as that source\'s error', async () => {
    const { stdout, stderr } = await run(process.execPath, [BIN, 'run', '--config', project.configFile], {
      env: { ...process.env, VEILLE_NOW: '2026-11-26T08:00:00Z' },
    });
    expect(stdout).toBe('');
    // Without a terminal: JSON log lines (at the test config's level, warn) and nothing else.
    const lines = stderr.trim().split('\n').map((line) => JSON.parse(line) as { msg: string; code?: string; source?: string });
    expect(lines).toEqual([expect.objectContaining({ code: 'PARSE_INVALID_FEED', source: `${server.base}/broken.xml` })]);
    const feed = JSON.parse(readFileSync(join(project.dir, 'public/feed.json'), 'utf8')) as { items: { tags?: string[] }[] };
    expect(feed.items).toHaveLength(12);
    expect(feed.items.filter((item) => item.tags?.includes('Apprentissage fédéré'))).toHaveLength(6);
  });

  it('exits 2 on an invalid config, with the message on stderr', async () => {
    const bad = makeTempProject();
    try {
      bad.writeConfig('publish: { maxItems: -3 }');
      await expect(run(process.execPath, [BIN, 'run', '--config', bad.configFile])).rejects.toMatchObject({
        code: 2,
        stderr: expect.stringMatching(/publish\.maxItems: expected more than 0/),
      });
    } finally {
      bad.cleanup();
    }
  });
});
