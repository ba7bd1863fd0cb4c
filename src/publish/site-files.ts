// The files of the published site, named once: their paths, their formats and the media type the
// server answers with. The writers (publish-site, publish-digest), the pages that link them and
// the HTTP server all read this table.

export interface FeedFile {
  /** As readers name it, e.g. in a page's list of feeds. */
  readonly format: 'RSS' | 'Atom' | 'JSON Feed';
  /** `type` of `<link rel="alternate">`. */
  readonly type: string;
  /** Relative to the publish folder. */
  readonly path: string;
}

const RSS_TYPE = 'application/rss+xml';
const ATOM_TYPE = 'application/atom+xml';
const JSON_FEED_TYPE = 'application/feed+json';

/** The three formats of one feed: `feed` is the merged feed (its Atom form is atom.xml). */
function feedFiles(base: string, atomPath = `${base}.atom`): readonly [FeedFile, FeedFile, FeedFile] {
  return [
    { format: 'RSS', type: RSS_TYPE, path: `${base}.xml` },
    { format: 'Atom', type: ATOM_TYPE, path: atomPath },
    { format: 'JSON Feed', type: JSON_FEED_TYPE, path: `${base}.json` },
  ];
}

export const SITE_FEEDS = feedFiles('feed', 'atom.xml');
export const DIGEST_FEEDS = feedFiles('digest');

/** A theme's feeds: themes/<id>.xml, .atom, .json. */
export function themeFeeds(themeId: string): readonly [FeedFile, FeedFile, FeedFile] {
  return feedFiles(`themes/${themeId}`);
}

export const INDEX_PAGE = 'index.html';
export const SOURCES_OPML = 'sources.opml';
export const DIGEST_LIST_PAGE = 'digests/index.html';

export function digestPage(week: string): string {
  return `digests/${week}.html`;
}

/** A theme's reading page, beside its feeds. */
export function themePage(themeId: string): string {
  return `themes/${themeId}.html`;
}

/** Folders the site writes into, beside its root. */
export const SITE_FOLDERS = ['themes', 'digests'] as const;

const TYPES_BY_EXTENSION: Readonly<Record<string, string>> = {
  '.xml': RSS_TYPE,
  '.atom': ATOM_TYPE,
  '.json': 'application/json',
  '.opml': 'text/x-opml',
  '.html': 'text/html',
  '.css': 'text/css',
  '.txt': 'text/plain',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.ico': 'image/vnd.microsoft.icon',
  '.eml': 'message/rfc822',
};

const TEXT_TYPES = new Set([RSS_TYPE, ATOM_TYPE, JSON_FEED_TYPE, 'application/json', 'text/x-opml', 'text/html', 'text/css', 'text/plain']);

/** The feeds whose extension alone does not say their format. */
const TYPES_BY_PATH: ReadonlyMap<string, string> = new Map(
  [...SITE_FEEDS, ...DIGEST_FEEDS].filter((file) => file.type !== (TYPES_BY_EXTENSION[extensionOf(file.path)] ?? '')).map((file) => [file.path, file.type]),
);

function extensionOf(path: string): string {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  return dot > slash ? path.slice(dot).toLowerCase() : '';
}

/** The Content-Type of a file of the site (UTF-8 for text), by its path relative to the publish folder. */
export function mediaTypeOf(relativePath: string): string {
  const type =
    TYPES_BY_PATH.get(relativePath) ??
    (relativePath.startsWith('themes/') && relativePath.endsWith('.json') ? JSON_FEED_TYPE : TYPES_BY_EXTENSION[extensionOf(relativePath)]);
  if (type === undefined) return 'application/octet-stream';
  return TEXT_TYPES.has(type) ? `${type}; charset=utf-8` : type;
}

/** True for the files the site writes as text (feeds, pages, OPML, CSS): the ones worth compressing. */
export function isTextFile(relativePath: string): boolean {
  return mediaTypeOf(relativePath).endsWith('; charset=utf-8');
}
