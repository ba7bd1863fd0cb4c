// Declared languages are BCP 47 tags (RFC 5646 §2.1: subtags separated by hyphens); the POSIX
// locale spelling `en_US`, a frequent slip in feeds, is read as `en-US`.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../src/parse/parse-feed.js';

const UNDERSCORE_ATOM_03 = readFileSync(new URL('../fixtures/feeds/feedparser/lang-feed_xml_lang_underscore.xml', import.meta.url), 'utf8');

describe('language tags', () => {
  it.each([
    { name: 'feedparser lang/feed_xml_lang_underscore (Atom 0.3 xml:lang)', feed: UNDERSCORE_ATOM_03, feedLang: 'en-US', itemLang: undefined },
    {
      name: 'RSS <language> and item dc:language',
      feed: '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><language>fr_FR</language><item><dc:language>en_GB</dc:language></item></channel></rss>',
      feedLang: 'fr-FR',
      itemLang: 'en-GB',
    },
    {
      name: 'Atom entry xml:lang',
      feed: '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr"><entry xml:lang="de_CH"><id>1</id></entry></feed>',
      feedLang: 'fr',
      itemLang: 'de-CH',
    },
    { name: 'a well-formed tag is kept as written', feed: '<rss version="2.0"><channel><language>pt-BR</language></channel></rss>', feedLang: 'pt-BR', itemLang: undefined },
  ])('$name', async ({ feed, feedLang, itemLang }) => {
    const parsed = await parseFeed(feed, { contentType: null, url: 'https://feeds.example/feed' });
    expect(parsed.language).toBe(feedLang);
    expect(parsed.items[0]?.language).toBe(itemLang);
  });
});
