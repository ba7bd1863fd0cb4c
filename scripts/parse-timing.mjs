#!/usr/bin/env node
// Times the repro inputs of issue 13's findings 1, 2 and 8 against a built veille (a dist/ folder):
// an RSS item whose description is a CDATA of n '<' (rss-parser's contentSnippet), an item whose
// description nests <a> elements n bytes deep (the tree guard), and a page of n bytes of repeated
// '<!--' given to feed discovery. Each run is one process, stopped after the cap; sizes past a run
// that hit the cap are not run but extrapolated from the growth between the last two measured sizes.
//
//   npm run build && node scripts/parse-timing.mjs dist            (this checkout)
//   node scripts/parse-timing.mjs /work/main/dist --cap 60         (another build)
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const SHAPES = {
  'unclosed <': (n) => rss(`<![CDATA[${'<'.repeat(n)}]]>`),
  'nested <a>': (n) => rss(`${'<a>'.repeat(Math.floor(n / 7))}${'</a>'.repeat(Math.floor(n / 7))}`),
  '<!-- (discovery)': (n) => `<!doctype html><html><head>${'<!--'.repeat(Math.floor(n / 4))}</head></html>`,
};

const SIZES = [12_500, 25_000, 50_000, 100_000, 200_000, 400_000, 1_000_000, 10_000_000];
const REPORTED = new Set([100_000, 1_000_000, 10_000_000]);

function rss(description) {
  return (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Repro</title>' +
    '<link>https://example.org/</link><item><title>One</title><link>https://example.org/1</link>' +
    `<guid>https://example.org/1</guid><description>${description}</description></item></channel></rss>`
  );
}

async function runOne(dist, shape, size) {
  const input = SHAPES[shape](size);
  const fetchedAt = '2026-01-01T00:00:00.000Z';
  let outcome = 'ok';
  if (shape.includes('discovery')) {
    const { discoverFeedLinks } = await import(pathToFileURL(resolve(dist, 'fetch/discover.js')).href);
    const loaded = performance.now();
    discoverFeedLinks(input, 'https://example.org/');
    return { seconds: (performance.now() - loaded) / 1000, outcome };
  }
  // app/process-feed.js since issue 14; worker/process-feed.js in older builds.
  const module = existsSync(resolve(dist, 'app/process-feed.js')) ? 'app/process-feed.js' : 'worker/process-feed.js';
  const { processFeed } = await import(pathToFileURL(resolve(dist, module)).href);
  // Modules loaded and the parser warmed on a small feed: the figure is the input's own cost.
  await processFeed({ text: rss('warm'), contentType: null, url: 'https://example.org/feed', sourceKey: 'k', sourceLang: 'en', languages: ['fr', 'en'], fetchedAt });
  const loaded = performance.now();
  try {
    await processFeed({ text: input, contentType: null, url: 'https://example.org/feed', sourceKey: 'k', sourceLang: 'en', languages: ['fr', 'en'], fetchedAt });
  } catch (error) {
    outcome = error?.code ?? 'error';
  }
  return { seconds: (performance.now() - loaded) / 1000, outcome };
}

function inChild(dist, shape, size, capSeconds) {
  return new Promise((done) => {
    const child = spawn(process.execPath, [process.argv[1], dist, '--one', shape, String(size)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), capSeconds * 1000);
    child.on('close', () => {
      clearTimeout(timer);
      try {
        done(JSON.parse(output));
      } catch {
        done(null);
      }
    });
  });
}

function format(seconds) {
  if (seconds < 1) return `${(seconds * 1000).toFixed(seconds < 0.01 ? 2 : 0)} ms`;
  if (seconds < 120) return `${seconds.toFixed(1)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(0)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} days`;
}

async function main() {
  const args = process.argv.slice(2);
  const dist = resolve(args[0] ?? 'dist');
  if (args[1] === '--one') {
    process.stdout.write(JSON.stringify(await runOne(dist, args[2], Number(args[3]))));
    return;
  }
  const capIndex = args.indexOf('--cap');
  const capSeconds = capIndex >= 0 ? Number(args[capIndex + 1]) : 60;
  console.log(`${dist}: one process per run, stopped after ${capSeconds} s; "~" marks a figure extrapolated from the last two measured sizes`);
  for (const shape of Object.keys(SHAPES)) {
    const measured = [];
    const cells = [];
    let capped = false;
    for (const size of SIZES) {
      let cell;
      if (!capped) {
        const result = await inChild(dist, shape, size, capSeconds);
        if (result === null) capped = true;
        else {
          measured.push({ size, seconds: result.seconds });
          cell = `${format(result.seconds)}${result.outcome === 'ok' ? '' : ` (${result.outcome})`}`;
        }
      }
      if (cell === undefined) {
        const [a, b] = measured.slice(-2);
        if (a === undefined || b === undefined) cell = `> ${capSeconds} s`;
        else {
          const exponent = Math.log(b.seconds / a.seconds) / Math.log(b.size / a.size);
          cell = `~${format(b.seconds * (size / b.size) ** exponent)} (> ${capSeconds} s; growth n^${exponent.toFixed(2)})`;
        }
      }
      if (REPORTED.has(size) || measured.at(-1)?.size === size) cells.push(`${size.toLocaleString('en')} B: ${cell}`);
    }
    console.log(`\n${shape}`);
    for (const cell of cells) console.log(`  ${cell}`);
  }
}

await main();
