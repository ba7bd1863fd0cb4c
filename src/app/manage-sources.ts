// Use cases "list, add, remove, import and export the sources": the configured list, edited in
// place, and the feed behind a typed URL found by discovery, with the SSRF trust decision.
import type { Config } from '../config/load-config.js';
import { normalizeSourceInfo } from '../clean/normalize.js';
import { isVeilleError, VeilleError } from '../domain/errors.js';
import { primaryLanguage } from '../domain/language-tag.js';
import { publicUrl, sourceUrlKey } from '../domain/source-url.js';
import type { SourceSpec } from '../domain/types.js';
import { discoverFeedLinks } from '../fetch/discover.js';
import { fetchFeed } from '../fetch/fetch-feed.js';
import { createHttpClient } from '../fetch/http-client.js';
import { parseFeed } from '../parse/parse-feed.js';
import { renderOpml } from '../publish/opml.js';
import { Store } from '../store/store.js';
import { addSources, readOpmlFile, removeSource, resolveSources, sourcesFile, toOpmlSource, type SourcesChange } from './sources.js';
import type { AppSettings } from './app.js';

export type { SourcesChange };

/** What the user said of a source; `name` and `lang` null: taken from the feed when it is checked. */
export interface SourceRequest {
  /** An http(s) URL, as the user typed it (checked by the command line). */
  readonly url: string;
  readonly name: string | null;
  readonly lang: string | null;
  /** Fetch the URL first: a feed is taken as it is, a web page is searched for its feed. */
  readonly check: boolean;
}

export function listSources(config: Config): { readonly sources: readonly SourceSpec[]; readonly file: string } {
  return { sources: resolveSources(config), file: sourcesFile(config) };
}

/** Adds one source, its feed found first unless `check` is false; `spec` is what was (or would have been) added. */
export async function addSource(app: AppSettings, request: SourceRequest): Promise<{ readonly spec: SourceSpec; readonly change: SourcesChange }> {
  const spec = request.check ? await findFeed(app, request) : { url: request.url, name: request.name, lang: request.lang };
  return { spec, change: await addSources(app.config, [spec], app.clock.now()) };
}

/** Removes the sources with this URL; false when none is configured. */
export async function removeConfiguredSource(app: AppSettings, url: string): Promise<{ readonly removed: boolean; readonly file: string }> {
  return { removed: await removeSource(app.config, url, app.clock.now()), file: sourcesFile(app.config) };
}

/** Adds the sources of an OPML file (absolute path) not yet configured. */
export async function importSources(app: AppSettings, file: string): Promise<SourcesChange> {
  const imported = readOpmlFile(file).map((source) => ({ url: source.url, name: source.name, lang: source.lang }));
  return addSources(app.config, imported, app.clock.now());
}

/** The configured sources as OPML 2.0, each with its site's URL when a cycle has seen it. */
export function exportSources(app: AppSettings): string {
  const siteUrls = storedSiteUrls(app.config);
  const sources = resolveSources(app.config).map((spec) => toOpmlSource(spec, siteUrls.get(sourceUrlKey(spec.url)) ?? null));
  return renderOpml(app.config.site.title, sources, app.clock.now());
}

/**
 * Fetches the URL: a feed is taken as it is; a web page is searched for its feed links.
 * The URL the user typed is trusted (like any source in the config). A link found in the page is
 * trusted only on the same origin as the typed URL; any other is fetched untrusted, so that a page
 * cannot make veille probe loopback, private or metadata addresses (fetch.allowPrivateHosts).
 * A redirect that leaves the typed URL's origin is judged the same way (fetchFeed).
 */
async function findFeed(app: AppSettings, request: SourceRequest): Promise<SourceSpec> {
  const { trusted, untrusted } = app.fetchPolicy;
  const client = createHttpClient(trusted);
  try {
    const start = request.url;
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
      if (candidate === undefined) throw new VeilleError('FETCH_NOT_A_FEED', `sources add: ${publicUrl(start)} ${describeNoFeed(outcome.contentType, outcome.text)}`);
      requested = candidate;
      outcome = await fetchText(candidate);
      feed = await parseFeed(outcome.text, { contentType: outcome.contentType, url: outcome.finalUrl });
    }
    // Only a permanent redirect moves the source; a temporary one (often with a token) does not.
    return {
      url: outcome.permanentUrl ?? requested,
      name: request.name ?? normalizeSourceInfo(feed, outcome.finalUrl).title,
      lang: request.lang ?? primaryLanguage(feed.language),
    };
  } finally {
    await client.close();
  }
}

/** Feeds veille reads, as a sentence's end. */
const ACCEPTED = 'veille takes an RSS, Atom or JSON Feed document, or a web page that links to one';

/**
 * What an answer that is no feed is, and what veille takes instead (issue 17, finding 7: a JSON
 * file and a PNG were both "a web page"). `contentType`: the answer's header, if any.
 */
export function describeNoFeed(contentType: string | null, text: string): string {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const start = text.trimStart().slice(0, 1);
  if (mediaType === 'text/html' || mediaType === 'application/xhtml+xml' || (mediaType === '' && start === '<')) {
    return 'is a web page that links to no feed (no <link rel="alternate">)';
  }
  if (mediaType === 'application/json' || mediaType.endsWith('+json') || (mediaType === '' && (start === '{' || start === '['))) {
    return `is JSON (${mediaType || 'by its content'}) but not a JSON Feed (no "version": "https://jsonfeed.org/version/1.1"); ${ACCEPTED}`;
  }
  return `is ${mediaType === '' ? 'an answer without a Content-Type' : mediaType}, not a feed; ${ACCEPTED}`;
}

function storedSiteUrls(config: Config): Map<string, string> {
  const store = Store.openIfExists(config.storage);
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
