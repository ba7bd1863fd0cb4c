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
    // Issue 13: comments and tags are found with indexOf, linear on hostile pages
    // (tests/stress/parse-deadline.test.ts times them); what they find is unchanged.
    {
      name: 'a comment that never closes hides nothing after it',
      html: `<!-- a --><!-- <link rel="alternate" type="application/rss+xml" href="/hidden"> --><!-- <!--
        <link rel="alternate" type="application/rss+xml" href="/after-unclosed">`,
      links: ['https://blog.example.fr/after-unclosed'],
    },
    {
      name: 'a tag runs to the first ">", and a start with none ends the search',
      html: `<link rel="alternate" <link type="application/rss+xml" href="/first"><LINK\nrel=alternate type=application/atom+xml href=/second>
        <linkx rel="alternate" type="application/rss+xml" href="/not-a-link-tag"><link rel="alternate" type="application/rss+xml" href="/never-closed"`,
      links: ['https://blog.example.fr/first', 'https://blog.example.fr/second'],
    },
    {
      name: 'the first <base> wins, as a tag of any case',
      html: `<BASE href="https://one.example/a/"><base href="https://two.example/"><link rel="alternate" type="application/rss+xml" href="f">`,
      links: ['https://one.example/a/f'],
    },
  ])('$name', ({ html, links }) => {
    expect(discoverFeedLinks(html, PAGE)).toEqual(links);
  });
});
