// The sample feeds of `npm run demo`: which files, how they are served on loopback (again later,
// on the same port, by `npm run demo -- --serve`), and the week that holds the demo's story.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { formatIsoWeek, isoWeekOfDate, localDate } from '../../src/digest/iso-week.js';
import { parseFeed } from '../../src/parse/parse-feed.js';
import { DEMO_FEEDS_DIR } from '../repo-paths.js';

/** The sample feeds, with the Content-Type each is served with. */
export const FEEDS: readonly { file: string; name: string; lang: string; contentType: string }[] = [
  { file: 'aihub-sample.xml', name: 'AIhub (exemple)', lang: 'en', contentType: 'application/rss+xml; charset=utf-8' },
  { file: 'blog-ia-fr.xml', name: 'Exemple Blog IA', lang: 'fr', contentType: 'application/rss+xml; charset=utf-8' },
  { file: 'mistral.xml', name: 'Mistral AI', lang: 'en', contentType: 'application/rss+xml; charset=utf-8' },
  { file: 'anthropic-research.xml', name: 'Anthropic Research', lang: 'en', contentType: 'application/rss+xml' },
  { file: 'google-ai.xml', name: 'Google Developers Blog (IA)', lang: 'en', contentType: 'application/xml' },
  { file: 'aisi.xml', name: 'AI Security Institute', lang: 'en', contentType: 'text/xml' },
  { file: 'cercle-psy-iso-8859-1.xml', name: 'Le Cercle Psy (ISO-8859-1)', lang: 'fr', contentType: 'application/rss+xml; charset=ISO-8859-1' },
  { file: 'miniflux-commits.atom', name: 'Miniflux (Atom)', lang: 'en', contentType: 'application/atom+xml' },
  { file: 'influxdata.json', name: 'InfluxData (JSON Feed)', lang: 'en', contentType: 'application/feed+json' },
];

/** The story the demo points at: told by the AIhub sample and the French blog that links to it. */
export const DEMO_STORY = { file: 'aihub-sample.xml', titleWord: 'AAAI' } as const;

/**
 * What `npm run demo` does after its cycle: `keep` serves the feeds until Ctrl-C (a person at a
 * terminal), `once` stops (CI, no terminal, or --once: .ci/run must finish), `serve` only serves
 * the feeds again for the config an earlier run wrote (--serve).
 */
export type DemoMode = 'keep' | 'once' | 'serve';

export function demoMode(argv: readonly string[], env: NodeJS.ProcessEnv, stdinIsTerminal: boolean): DemoMode {
  const unknown = argv.find((word) => word !== '--serve' && word !== '--once');
  if (unknown !== undefined) throw new Error(`demo: unknown option "${unknown}" (expected --serve or --once)`);
  if (argv.includes('--serve')) return 'serve';
  if (argv.includes('--once') || (env.CI !== undefined && env.CI !== '' && env.CI !== 'false') || !stdinIsTerminal) return 'once';
  return 'keep';
}

/** Serves the sample feeds on 127.0.0.1 at `port` (0: any free port). */
export function serveFeeds(port = 0): Promise<Server> {
  const types = new Map(FEEDS.map((feed) => [`/${feed.file}`, feed.contentType]));
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const contentType = types.get(path);
    if (!contentType) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const body = readFileSync(join(DEMO_FEEDS_DIR, path.slice(1)));
    response.writeHead(200, { 'content-type': contentType, 'content-length': body.length }).end(body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

export function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

/** The port of the feeds in a config the demo wrote (its sources' URLs, not the site's), or null. */
export function feedsPortOf(configText: string): number | null {
  const match = /- \{ url: "http:\/\/127\.0\.0\.1:(\d{1,5})\//.exec(configText);
  return match?.[1] === undefined ? null : Number(match[1]);
}

/** The ISO week ("2026-W48") in `timeZone` of the demo story's item, read from its feed. */
export async function weekOfDemoStory(timeZone: string): Promise<string> {
  const text = readFileSync(join(DEMO_FEEDS_DIR, DEMO_STORY.file), 'utf8');
  const feed = await parseFeed(text, { contentType: 'application/rss+xml', url: `file:${DEMO_STORY.file}` });
  const item = feed.items.find((candidate) => candidate.title?.includes(DEMO_STORY.titleWord) === true);
  if (item?.published == null) throw new Error(`demo: no dated item about ${DEMO_STORY.titleWord} in ${DEMO_STORY.file}`);
  return formatIsoWeek(isoWeekOfDate(localDate(new Date(item.published), timeZone)));
}
