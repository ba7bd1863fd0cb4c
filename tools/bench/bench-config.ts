// The configuration every bench runs with: its feeds on loopback hosts, the shipped themes, a
// store and a site in a temporary folder.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadConfig, type Config } from '../../src/config/load-config.js';
import { THEMES_FILE } from '../repo-paths.js';

/** The loopback feed server the benches spawn: its compiled file, beside this one in build/tools/bench. */
export const FEED_SERVER_SCRIPT = fileURLToPath(new URL('./feed-server.js', import.meta.url));

export interface BenchFeedServer {
  readonly port: number;
  stop(): void;
}

/** The feed server in its own process (its memory and CPU are not veille's), once it says it listens. */
export async function spawnFeedServer(feeds: number, items: number, hosts: number, latencyMs: number): Promise<BenchFeedServer> {
  const child = spawn(process.execPath, [FEED_SERVER_SCRIPT, String(feeds), String(items), String(hosts), String(latencyMs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench: the feed server exited with ${code}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /^ready (\d+)$/.exec(line);
      if (match) resolve(Number(match[1]));
    });
  });
  return { port, stop: () => child.kill('SIGTERM') };
}

/** The URL of bench feed `index`, spread over `hosts` loopback addresses (127.0.0.2 onwards). */
export function benchFeedUrl(index: number, hosts: number, port: number): string {
  return `http://127.0.0.${(index % hosts) + 2}:${port}/feed/${index}.xml`;
}

/** Writes `dir`/veille.yaml with these sources (and `extraYaml`, whole lines) and loads it. */
export function writeBenchConfig(dir: string, urls: readonly string[], extraYaml = ''): Config {
  const file = join(dir, 'veille.yaml');
  writeFileSync(
    file,
    `sources:\n${urls.map((url) => `  - { url: "${url}" }`).join('\n')}\nthemes: ${JSON.stringify(THEMES_FILE)}\n` +
      `storage: { path: veille.db }\npublish: { dir: public, maxItems: 100 }\n${extraYaml}` +
      // The synthetic feeds link to example.org: the benches fetch no article page (no network) unless asked.
      (/^fullText:/m.test(extraYaml) ? '' : 'fullText: { maxPerCycle: 0 }\n'),
  );
  return loadConfig(file);
}
