// The project's own model: what every stage receives and returns. Imports nothing.

/** A source as the user configured it. */
export interface SourceSpec {
  readonly url: string;
  readonly name: string | null;
  /** Language of the source's items when the feed does not say (BCP 47, e.g. "fr"). */
  readonly lang: string | null;
  /** When to fetch the article page of an item (`sources[].fullText`); absent: auto. */
  readonly fullText?: FullTextMode;
}

/**
 * auto: fetch the article page when the feed carries a teaser; always: every item's, and publish
 * it instead of the feed's content; never: keep the feed's content only.
 */
export type FullTextMode = 'auto' | 'always' | 'never';

/** A feed parsed into the shared model, before normalization. Every field is untrusted. */
export interface ParsedFeed {
  readonly format: 'rss' | 'atom' | 'rdf' | 'json';
  readonly title: string | null;
  readonly link: string | null;
  readonly description: string | null;
  /** As declared by the feed (`<language>`, `xml:lang`, JSON Feed `language`). */
  readonly language: string | null;
  /** The absolute `xml:base` in effect on the channel (or Atom feed); null when none is declared. */
  readonly base: string | null;
  /** RSS `<ttl>` in minutes, when present. */
  readonly ttlMinutes: number | null;
  /** RSS syndication module: `sy:updatePeriod` divided by `sy:updateFrequency`, in minutes, when either is present. */
  readonly updatePeriodMinutes: number | null;
  /** RSS 2.0 `<skipHours>`: hours of the day (0–23, GMT) when the feed need not be read. */
  readonly skipHours: readonly number[];
  /** RSS 2.0 `<skipDays>`: English day names (Monday … Sunday) when the feed need not be read. */
  readonly skipDays: readonly string[];
  /**
   * The WebSub hubs the feed declares and its own URL (rel="hub" and rel="self" links in RSS and
   * Atom, `hubs` and `feed_url` in JSON Feed; W3C WebSub §4): absolute http(s) URLs; absent: none.
   */
  readonly websub?: WebSubLinks;
  readonly items: readonly ParsedItem[];
}

/** A feed's WebSub discovery (W3C WebSub §4): the hubs, and the topic URL they know it by. */
export interface WebSubLinks {
  readonly hubs: readonly string[];
  readonly self: string | null;
}

export interface ParsedItem {
  readonly guid: string | null;
  /**
   * False when the feed says its GUID is not the item's address (RSS `isPermaLink="false"`): then
   * a GUID that looks like a URL is still not used as the link. Absent or true: it may be.
   */
  readonly guidIsPermaLink?: boolean;
  readonly link: string | null;
  readonly title: string | null;
  /** HTML or text as found (RSS description, Atom summary, JSON Feed summary). */
  readonly summary: string | null;
  /** HTML as found (content:encoded, Atom content, JSON Feed content_html / content_text). */
  readonly content: string | null;
  readonly author: string | null;
  /** Raw date strings as found in the feed. */
  readonly published: string | null;
  readonly updated: string | null;
  readonly categories: readonly string[];
  readonly language: string | null;
  /** The absolute `xml:base` in effect on the item, for its links and content; null when none is declared. */
  readonly base: string | null;
}

/** An item once normalized and cleaned: safe to store and publish. */
export interface Item {
  /** Stable id: a hash of the source's key and the item's GUID (or link, or title and date). */
  readonly id: string;
  readonly guid: string | null;
  /** Canonical link: tracking parameters removed, fragment dropped. */
  readonly link: string | null;
  readonly title: string;
  /** Plain text, at most a few sentences. */
  readonly summary: string;
  /** Sanitized HTML (allowlist), absolute URLs. */
  readonly contentHtml: string;
  readonly author: string | null;
  /** ISO 8601 in UTC. */
  readonly publishedAt: string;
  readonly updatedAt: string | null;
  /** True when the feed gave no usable date and `publishedAt` is the fetch time. */
  readonly dateMissing: boolean;
  /** The feed's own categories. */
  readonly categories: readonly string[];
  /** BCP 47 primary language ("en", "fr") or null when unknown. */
  readonly language: string | null;
  /** Outbound links found in the content (absolute, canonical). */
  readonly links: readonly string[];
  readonly imageUrl: string | null;
}

export type EvidenceField = 'title' | 'summary' | 'content' | 'category';

export interface Evidence {
  /** The vocabulary term that matched, as written in the taxonomy. */
  readonly term: string;
  readonly field: EvidenceField;
  /** For a regular expression (term `/…/`): the words of the text it matched, at most 80 characters. */
  readonly matched?: string;
}

export interface ThemeMatch {
  readonly id: string;
  /** In [0, 1]. */
  readonly score: number;
  readonly evidence: readonly Evidence[];
}

/** A theme as readers see it. */
export interface ThemeInfo {
  readonly id: string;
  /** French label shown to readers. */
  readonly label: string;
  readonly definition: string | null;
}

/** What a publisher needs to write one entry of a feed. */
export interface FeedEntry {
  /** Never changes once published. */
  readonly guid: string;
  readonly title: string;
  readonly link: string | null;
  readonly summary: string;
  readonly contentHtml: string;
  readonly author: string | null;
  readonly publishedAt: string;
  readonly updatedAt: string;
  readonly language: string | null;
  readonly source: { readonly name: string; readonly url: string; readonly siteUrl: string | null };
  /** Themes of the entry, in taxonomy order. */
  readonly themes: readonly ThemeInfo[];
  readonly imageUrl: string | null;
  /** A story told by several sources: each source with its own item's link, first source first. */
  readonly sources?: readonly EntrySource[];
  /** Shown as a model's résumé (issue 16): the model, and the original title it replaces. */
  readonly resume?: { readonly model: string; readonly originalTitle: string; readonly originalLanguage: string | null };
  /** Set when the title and summary are not as written in the site's language: see EntryReading. */
  readonly reading?: EntryReading;
}

/**
 * How an entry's title and summary reach a reader of the site's language, for the pages' mark:
 * translated from `from`, or shown as written in `from` ("foreign"). `title` and `summary` are
 * the texts without the note the feeds append to them ("(en anglais)").
 */
export interface EntryReading {
  readonly mark: 'translated' | 'foreign';
  readonly from: string;
  readonly title: string;
  readonly summary: string;
}

/** One source of a story, as the entry credits it. */
export interface EntrySource {
  readonly name: string;
  /** The source's own item about the story. */
  readonly link: string | null;
  readonly language: string | null;
}

/** Metadata of a published feed. */
export interface FeedMeta {
  readonly title: string;
  readonly description: string;
  /** Site home page (absolute). */
  readonly siteUrl: string;
  /** Absolute URL of this very feed file, for self links. */
  readonly feedUrl: string;
  readonly language: string;
  /** ISO 8601: the newest entry's update time, or the build time when empty. */
  readonly updatedAt: string;
  readonly generator: string;
  /** WebSub hubs the feed declares (rel="hub", W3C WebSub §4); absent or empty: none. */
  readonly hubs?: readonly string[];
}

/** An item's title and summary translated into the site's language, with the language they came from. */
export interface TranslatedTexts {
  readonly title: string;
  readonly summary: string;
  /** Primary language subtag of the original, e.g. en. */
  readonly from: string;
}
