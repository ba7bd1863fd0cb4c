// Résumé requests per cycle (issue 16): two cycles over the 200 loopback bench feeds with a résumé
// model on loopback that counts its requests. The first cycle writes (or rejects) a résumé for
// each recent story in another language than the site's; the second, nothing having changed, must
// send none.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeApp, configureApp } from '../../src/app/app.js';
import { runOneCycle } from '../../src/app/cycle.js';
import { silentLogger } from '../../src/domain/ports.js';
import { Store } from '../../src/store/store.js';
import { loadTaxonomy } from '../../src/tag/taxonomy.js';
import { createFeedProcessor } from '../../src/worker/process-pool.js';
import { benchFeedUrl, writeBenchConfig, spawnFeedServer } from './bench-config.js';

const FEEDS = 200;
const ITEMS = 50;
const HOSTS = 50;

/** A French answer of the right length: the check may refuse it for a story it does not fit, which is cached the same. */
const ANSWER = [
  'Une actualité de l’apprentissage automatique',
  Array.from({ length: 8 }, () => 'Cette actualité décrit un travail de recherche sur les modèles et leurs données, avec ses résultats et ses limites.').join(' '),
].join('\n');

export async function runResumeBench(): Promise<void> {
  let requests = 0;
  const model = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      requests += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: ANSWER } }] }));
    });
  });
  await new Promise<void>((resolve) => model.listen(0, '127.0.0.1', resolve));
  const feeds = await spawnFeedServer(FEEDS, ITEMS, HOSTS, 0);
  const dir = mkdtempSync(join(tmpdir(), 'veille-resume-bench-'));
  try {
    const urls = Array.from({ length: FEEDS }, (_, index) => benchFeedUrl(index, HOSTS, feeds.port));
    const modelUrl = `http://127.0.0.1:${(model.address() as AddressInfo).port}/v1`;
    const config = writeBenchConfig(
      dir,
      urls,
      `fetch: { perHostDelayMs: 0 }\nsummarize: { provider: openai, url: "${modelUrl}", model: bench, maxAgeDays: 365, ` +
        'budget: { requests: 1000, characters: 100000000, requestsPerDay: 100000, charactersPerDay: 1000000000 } }\n',
    );
    const store = Store.open(config.storagePath);
    try {
      const app = composeApp(configureApp(config, { clock: { now: () => new Date() }, env: {}, logger: silentLogger }), { store, taxonomy: loadTaxonomy(config.themesFile) });
      const perCycle: { requests: number; written: number; rejected: number; cached: number }[] = [];
      for (let cycle = 0; cycle < 3; cycle += 1) {
        requests = 0;
        const summary = await runOneCycle(app, { force: true, processors: createFeedProcessor });
        const run = summary.summarized;
        perCycle.push({ requests, written: run?.written ?? 0, rejected: run?.rejected ?? 0, cached: run?.cached ?? 0 });
      }
      console.log('');
      console.log(`résumés: ${FEEDS} loopback feeds x ${ITEMS} items, the ${config.maxItems} newest stories, a résumé model on loopback counting requests`);
      perCycle.forEach((figures, index) => {
        const label = index === 0 ? 'first cycle' : `cycle ${index + 1}, nothing changed`;
        console.log(`  ${label.padEnd(30)} ${String(figures.requests).padStart(4)} requests   (written ${figures.written}, rejected ${figures.rejected}, cached ${figures.cached})`);
      });
      console.log('  target: 0 requests per cycle in steady state');
    } finally {
      store.close();
    }
  } finally {
    feeds.stop();
    await new Promise((resolve) => model.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

