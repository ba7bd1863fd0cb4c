// The serving section of `npm run bench` (issue 22): veille's server against nginx, when it is
// installed, on the same feed.xml (~76 KB: 100 entries from 200 feeds' real items, as publishSite writes it
// with its compressed forms) under the same `ab -k -c 20` load: requests/s for a plain reader, a
// gzip-accepting one and a 304, and the bytes of each 200 answer. nginx as the issue measured it:
// one process, sendfile on, no gzip, its own config in a temporary folder on a loopback port.
// Alone: node build/tools/bench/bench.js serving [--serving-seconds N].

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { siteLocale } from '../../src/domain/site-locale.js';
import type { FeedEntry } from '../../src/domain/types.js';
import { publishSite } from '../../src/publish/publish-site.js';
import { AI_NEWS_ITEMS_FILE } from '../repo-paths.js';

const run = promisify(execFile);
const CONCURRENCY = 20;
const ENTRIES = 100;
const SOURCES = 200;
const NGINX_CANDIDATES = ['/usr/sbin/nginx', '/usr/bin/nginx'];
const AB = '/usr/bin/ab';

interface LoadFigures {
  readonly requestsPerSecond: number;
  readonly complete: number;
  readonly failed: number;
  readonly bodyBytesPerAnswer: number;
}

interface Target {
  readonly name: string;
  readonly url: string;
  stop(): Promise<void>;
}

/** 100 entries from the real AI-news items, spread over 200 sources, as the merged feed shows them. */
function benchEntries(): FeedEntry[] {
  const lines = readFileSync(AI_NEWS_ITEMS_FILE, 'utf8').split('\n').filter((line) => line.trim() !== '');
  const items = lines.slice(0, ENTRIES).map((line) => JSON.parse(line) as { title: string; summary: string; link: string; feed_title: string });
  return items.map((item, index) => {
    const source = index % SOURCES;
    const date = new Date(Date.UTC(2026, 10, 26, 12) - index * 3_600_000).toISOString();
    return {
      guid: `urn:veille:bench:${index}`,
      title: item.title,
      link: item.link,
      summary: item.summary,
      contentHtml: `<p>${escapeText(item.summary)}</p><p>${escapeText(item.feed_title)}</p>`,
      author: null,
      publishedAt: date,
      updatedAt: date,
      language: 'en',
      source: { name: `${item.feed_title} ${source}`, url: `https://feeds${source}.example/feed.xml`, siteUrl: `https://feeds${source}.example/` },
      themes: [],
      imageUrl: null,
    };
  });
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

async function publishBenchSite(dir: string): Promise<void> {
  await publishSite(dir, {
    meta: { title: 'Veille IA', description: 'Banc d’essai', siteUrl: 'https://veille.example.org/', generator: 'veille bench', locale: siteLocale('fr', 'Europe/Paris') },
    entries: benchEntries(),
    themes: [],
    sources: [],
    builtAt: new Date('2026-11-26T12:00:00Z'),
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = once(child, 'exit').then(() => undefined);
  child.kill('SIGTERM');
  return exited;
}

/** veille's server in its own process, as `veille serve` runs it. */
async function startVeille(dir: string): Promise<Target> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./bench.js', import.meta.url)), 'serve-site', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const [url] = (await once(lines, 'line')) as [string];
  lines.close();
  return { name: 'veille', url, stop: () => stopChild(child) };
}

/** The child side of startVeille: serves `dir` on a free loopback port and prints its URL. */
export async function serveBenchSite(dir: string): Promise<void> {
  const { startServer } = await import('../../src/publish/server.js');
  const server = await startServer({ dir, host: '127.0.0.1', port: 0, maxAgeSeconds: 1800 });
  process.stdout.write(`${server.url}\n`);
  process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
}

async function startNginx(dir: string, work: string): Promise<Target | null> {
  const binary = NGINX_CANDIDATES.find((path) => {
    try {
      return statSync(path).isFile();
    } catch {
      return false;
    }
  });
  if (binary === undefined) return null;
  const port = await freePort();
  const conf = join(work, 'nginx.conf');
  writeFileSync(
    conf,
    `daemon off;
master_process off;
worker_processes 1;
pid ${join(work, 'nginx.pid')};
error_log ${join(work, 'error.log')} warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  gzip off;
  keepalive_requests 1000000;
  types { application/rss+xml xml; }
  default_type application/octet-stream;
  client_body_temp_path ${join(work, 'body')};
  proxy_temp_path ${join(work, 'proxy')};
  fastcgi_temp_path ${join(work, 'fastcgi')};
  uwsgi_temp_path ${join(work, 'uwsgi')};
  scgi_temp_path ${join(work, 'scgi')};
  server { listen 127.0.0.1:${port}; root ${dir}; }
}
`,
  );
  const child = spawn(binary, ['-c', conf, '-p', work], { stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}/`;
  // Ready when it answers; bounded: 50 tries, 100 ms apart.
  for (let attempt = 0; attempt < 50; attempt += 1) {
    if (await answers(`${url}feed.xml`)) return { name: 'nginx', url, stop: () => stopChild(child) };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stopChild(child);
  throw new Error(`bench: nginx did not answer on ${url} (see ${join(work, 'error.log')})`);
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

/** One `ab -k -c 20 -t SECONDS` run (-n lifts ab's 50,000-request cap for -t). */
async function load(url: string, seconds: number, headers: readonly string[]): Promise<LoadFigures> {
  const args = ['-k', '-c', String(CONCURRENCY), '-t', String(seconds), '-n', '100000000', ...headers.flatMap((header) => ['-H', header]), url];
  const { stdout } = await run(AB, args, { maxBuffer: 1 << 20 });
  const figure = (label: string): number => Number(new RegExp(`^${label}:\\s+([\\d.]+)`, 'm').exec(stdout)?.[1] ?? Number.NaN);
  const complete = figure('Complete requests');
  return {
    requestsPerSecond: figure('Requests per second'),
    complete,
    failed: figure('Failed requests'),
    bodyBytesPerAnswer: complete > 0 ? figure('HTML transferred') / complete : 0,
  };
}

async function etagOf(url: string, acceptEncoding: string | null): Promise<string> {
  const response = await fetch(url, { headers: acceptEncoding === null ? {} : { 'Accept-Encoding': acceptEncoding } });
  await response.arrayBuffer();
  return response.headers.get('etag') ?? '';
}

export async function runServingBench(seconds: number): Promise<void> {
  console.log('');
  console.log(`serving: feed.xml under ab -k -c ${CONCURRENCY} -t ${seconds}, one run per line, loopback`);
  try {
    statSync(AB);
  } catch {
    console.log(`  skipped: ${AB} is missing (apt-get install apache2-utils)`);
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'veille-serving-'));
  const site = join(work, 'public');
  const targets: Target[] = [];
  try {
    await publishBenchSite(site);
    const plainSize = statSync(join(site, 'feed.xml')).size;
    const gzipSize = gzipSync(readFileSync(join(site, 'feed.xml'))).length;
    console.log(`  feed.xml: ${(plainSize / 1024).toFixed(1)} KB, ${(gzipSize / 1024).toFixed(1)} KB gzipped (level 6)`);
    const nginx = await startNginx(site, work);
    if (nginx === null) console.log('  nginx is not installed (apt-get install nginx-light): veille alone');
    else targets.push(nginx);
    targets.push(await startVeille(site));
    const kinds: Array<{ name: string; headers: (target: Target) => Promise<string[]> }> = [
      { name: 'plain', headers: () => Promise.resolve([]) },
      { name: 'gzip', headers: () => Promise.resolve(['Accept-Encoding: gzip']) },
      { name: '304', headers: async (target) => ['Accept-Encoding: gzip', `If-None-Match: ${await etagOf(`${target.url}feed.xml`, 'gzip')}`] },
    ];
    const figures = new Map<string, LoadFigures>();
    console.log('  kind    server   requests/s   bytes per answer   failed');
    for (const kind of kinds) {
      for (const target of targets) {
        const result = await load(`${target.url}feed.xml`, seconds, await kind.headers(target));
        figures.set(`${kind.name} ${target.name}`, result);
        console.log(
          `  ${kind.name.padEnd(6)}  ${target.name.padEnd(7)}  ${Math.round(result.requestsPerSecond).toLocaleString('en-US').padStart(10)}   ` +
            `${Math.round(result.bodyBytesPerAnswer).toLocaleString('en-US').padStart(16)}   ${result.failed}`,
        );
      }
    }
    if (nginx !== null) {
      const ratio = (kind: string) => (figures.get(`${kind} veille`)?.requestsPerSecond ?? 0) / (figures.get(`${kind} nginx`)?.requestsPerSecond ?? Number.NaN);
      console.log(`  veille / nginx: plain ${ratio('plain').toFixed(2)}x, gzip ${ratio('gzip').toFixed(2)}x, 304 ${ratio('304').toFixed(2)}x (targets: >= 0.5x, 0.5x, 0.7x)`);
    }
    const gzipBytes = figures.get('gzip veille')?.bodyBytesPerAnswer ?? Number.NaN;
    console.log(`  bytes to a gzip reader: ${Math.round(gzipBytes)} against ${gzipSize} gzipped (target: <=)`);
  } finally {
    for (const target of targets) await target.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
