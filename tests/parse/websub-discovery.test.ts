// WebSub discovery (W3C WebSub §4): a feed's hubs and self URL, from RSS atom:link, Atom link and
// JSON Feed 1.1 `hubs` + `feed_url`, resolved against the document; rssCloud and non-http links ignored.
import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../src/parse/parse-feed.js';

const URL_OF_DOCUMENT = 'https://example.org/feeds/main.xml';

describe('WebSub discovery', () => {
  it.each([
    [
      'RSS atom:link',
      `<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>t</title><link>https://example.org/</link>
       <atom:link rel="hub" href="https://hub.example.net/"/><atom:link rel="self" type="application/rss+xml" href="https://example.org/feed"/><item><title>a</title></item></channel></rss>`,
      { hubs: ['https://hub.example.net/'], self: 'https://example.org/feed' },
    ],
    [
      'Atom link, relative hub, two hubs',
      `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:x</id><updated>2026-11-26T08:00:00Z</updated>
       <link rel="hub" href="/hub"/><link rel="hub" href="https://hub2.example.net/"/><link rel="self" href="https://example.org/atom"/><link href="https://example.org/"/></feed>`,
      { hubs: ['https://example.org/hub', 'https://hub2.example.net/'], self: 'https://example.org/atom' },
    ],
    [
      'JSON Feed hubs (WebSub only) and feed_url',
      JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 't', feed_url: 'https://example.org/feed.json', hubs: [{ type: 'rssCloud', url: 'https://cloud.example.net/' }, { type: 'WebSub', url: 'https://hub.example.net/' }], items: [] }),
      { hubs: ['https://hub.example.net/'], self: 'https://example.org/feed.json' },
    ],
    [
      'a hub that is not http(s)',
      `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><link rel="hub" href="javascript:alert(1)"/></feed>`,
      undefined,
    ],
  ])('%s', async (_name, text, expected) => {
    const feed = await parseFeed(text, { contentType: text.startsWith('{') ? 'application/feed+json' : 'application/xml', url: URL_OF_DOCUMENT });
    expect(feed.websub).toEqual(expected);
  });

  it('takes an Atom feed’s site link from rel="alternate", not from a hub or self link written first (RFC 4287 §4.2.7.2)', async () => {
    const feed = await parseFeed(
      `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><link rel="hub" href="https://hub.example.net/"/><link rel="self" href="https://example.org/atom"/><link rel="alternate" href="https://example.org/"/></feed>`,
      { contentType: 'application/atom+xml', url: URL_OF_DOCUMENT },
    );
    expect(feed.link).toBe('https://example.org/');
  });
});
