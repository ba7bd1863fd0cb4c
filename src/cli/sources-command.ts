// `veille sources list|add|remove|import|export`: the configured sources, edited in place.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { displayPath, type Config } from '../config/load-config.js';
import { isVeilleError, VeilleError } from '../domain/errors.js';
import { hasSecret, publicUrl, sourceUrlKey } from '../domain/source-url.js';
import type { SourceSpec } from '../domain/types.js';
import { discoverFeedLinks } from '../fetch/discover.js';
import { fetchFeed } from '../fetch/fetch-feed.js';
import { createHttpClient } from '../fetch/http-client.js';
import { normalizeSourceInfo } from '../clean/normalize.js';
import { primaryLanguage } from '../domain/language-tag.js';
import { parseFeed } from '../parse/parse-feed.js';
import { renderOpml } from '../publish/opml.js';
import { Store } from '../store/store.js';
import {
  addSources,
  readOpmlFile,
  removeSource,
  resolveSources,
  sourcesFile,
  toOpmlSource,
  type SourcesChange,
} from '../worker/sources.js';
import { fetchPolicyFor } from '../worker/fetch-policy.js';
import { userAgentFor } from '../worker/version.js';
import type { CliOptions } from './commands.js';
import { formatTable, type Output } from './output.js';

export async function runSourcesCommand(
  config: Config,
  args: readonly string[],
  options: CliOptions,
  context: { output: Output; now: Date; cwd: string },
): Promise<number> {
  const { output, now } = context;
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
        ? { url: checkUrl(url), name: nameOption(options), lang: langOption(options) }
        : await findFeed(config, url, options);
      const change = await addSources(config, [spec], now);
      if (change.added.length === 0) {
        output.out(`already a source: ${publicUrl(spec.url)}\n`);
      } else {
        output.out(`added ${spec.name ?? publicUrl(spec.url)} <${publicUrl(spec.url)}> to ${displayPath(change.file)}\n`);
        warnOfSecrets('sources add', change, output);
      }
      return 0;
    }
    case 'remove': {
      const url = requireTarget(action, target, 'URL');
      if (!(await removeSource(config, url, now))) {
        throw new VeilleError('USAGE', `sources remove: no source with the URL ${url} (see "veille sources list")`);
      }
      output.out(`removed ${url} from ${displayPath(sourcesFile(config))}\n`);
      return 0;
    }
    case 'import': {
      const file = resolve(context.cwd, requireTarget(action, target, 'FILE.opml'));
      const imported = readOpmlFile(file).map((source) => ({ url: source.url, name: source.name, lang: source.lang }));
      const change = await addSources(config, imported, now);
      output.out(
        `imported ${change.added.length} sources from ${displayPath(file)} into ${displayPath(change.file)}` +
          (change.skipped.length > 0 ? ` (${change.skipped.length} already there)` : '') +
          '\n',
      );
      warnOfSecrets('sources import', change, output);
      return 0;
    }
    case 'export': {
      if (target !== undefined) throw new VeilleError('USAGE', `sources export: unexpected argument "${target}"`);
      const siteUrls = storedSiteUrls(config);
      const sources = resolveSources(config).map((spec) => toOpmlSource(spec, siteUrls.get(sourceUrlKey(spec.url)) ?? null));
      output.out(renderOpml(config.site.title, sources, now));
      return 0;
    }
    default:
      throw new VeilleError('USAGE', `sources: expected list, add, remove, import or export, got "${action ?? ''}"`);
  }
}

/**
 * A URL with a user name, a password or a token parameter puts a credential into the file: it is
 * never published (publicUrl), but whoever reads the file has it.
 */
function warnOfSecrets(command: string, change: SourcesChange, output: Output): void {
  const withSecrets = change.added.filter((spec) => hasSecret(spec.url));
  if (withSecrets.length === 0) return;
  const file = displayPath(change.file);
  const which = withSecrets.length === 1 ? `${publicUrl(withSecrets[0]?.url ?? '')} holds` : `${withSecrets.length} URLs hold`;
  let readable = false;
  try {
    readable = (statSync(change.file).mode & 0o077) !== 0;
  } catch {
    // the file was just written; if it cannot be read now, say nothing of its permissions
  }
  output.err(
    `${command}: warning: ${which} a secret (a user name and password, or a parameter such as token=); ` +
      `${file} now holds it, and veille never publishes it. Keep ${file} private` +
      (readable ? ` (other users of this machine can read it: chmod 600 ${file})` : '') +
      ' and out of version control.\n',
  );
}

function nameOption(options: CliOptions): string | null {
  const name = options.name?.trim();
  return name ? name : null;
}

function langOption(options: CliOptions): string | null {
  if (options.lang === undefined) return null;
  if (!/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/.test(options.lang)) {
    throw new VeilleError('USAGE', `sources add: --lang "${options.lang}": expected a language tag such as fr or en`);
  }
  return options.lang;
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
 * A redirect that leaves the typed URL's origin is judged the same way (fetchFeed).
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
      if (outcome.kind !== 'ok') throw new VeilleError('FETCH_NOT_A_FEED', `sources add: ${publicUrl(candidate)} gave no content`);
      return outcome;
    };
    let requested = start;
    let outcome = await fetchText(start);
    let feed;
    try {
      feed = await parseFeed(outcome.text, { contentType: outcome.contentType, url: outcome.finalUrl });
    } catch (error) {
      if (!isVeilleError(error, 'FETCH_NOT_A_FEED')) throw error;
      const candidate = discoverFeedLinks(outcome.text, outcome.finalUrl)[0];
      if (candidate === undefined) {
        throw new VeilleError('FETCH_NOT_A_FEED', `sources add: ${publicUrl(start)} is a web page that links to no feed (no <link rel="alternate">)`);
      }
      requested = candidate;
      outcome = await fetchText(candidate);
      feed = await parseFeed(outcome.text, { contentType: outcome.contentType, url: outcome.finalUrl });
    }
    // Only a permanent redirect moves the source; a temporary one (often with a token) does not.
    return {
      url: outcome.permanentUrl ?? requested,
      name: nameOption(options) ?? normalizeSourceInfo(feed, outcome.finalUrl).title,
      lang: langOption(options) ?? primaryLanguage(feed.language),
    };
  } finally {
    await client.close();
  }
}

function storedSiteUrls(config: Config): Map<string, string> {
  const store = Store.openIfExists(config.storagePath);
  if (!store) return new Map();
  try {
    return new Map(
      store
        .listSources({ activeOnly: false })
        .filter((source) => source.siteUrl)
        .map((source) => [sourceUrlKey(source.key), source.siteUrl ?? '']),
    );
  } finally {
    store.close();
  }
}
