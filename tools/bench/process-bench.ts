// `node build/tools/bench/process-bench.js`: the processing stage alone (processFeed: parse, clean,
// language, signatures, keys) over bench:peers' 200 feeds, in this fresh process, as one first
// cycle's processing thread runs it: CPU seconds, items, and a hash of every result, so that two
// builds can be compared (issue 15) and shown to give the same results. Run it alternately with each
// build, several rounds, and compare the medians.
import { createHash } from 'node:crypto';
import { processFeed } from '../../src/app/process-feed.js';
import { expandFeeds, readPeerFeeds } from './peer-feeds.js';

const FEEDS = 200;
const texts = expandFeeds(readPeerFeeds(), FEEDS);
const fetchedAt = '2026-12-07T12:00:00.000Z';
const digest = createHash('sha256');
let items = 0;
const started = process.cpuUsage();
for (const [index, text] of texts.entries()) {
  const url = `http://127.0.0.1:9/feeds/${index}.xml`;
  const result = await processFeed({ text, contentType: 'application/rss+xml', url, sourceKey: url, sourceLang: null, languages: ['fr', 'en'], fetchedAt });
  items += result.items.length;
  digest.update(JSON.stringify(result, (_key, value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('hex') : value)));
}
const used = process.cpuUsage(started);
// The hash is taken in the loop: its CPU is in the figure, the same for every build.
console.log(`process-bench: ${FEEDS} feeds, ${items} items, ${((used.user + used.system) / 1e6).toFixed(3)} s CPU, results ${digest.digest('hex').slice(0, 16)}`);
