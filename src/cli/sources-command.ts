// `veille sources list|add|remove|import|export`: the configured sources, edited in place.
import { resolve } from 'node:path';
import { displayPath, type Config } from '../config/load-config.js';
import { isVeilleError, VeilleError } from '../domain/errors.js';
import type { SourceSpec } from '../domain/types.js';
import { discoverFeedLinks } from '../fetch/discover.js';
import { fetchFeed } from '../fetch/fetch-feed.js';
import { createHttpClient } from '../fetch/http-client.js';
import { parseFeed } from '../parse/parse-feed.js';
import { renderOpml } from '../publish/opml.js';
import { Store } from '../store/store.js';
import { addSources, readOpmlFile, removeSource, resolveSources, sourcesFile, toOpmlSource } from '../worker/sources.js';
import { fetchPolicyFor } from '../worker/fetch-policy.js';
import { userAgentFor } from '../worker/version.js';
import type { CliOptions } from './main.js';
import { formatTable, type Output } from './output.js';

export async function runSourcesCommand(
  config: Config,
  args: readonly string[],
  options: CliOptions,
  output: Output,
): Promise<number> {
  const [action, target, ...extra] = args;
  if (extra.length > 0) throw new VeilleError('USAGE', `sources ${action}: unexpected argument "${extra[0]}"`);
  switch (action) {
    case 'list': {
      const sources = resolveSources(config);
      output.out(formatTable(['NAME', 'LANG', 'URL'], sources.map((s) => [s.name ?? '-', s.lang ?? '-', s.url])));
      output.out(`${sources.length} sources in ${displayPath(sourcesFile(config))}\n`);
      return 0;
    }
    case 'add': {
      const url = requireTarget(action, target, 'URL');
      const spec = options['no-check']
        ? { url: checkUrl(url), name: options.name ?? null, lang: options.lang ?? null }
        : await findFeed(config, url, options);
      const change = await addSources(config, [spec]);
      if (change.added.length === 0) {
        output.out(`already a source: ${spec.url}\n`);
      } else {
        output.out(`added ${spec.name ?? spec.url} <${spec.url}> to ${displayPath(change.file)}\n`);
      }
      return 0;
    }
    case 'remove': {
      const url = requireTarget(action, target, 'URL');
      if (!(await removeSource(config, url))) {
        throw new VeilleError('USAGE', `sources remove: no source with the URL ${url} (see "veille sources list")`);
      }
      output.out(`removed ${url} from ${displayPath(sourcesFile(config))}\n`);
      return 0;
    }
    case 'import': {
      const file = resolve(requireTarget(action, target, 'FILE.opml'));
      const imported = readOpmlFile(file).map((source) => ({ url: source.url, name: source.name, lang: source.lang }));
      const change = await addSources(config, imported);
      output.out(
        `imported ${change.added.length} sources from ${displayPath(file)} into ${displayPath(change.file)}` +
          (change.skipped.length > 0 ? ` (${change.skipped.length} already there)` : '') +
          '\n',
      );
      return 0;
    }
    case 'export': {
      if (target !== undefined) throw new VeilleError('USAGE', `sources export: unexpected argument "${target}"`);
      const siteUrls = storedSiteUrls(config);
      const sources = resolveSources(config).map((spec) => toOpmlSource(spec, siteUrls.get(spec.url) ?? null));
      output.out(renderOpml(config.site.title, sources, new Date()));
      return 0;
    }
    default:
      throw new VeilleError('USAGE', `sources: expected list, add, remove, import or export, got "${action ?? ''}"`);
  }
}

function requireTarget(action: string, target: string | undefined, what: string): string {
  if (target === undefined) throw new VeilleError('USAGE', `sources ${action}: ${what} is required`);
  return target;
}

function checkUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return parsed.href;
  } catch {
    // reported below
  }
  throw new VeilleError('USAGE', `sources add: "${url}" is not an http(s) URL`);
}

/**
 * Fetches the URL: a feed is taken as it is; a web page is searched for its feed links.
 * The URL the user typed is trusted (like any source in the config). A link found in the page is
 * trusted only on the same origin as the typed URL; any other is fetched untrusted, so that a page
 * cannot make veille probe loopback, private or metadata addresses (fetch.allowPrivateHosts).
 */
async function findFeed(config: Config, url: string, options: CliOptions): Promise<SourceSpec> {
  const userAgent = userAgentFor(config);
  const trusted = fetchPolicyFor(config, userAgent, { untrusted: false });
  const untrusted = fetchPolicyFor(config, userAgent, { untrusted: true });
  const client = createHttpClient(trusted);
  try {
    const start = checkUrl(url);
    const fetchText = async (candidate: string) => {
      const policy = new URL(candidate).origin === new URL(start).origin ? trusted : untrusted;
      const outcome = await fetchFeed(candidate, { etag: null, lastModified: null }, policy, { client });
      if (outcome.kind !== 'ok') throw new VeilleError('FETCH_NOT_A_FEED', `sources add: ${candidate} gave no content`);
      return outcome;
    };
    let outcome = await fetchText(start);
    let feed;
    try {
      feed = await parseFeed(outcome.text, { contentType: outcome.contentType, url: outcome.finalUrl });
    } catch (error) {
      if (!isVeilleError(error, 'FETCH_NOT_A_FEED')) throw error;
      const candidate = discoverFeedLinks(outcome.text, outcome.finalUrl)[0];
      if (candidate === undefined) {
        throw new VeilleError('FETCH_NOT_A_FEED', `sources add: ${start} is a web page that links to no feed (no <link rel="alternate">)`);
      }
      outcome = await fetchText(candidate);
      feed = await parseFeed(outcome.text, { contentType: outcome.contentType, url: outcome.finalUrl });
    }
    const found = { outcome, feed };
    const language = found.feed.language?.toLowerCase().split(/[-_]/)[0] ?? null;
    return {
      url: found.outcome.finalUrl,
      name: options.name ?? found.feed.title ?? null,
      lang: options.lang ?? language,
    };
  } finally {
    await client.close();
  }
}

function storedSiteUrls(config: Config): Map<string, string> {
  const store = Store.open(config.storagePath);
  try {
    return new Map(
      store
        .listSources({ activeOnly: false })
        .filter((source) => source.siteUrl)
        .map((source) => [source.key, source.siteUrl ?? '']),
    );
  } finally {
    store.close();
  }
}
