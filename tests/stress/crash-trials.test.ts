// Issue 7, crashes: the compiled `veille run` against 30 loopback feeds (1 to 40 items, some slow
// to answer or to send their body) is SIGKILLed at a seeded random moment, 60 times. After each
// kill: SQLite's integrity check is ok, every published file is whole and valid (atomic rename),
// and only known leftovers remain. Then one uninterrupted run takes over the dead process's lock
// and stores and publishes every item of every feed exactly once.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempProject, type TempProject } from '../helpers/cli.js';
import { startFeedServer, type FeedServer, type Route } from '../helpers/feed-server.js';
import { IS_BUILT, runVeille, seededRandom, spawnVeille, waitFor, type Exit, type Veille } from './processes.js';
import { checkDatabase, checkPublishedFolder } from './site-check.js';

const SEED = 7_2026;
const TRIALS = 60;
const FEEDS = 30;
const NOW = '2026-11-26T08:00:00Z';
const ENV = { VEILLE_NOW: NOW };

interface FeedItem {
  readonly guid: string;
  readonly link: string;
}

/** Made-up words, so that no two items look alike to the story grouping (every item its own story). */
function word(random: () => number): string {
  const letters = 'bcdfghjklmnpqrstvwxz';
  const vowels = 'aeiouy';
  let out = '';
  const syllables = 2 + Math.floor(random() * 3);
  for (let i = 0; i < syllables; i += 1) {
    out += letters[Math.floor(random() * letters.length)]! + vowels[Math.floor(random() * vowels.length)]!;
  }
  return out;
}

function words(random: () => number, count: number): string {
  return Array.from({ length: count }, () => word(random)).join(' ');
}

function makeFeed(index: number, random: () => number): { xml: string; items: FeedItem[] } {
  const count = 1 + Math.floor(random() * 40);
  const items: FeedItem[] = [];
  const entries: string[] = [];
  for (let n = 0; n < count; n += 1) {
    const guid = `s${index}-i${n}-${word(random)}`;
    const link = `https://source${index}.example/${guid}`;
    items.push({ guid, link });
    // Within the two weeks before NOW, at distinct minutes.
    const date = new Date(Date.parse(NOW) - (index * 40 + n + 1) * 17 * 60_000).toUTCString();
    const body = words(random, 30 + Math.floor(random() * 300));
    entries.push(
      `<item><title>${words(random, 6)}</title><link>${link}</link><guid isPermaLink="false">${guid}</guid>` +
        `<pubDate>${date}</pubDate><description><![CDATA[<p>${body}</p>]]></description></item>`,
    );
  }
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Source ${index}</title>` +
    `<link>https://source${index}.example/</link><description>Source ${index}</description><language>en</language>\n` +
    `${entries.join('\n')}\n</channel></rss>\n`;
  return { xml, items };
}

/** Some feeds answer late, some send half the body and the rest later: kills land mid-fetch too. */
function serveFeed(xml: string, delayMs: number, splitBody: boolean): Route {
  return (_request, response) => {
    response.on('error', () => undefined);
    const send = (action: () => void) => setTimeout(() => (response.destroyed ? undefined : action()), delayMs);
    if (!splitBody) return void send(() => response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(xml));
    response.writeHead(200, { 'content-type': 'application/rss+xml', 'content-length': String(Buffer.byteLength(xml)) });
    const bytes = Buffer.from(xml);
    response.write(bytes.subarray(0, bytes.length >> 1));
    send(() => response.end(bytes.subarray(bytes.length >> 1)));
  };
}

/**
 * SIGKILLs `veille` as soon as a temporary file appears in the publish folder (a write in
 * progress), polling every few milliseconds until `deadlineMs`; true when it caught one.
 */
async function killOnTemporaryFile(veille: Veille, publicDir: string, deadlineMs: number): Promise<boolean> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline && veille.child.exitCode === null && veille.child.signalCode === null) {
    const names = [...safeReaddir(publicDir), ...safeReaddir(join(publicDir, 'themes'))];
    // Its own temporary files only: a killed run's may still lie there until the next publish.
    if (names.some((name) => name.endsWith('.tmp') && name.includes(`.${veille.child.pid}.`))) {
      veille.child.kill('SIGKILL');
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return false;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

describe.runIf(IS_BUILT)('SIGKILL at random moments during veille run', () => {
  let server: FeedServer;
  let project: TempProject;
  const expected = new Map<string, FeedItem[]>();

  beforeAll(async () => {
    const random = seededRandom(SEED);
    const routes: Record<string, Route> = {};
    for (let index = 0; index < FEEDS; index += 1) {
      const { xml, items } = makeFeed(index, random);
      const slow = random() < 0.3;
      routes[`/feed${index}.xml`] = serveFeed(xml, slow ? 100 + Math.floor(random() * 500) : 0, slow && random() < 0.5);
      expected.set(`/feed${index}.xml`, items);
    }
    server = await startFeedServer(routes);
    project = makeTempProject();
    const sources = Object.keys(routes).map((path) => `  - { url: "${server.base}${path}", lang: en }`).join('\n');
    project.writeConfig(
      `sources:\n${sources}\nstorage: { path: data/veille.db }\npublish: { dir: public, maxItems: 10000 }\n` +
        'processing: { threads: 2 }\nfetch: { perHostDelayMs: 0, perHostConcurrency: 16 }',
    );
  });

  afterAll(async () => {
    await server?.close();
    project?.cleanup();
  });

  it(`${TRIALS} trials: the store stays sound, published files stay whole; then every item exactly once`, async () => {
    const dbPath = join(project.dir, 'data/veille.db');
    const publicDir = join(project.dir, 'public');
    // `run` holds the lock of a write step, the cycle (issue 17: the worker's lock is `start`'s only).
    const lockPath = `${dbPath}.write.lock`;

    // How long a cycle takes here, on a copy of the same config: kills are spread over it and a bit beyond.
    const calibration = makeTempProject();
    let cycleMs: number;
    try {
      calibration.writeConfig(readFileSync(project.configFile, 'utf8').replace(/^themes:.*$/m, '').replace(/^log:.*$/m, ''));
      const started = performance.now();
      const exit = await runVeille(['run', '--config', calibration.configFile], ENV);
      cycleMs = performance.now() - started;
      expect(exit, exit.stderr).toMatchObject({ code: 0 });
    } finally {
      calibration.cleanup();
    }

    const firstCycleMs = cycleMs;
    const random = seededRandom(SEED + 1);
    const outcomes = { killed: 0, finished: 0, duringPublish: 0, staleLocksFound: 0, integrityOk: 0, maxTemporaries: 0 };
    const dataLeftovers = new Set<string>();
    const killTimes: number[] = [];
    for (let trial = 0; trial < TRIALS; trial += 1) {
      if (existsSync(lockPath)) outcomes.staleLocksFound += 1;
      // Two trials in three at a random moment of the cycle; the third while the site is being
      // written (as soon as a temporary file shows in public/), where the atomic rename matters.
      const duringPublish = trial % 3 === 2;
      const killAfter = Math.round(30 + random() * cycleMs * (duringPublish ? 2 : 1.1));
      const startedAt = performance.now();
      const veille = spawnVeille(['run', '--force', '--config', project.configFile], ENV);
      const timer = setTimeout(() => veille.child.kill('SIGKILL'), killAfter);
      if (duringPublish) void killOnTemporaryFile(veille, publicDir, killAfter).then((hit) => (outcomes.duringPublish += hit ? 1 : 0));
      const exit: Exit = await veille.exited;
      clearTimeout(timer);
      if (exit.signal === 'SIGKILL') {
        outcomes.killed += 1;
        if (!duringPublish) killTimes.push(killAfter);
      } else {
        expect(exit, `trial ${trial} (seed ${SEED}): ${exit.stderr}`).toMatchObject({ code: 0 });
        outcomes.finished += 1;
        // A cycle over a filled store is shorter than the first: later kills aim at this one.
        if (!duringPublish) cycleMs = performance.now() - startedAt;
      }

      if (existsSync(dbPath)) {
        const db = checkDatabase(dbPath);
        expect(db, `trial ${trial}, killed after ${killAfter} ms`).toEqual({ integrity: 'ok', foreignKeyErrors: 0 });
        outcomes.integrityOk += 1;
      }
      const site = checkPublishedFolder(publicDir);
      expect(site.problems, `trial ${trial}, killed after ${killAfter} ms`).toEqual([]);
      for (const name of readdirSync(join(project.dir, 'data'))) dataLeftovers.add(name);
      outcomes.maxTemporaries = Math.max(outcomes.maxTemporaries, site.temporaries.length);
    }

    // One more killed as soon as it holds the lock, so that the last run below finds it stale.
    const holder = spawnVeille(['run', '--force', '--config', project.configFile], ENV);
    const lockOwner = () => (JSON.parse(readFileSync(lockPath, 'utf8')) as { pid: number; purpose: string });
    await waitFor(async () => (lockOwner().pid === holder.child.pid ? true : undefined), 10_000);
    holder.child.kill('SIGKILL');
    expect((await holder.exited).signal).toBe('SIGKILL');
    expect(lockOwner()).toMatchObject({ pid: holder.child.pid, purpose: 'cycle' });

    // The last word: a run nobody kills. It takes over the lock the killed run left.
    const final = await runVeille(['run', '--force', '--config', project.configFile], ENV);
    expect(final, final.stderr).toMatchObject({ code: 0, signal: null });
    expect(existsSync(lockPath)).toBe(false);

    const db = checkDatabase(dbPath);
    expect(db).toEqual({ integrity: 'ok', foreignKeyErrors: 0 });
    const site = checkPublishedFolder(publicDir);
    expect(site.problems).toEqual([]);
    // The killed runs' temporary files are swept by the next publish.
    expect(site.temporaries).toEqual([]);

    // Exactly once in the store: one row per (source, guid), and every item of every feed there.
    const store = new Database(dbPath, { readonly: true });
    const rows = store
      .prepare('SELECT s.url AS url, i.guid AS guid, COUNT(*) AS n FROM items i JOIN sources s ON s.id = i.source_id GROUP BY s.url, i.guid')
      .all() as { url: string; guid: string; n: number }[];
    const stories = (store.prepare('SELECT COUNT(DISTINCT story_id) AS n FROM items').get() as { n: number }).n;
    store.close();
    const total = [...expected.values()].reduce((sum, items) => sum + items.length, 0);
    expect(rows.filter((row) => row.n !== 1)).toEqual([]);
    expect(rows).toHaveLength(total);
    const stored = new Set(rows.map((row) => `${row.url}|${row.guid}`));
    const missing = [...expected].flatMap(([path, items]) => items.filter((item) => !stored.has(`${server.base}${path}|${item.guid}`)));
    expect(missing).toEqual([]);
    expect(stories, 'every item is its own story').toBe(total);

    // Exactly once in the published feed: each item's link once in feed.json, nothing else.
    const feed = JSON.parse(readFileSync(join(publicDir, 'feed.json'), 'utf8')) as { items: { url?: string }[] };
    const links = new Map<string, number>();
    for (const item of feed.items) links.set(item.url ?? '', (links.get(item.url ?? '') ?? 0) + 1);
    expect([...links.values()].filter((count) => count !== 1)).toEqual([]);
    expect(feed.items).toHaveLength(total);
    for (const items of expected.values()) for (const item of items) expect(links.get(item.link), item.link).toBe(1);

    killTimes.sort((a, b) => a - b);
    console.log(
      `crash: seed ${SEED}, ${TRIALS} trials against ${FEEDS} feeds (${total} items), an uninterrupted cycle took ${Math.round(firstCycleMs)} ms (the first) and ${Math.round(cycleMs)} ms (the last one timed); ` +
        `${outcomes.killed} killed (at random after ${killTimes[0]}–${killTimes.at(-1)} ms, or mid-publish), ${outcomes.finished} finished first; ` +
        `integrity_check ok after ${outcomes.integrityOk} of ${TRIALS} trials (${TRIALS - outcomes.integrityOk} killed before the database existed); ` +
        `${outcomes.duringPublish} of them while writing the site; a stale lock found by ${outcomes.staleLocksFound} runs and taken over; ` +
        `temporary files in public/ after a kill: at most ${outcomes.maxTemporaries}, ${site.temporaries.length} after the final run; ` +
        `files seen in data/ after kills: ${[...dataLeftovers].sort().join(', ')}; final run: ${rows.length} items stored once, ${feed.items.length} entries in feed.json once each`,
    );
  });
});
