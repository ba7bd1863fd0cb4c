// `npm run demo`: serves the bundled sample feeds on 127.0.0.1, runs one cycle against them
// into demo-output/, and prints where to look. Works offline.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { DEMO_FEEDS_DIR, DEMO_OUTPUT_DIR, THEMES_FILE } from '../repo-paths.js';

/** The sample feeds, with the Content-Type each is served with. */
const FEEDS: readonly { file: string; name: string; lang: string; contentType: string }[] = [
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

async function runDemo(): Promise<number> {
  const server = await serveFeeds();
  try {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    rmSync(DEMO_OUTPUT_DIR, { recursive: true, force: true });
    mkdirSync(DEMO_OUTPUT_DIR, { recursive: true });
    const configFile = join(DEMO_OUTPUT_DIR, 'veille.yaml');
    writeFileSync(configFile, demoConfig(base) + resumeConfig(process.env));
    process.stdout.write(`Serving ${FEEDS.length} sample feeds at ${base}/ (${DEMO_FEEDS_DIR})\n\n`);
    const code = await main(['run', '--config', configFile]);
    if (code !== 0) return code;
    process.stdout.write(
      [
        '',
        'Where to look:',
        `  ${join(DEMO_OUTPUT_DIR, 'public', 'index.html')}    the page`,
        `  ${join(DEMO_OUTPUT_DIR, 'public', 'feed.xml')}      merged RSS (also atom.xml, feed.json)`,
        `  ${join(DEMO_OUTPUT_DIR, 'public', 'themes')}/       one feed per theme`,
        `  ${join(DEMO_OUTPUT_DIR, 'public', 'sources.opml')}  the sources`,
        '',
        `  npx veille status --config ${configFile}`,
        `  npx veille stories --since 2026-11-01 --config ${configFile}`,
        `  npx veille digest --week 2026-W47 --config ${configFile}    the weekly issue of the sample news`,
        `  npx veille serve --config ${configFile}    then open http://127.0.0.1:8080/`,
        '',
        resumeNote(process.env),
        '',
      ].join('\n'),
    );
    return 0;
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

function demoConfig(base: string): string {
  const sources = FEEDS.map(
    (feed) => `  - { url: "${base}/${feed.file}", name: "${feed.name}", lang: ${feed.lang} }`,
  ).join('\n');
  return `# Written by npm run demo: the sample feeds served on loopback.
site:
  title: Veille IA (démo)
  url: "http://127.0.0.1:8080/"
sources:
${sources}
themes: ${JSON.stringify(THEMES_FILE)}
storage: { path: veille.db }
publish: { dir: public, maxItems: 100 }
fetch: { perHostDelayMs: 0, perHostConcurrency: 4 }
email: { outbox: outbox }   # veille digest --send writes .eml files here
`;
}

/**
 * Résumés (issue 16) when an environment variable names an OpenAI-compatible server, such as a
 * local Ollama; never canned text. VEILLE_DEMO_MODEL_KEY names the variable holding a key, if any.
 */
const MODEL_URL = 'VEILLE_DEMO_MODEL_URL';
const MODEL_NAME = 'VEILLE_DEMO_MODEL';

function resumeConfig(env: NodeJS.ProcessEnv): string {
  const url = env[MODEL_URL] ?? '';
  if (url === '') return '';
  const key = env.VEILLE_DEMO_MODEL_KEY ?? '';
  return `summarize: { provider: openai, url: ${JSON.stringify(url)}, model: ${JSON.stringify(env[MODEL_NAME] ?? 'llama3.1')}, maxAgeDays: 365${key === '' ? '' : `, apiKeyEnv: ${key}`} }\n`;
}

function resumeNote(env: NodeJS.ProcessEnv): string {
  if ((env[MODEL_URL] ?? '') !== '') {
    return `Résumés: written by ${env[MODEL_NAME] ?? 'llama3.1'} at ${env[MODEL_URL] ?? ''}; each story's state: npx veille stories --json --since 2026-11-01 --config ${join(DEMO_OUTPUT_DIR, 'veille.yaml')}`;
  }
  return [
    'Résumés: off (no model configured), so English entries stay in English, marked "(en anglais)".',
    `  To turn them on with a local Ollama: ${MODEL_URL}=http://127.0.0.1:11434/v1 ${MODEL_NAME}=llama3.1 npm run demo`,
  ].join('\n');
}

function serveFeeds(): Promise<Server> {
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
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

process.exitCode = await runDemo();
