// `npm run demo`: serves the bundled sample feeds on 127.0.0.1, runs one cycle against them
// into demo-output/, prints where to look, then keeps serving the feeds until Ctrl-C (at a
// terminal; with --once, CI set or no terminal it stops). `npm run demo -- --serve` serves them
// again, on the port the written config names. Works offline.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/load-config.js';
import { DEMO_FEEDS_DIR, DEMO_OUTPUT_DIR, THEMES_FILE } from '../repo-paths.js';
import { demoMode, FEEDS, feedsPortOf, portOf, serveFeeds, weekOfDemoStory, type DemoMode } from './demo-feeds.js';

const CONFIG_FILE = join(DEMO_OUTPUT_DIR, 'veille.yaml');

async function runDemo(mode: DemoMode): Promise<number> {
  if (mode === 'serve') return serveAgain();
  const server = await serveFeeds();
  try {
    const base = `http://127.0.0.1:${portOf(server)}`;
    rmSync(DEMO_OUTPUT_DIR, { recursive: true, force: true });
    mkdirSync(DEMO_OUTPUT_DIR, { recursive: true });
    writeFileSync(CONFIG_FILE, demoConfig(base) + resumeConfig(process.env));
    process.stdout.write(`Serving ${FEEDS.length} sample feeds at ${base}/ (${DEMO_FEEDS_DIR})\n\n`);
    const code = await main(['run', '--config', CONFIG_FILE]);
    if (code !== 0) return code;
    process.stdout.write(await whereToLook());
    if (mode === 'keep') await serveUntilStopped(base);
    else process.stdout.write('The sample feeds are no longer served; `npm run demo -- --serve` serves them again for this config.\n');
    return 0;
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

/** The files and commands to try, with the week that holds the demo's AAAI story. */
async function whereToLook(): Promise<string> {
  const week = await weekOfDemoStory(loadConfig(CONFIG_FILE).site.timezone);
  return [
    '',
    'Where to look:',
    `  ${join(DEMO_OUTPUT_DIR, 'public', 'index.html')}    the page`,
    `  ${join(DEMO_OUTPUT_DIR, 'public', 'feed.xml')}      merged RSS (also atom.xml, feed.json)`,
    `  ${join(DEMO_OUTPUT_DIR, 'public', 'themes')}/       one feed per theme`,
    `  ${join(DEMO_OUTPUT_DIR, 'public', 'sources.opml')}  the sources`,
    '',
    `  npx veille status --config ${CONFIG_FILE}`,
    `  npx veille stories --since 2026-11-01 --config ${CONFIG_FILE}`,
    `  npx veille digest --week ${week} --config ${CONFIG_FILE}    the weekly issue of the sample news`,
    `  npx veille serve --config ${CONFIG_FILE}    then open http://127.0.0.1:8080/`,
    '',
    resumeNote(process.env),
    '',
  ].join('\n');
}

/** At a terminal: the feeds stay up, so that `veille run` and `start` on the demo config work. */
async function serveUntilStopped(base: string): Promise<void> {
  process.stdout.write(`The sample feeds stay served at ${base}/ for \`npx veille run --config ${CONFIG_FILE}\`; Ctrl-C stops.\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** `--serve`: the feeds again, on the port of the config an earlier `npm run demo` wrote. */
async function serveAgain(): Promise<number> {
  const port = existsSync(CONFIG_FILE) ? feedsPortOf(readFileSync(CONFIG_FILE, 'utf8')) : null;
  if (port === null) {
    process.stderr.write(`demo: no demo config at ${CONFIG_FILE}; run \`npm run demo\` first\n`);
    return 2;
  }
  let server: Server;
  try {
    server = await serveFeeds(port);
  } catch (cause) {
    process.stderr.write(`demo: cannot serve the sample feeds on 127.0.0.1:${port} (${(cause as Error).message}); \`npm run demo\` writes a new config on a free port\n`);
    return 1;
  }
  try {
    await serveUntilStopped(`http://127.0.0.1:${port}`);
    return 0;
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

function demoConfig(base: string): string {
  const sources = FEEDS.map(
    (feed) => `  - { url: "${base}/${feed.file}", name: "${feed.name}", lang: ${feed.lang} }`,
  ).join('\n');
  return `# Written by npm run demo: the sample feeds served on loopback (npm run demo -- --serve serves them again).
site:
  title: Veille IA (démo)
  url: "http://127.0.0.1:8080/"
sources:
${sources}
themes: ${JSON.stringify(THEMES_FILE)}
storage: { path: veille.db }
publish: { dir: public, maxItems: 100 }
fetch: { perHostDelayMs: 0, perHostConcurrency: 4 }
fullText: { maxPerCycle: 0 }   # the sample items link to the web: no article page is fetched in the demo
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

process.exitCode = await runDemo(demoMode(process.argv.slice(2), process.env, process.stdin.isTTY === true));
