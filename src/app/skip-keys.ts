// What a steady-state cycle compares to leave work undone (issue 15): the key of a feed body as it
// was processed, and the key of one item as parsed. Each covers what processing read beside the
// bytes (veille's version, the base URL, the source's languages), so that a new veille or a changed
// config processes again what it would process differently.
import { createHash, hash } from 'node:crypto';
import type { ParsedItem } from '../domain/types.js';
import { VERSION } from '../system/version.js';

/** What processing reads beside a feed's text; a change in any of them processes the feed again. */
export interface ProcessingContext {
  /** The URL the text came from (public form): base for relative links. */
  readonly url: string;
  readonly contentType: string | null;
  readonly sourceKey: string;
  readonly sourceLang: string | null;
  /** The languages detection may choose. */
  readonly languages: readonly string[];
}

function contextPart(context: ProcessingContext): string {
  return JSON.stringify([VERSION, context.url, context.contentType, context.sourceKey, context.sourceLang, context.languages]);
}

/**
 * The key stored with a source once its body is processed: the same text and context next time costs
 * this hash only. Updated in parts: one string would copy the whole body once more (review). `text`
 * may be given as the bytes it is the UTF-8 decoding of (charset.ts FeedText): a string is hashed as
 * its UTF-8, so the key is the same, and a body seen before is never decoded (issue 15: the 10 MB
 * of a cycle whose 200 feeds send the same bodies, decoded then encoded again for the hash).
 */
export function bodyKey(text: string | Uint8Array, context: ProcessingContext): string {
  return createHash('sha256').update(contextPart(context)).update('\u0000').update(text).digest('base64url');
}

/**
 * The key of one item's raw fields (and of the feed fields its cleaning reads: the site link, the
 * xml:base, the feed's language), stored with the item: a feed that carries it again unchanged
 * does not clean, detect or tag it again. Each key is one string hashed at once: the context's and
 * the feed's JSON, then the item's (issue 15: a hash copied and updated per item cost twice as much).
 * JSON has no lone surrogate, so the digests are those of the updates they replaced.
 */
export function rawItemKeys(
  feed: { readonly link: string | null; readonly base: string | null; readonly language: string | null; readonly items: readonly ParsedItem[] },
  context: ProcessingContext,
): string[] {
  const shared = contextPart(context) + JSON.stringify([feed.link, feed.base, feed.language]);
  return feed.items.map((item) =>
    hash(
      'sha256',
      shared +
        JSON.stringify([
          item.guid, item.guidIsPermaLink ?? null, item.link, item.title, item.summary, item.content, item.author,
          item.published, item.updated, item.categories, item.language, item.base,
        ]),
      'base64url',
    ).slice(0, 32),
  );
}
