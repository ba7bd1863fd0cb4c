// discoverFeedLinks: <link rel="alternate"> feed autodiscovery in HTML pages.

import { describe, expect, it } from 'vitest';
import { discoverFeedLinks } from '../../src/fetch/discover.js';

const PAGE = 'https://blog.example.fr/2025/03/aaai/';

describe('discoverFeedLinks', () => {
  it.each([
    {
      name: 'RSS and Atom links, relative hrefs, in document order',
      html: `<html><head>
        <link rel="stylesheet" href="/style.css">
        <link rel="alternate" type="application/rss+xml" title="RSS" href="/feed/">
        <link rel="alternate" type="application/atom+xml" title="Atom" href="../../atom.xml">
      </head><body></body></html>`,
      links: ['https://blog.example.fr/feed/', 'https://blog.example.fr/2025/atom.xml'],
    },
    {
      name: 'JSON Feed types, attributes in any order, single quotes and no quotes',
      html: `<LINK HREF='feed.json' TYPE='application/feed+json' REL='alternate'>
        <link type=application/json rel=alternate href=https://cdn.example.org/f.json />`,
      links: ['https://blog.example.fr/2025/03/aaai/feed.json', 'https://cdn.example.org/f.json'],
    },
    {
      name: 'duplicates kept once, entities decoded, rel among other tokens',
      html: `<link rel="alternate" type="application/rss+xml" href="/feed?lang=fr&amp;cat=ia">
        <link rel="home alternate" type="application/rss+xml; charset=utf-8" href="https://blog.example.fr/feed?lang=fr&cat=ia">`,
      links: ['https://blog.example.fr/feed?lang=fr&cat=ia'],
    },
    {
      name: 'non-feed alternates, comments and non-http hrefs ignored',
      html: `<link rel="alternate" hreflang="en" href="/en/">
        <link rel="alternate" type="text/html" href="/print/">
        <!-- <link rel="alternate" type="application/rss+xml" href="/old-feed"> -->
        <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
        <link rel="alternate" type="application/rss+xml">`,
      links: [],
    },
    {
      name: '<base href> changes what relative hrefs resolve against',
      html: `<base href="https://www.example.org/news/"><link rel="alternate" type="application/atom+xml" href="atom">`,
      links: ['https://www.example.org/news/atom'],
    },
  ])('$name', ({ html, links }) => {
    expect(discoverFeedLinks(html, PAGE)).toEqual(links);
  });
});
