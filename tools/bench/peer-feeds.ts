// The 200 feeds of `npm run bench:peers`: the 34 real AI-news feeds of fixtures/ai-news, each
// copied under new links and titles until there are as many as asked, and the small edits the
// soak makes between cycles. Plain string work, linear in the feed's size.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../repo-paths.js';

/** The real feeds (MIT, see its README), read from the source tree by the compiled bench too. */
export const PEER_FEEDS_DIR = join(REPO_ROOT, 'tools', 'bench', 'fixtures', 'ai-news');

export function readPeerFeeds(dir = PEER_FEEDS_DIR): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.xml'))
    .sort()
    .map((name) => readFileSync(join(dir, name), 'utf8'));
}

/**
 * `count` feeds from `sources`: feed i is source i mod n, copy ⌊i / n⌋. Copy 0 is the source as
 * it is; copy k gives every title a " [k]" suffix, every link a "/copy-k" first path segment and
 * every guid a "#copy-k" suffix, so that no item of one copy is an item of another.
 */
export function expandFeeds(sources: readonly string[], count: number): string[] {
  if (sources.length === 0) throw new Error('peer-feeds: no source feed to expand');
  return Array.from({ length: count }, (_, index) => copyFeed(sources[index % sources.length] ?? '', Math.floor(index / sources.length)));
}

export function copyFeed(xml: string, copy: number): string {
  if (copy === 0) return xml;
  return xml
    .replace(/<title>([^<]*)<\/title>/g, (_, title: string) => `<title>${title} [${copy}]</title>`)
    .replace(/<link>([^<]*)<\/link>/g, (_, link: string) => `<link>${copiedLink(link, copy)}</link>`)
    .replaceAll('</guid>', `#copy-${copy}</guid>`);
}

/** "https://host/path" → "https://host/copy-k/path"; anything else gets a "#copy-k" suffix. */
function copiedLink(link: string, copy: number): string {
  const scheme = link.indexOf('://');
  if (scheme < 0) return `${link}#copy-${copy}`;
  const slash = link.indexOf('/', scheme + 3);
  return slash < 0 ? `${link}/copy-${copy}/` : `${link.slice(0, slash)}/copy-${copy}${link.slice(slash)}`;
}

/** Number of `<item>` elements (a whole-number check of an expansion). */
export function countItems(xml: string): number {
  let count = 0;
  for (let at = xml.indexOf('<item>'); at >= 0; at = xml.indexOf('<item>', at + 6)) count += 1;
  return count;
}

/**
 * The feed after one new item, `serial`, dated `date`: it is put before the first item and the
 * last item is dropped, so that the feed keeps its size. A feed without items is returned as is.
 */
export function addSoakItem(xml: string, serial: number, date: Date): string {
  const first = xml.indexOf('<item>');
  const lastOpen = xml.lastIndexOf('<item>');
  const lastClose = xml.lastIndexOf('</item>');
  if (first < 0 || lastClose < lastOpen) return xml;
  const item =
    `<item>\n      <title>Soak item ${serial}: an open-weights model release and its safety card</title>\n` +
    `      <link>https://soak.example.org/items/${serial}</link>\n` +
    `      <description>Item ${serial} of the soak: a lab publishes weights, code and an evaluation of its new model.</description>\n` +
    `      <guid isPermaLink="false">soak-${serial}</guid>\n      <pubDate>${date.toUTCString()}</pubDate>\n    </item>\n    `;
  const withoutLast = first === lastOpen ? xml : xml.slice(0, lastOpen).trimEnd() + xml.slice(lastClose + '</item>'.length);
  return withoutLast.slice(0, first) + item + withoutLast.slice(first);
}
