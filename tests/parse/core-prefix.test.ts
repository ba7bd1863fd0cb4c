// A feed may bind its own format's namespace to a prefix (`<r:rss xmlns:r="…/rss2">`, `<rss:item>`
// in RSS 1.0, `<a:feed>`): the elements are the same (Namespaces in XML 1.0 §4). Module elements
// keep theirs, above all `<atom:link>` inside RSS, which is not the RSS `<link>`.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../src/parse/parse-feed.js';

function feedparserFixture(name: string): string {
  return readFileSync(new URL(`../fixtures/feeds/feedparser/${name}`, import.meta.url), 'utf8');
}

describe('core elements under a prefix', () => {
  it.each([
    {
      name: 'feedparser namespace/rss2.0NSwithModulesNoDefNS',
      feed: feedparserFixture('namespace-rss2.0NSwithModulesNoDefNS.xml'),
      title: 'RSS Tests - RSS2.0 w/ NS no default NS',
      itemTitle: 'Test Item - - RSS2.0 w/ NS no default NS',
    },
    {
      name: 'feedparser namespace/rss1.0withModulesNoDefNS',
      feed: feedparserFixture('namespace-rss1.0withModulesNoDefNS.xml'),
      title: 'RSS Tests - RSS 1.0 no Default NS',
      itemTitle: 'Test Item - RSS 1.0 no Default NS',
    },
    {
      name: 'Atom 1.0 under a prefix',
      feed: '<a:feed xmlns:a="http://www.w3.org/2005/Atom"><a:title>F</a:title><a:entry><a:id>1</a:id><a:title>E</a:title><a:link href="https://ex.org/1"/></a:entry></a:feed>',
      title: 'F',
      itemTitle: 'E',
    },
  ])('$name', async ({ feed, title, itemTitle }) => {
    const parsed = await parseFeed(feed, { contentType: null, url: 'https://feeds.example/feed' });
    expect(parsed.title).toBe(title);
    expect(parsed.items[0]?.title).toBe(itemTitle);
  });

  it('RSS 2.0 with atom:link rel="self": the channel link stays the RSS <link>', async () => {
    const parsed = await parseFeed(
      '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>T</title><atom:link rel="self" href="https://ex.org/feed"/><link>https://ex.org/</link><item><title>i</title><link>https://ex.org/i</link></item></channel></rss>',
      { contentType: null, url: 'https://ex.org/feed' },
    );
    expect(parsed.link).toBe('https://ex.org/');
    expect(parsed.items[0]?.link).toBe('https://ex.org/i');
  });
});
