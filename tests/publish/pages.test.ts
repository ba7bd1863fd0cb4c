// The escaping template helper and the home page: French, accessible, no script, no remote
// resource, dates formatted with Intl in the configured time zone.

import { siteLocale } from '../../src/domain/site-locale.js';
import { createHash } from 'node:crypto';
import { load } from 'cheerio';
import { describe, expect, it } from 'vitest';
import { escapeHtml, html, rawHtml, SafeHtml } from '../../src/publish/html.js';
import { renderIndexPage } from '../../src/publish/pages.js';
import { BUILT_AT, ENTRIES, THEMES, entry, sampleMeta } from './sample-site.js';

const FR = siteLocale('fr', 'Europe/Paris');

describe('html template helper', () => {
  it.each<[string, () => SafeHtml, string]>([
    ['escapes text', () => html`<p>${'<script>alert("x")</script>'}</p>`, '<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>'],
    ['escapes attribute quotes', () => html`<a title="${`a" onmouseover="x`}">`, '<a title="a&quot; onmouseover=&quot;x">'],
    ['escapes apostrophes', () => html`<a title='${"a' b"}'>`, "<a title='a&#39; b'>"],
    ['escapes ampersands once', () => html`${'AT&amp;T'}`, 'AT&amp;amp;T'],
    ['keeps nested SafeHtml', () => html`<ul>${html`<li>${'<b>'}</li>`}</ul>`, '<ul><li>&lt;b&gt;</li></ul>'],
    ['joins arrays, escaping each item', () => html`${['<a>', html`<b>`, 1]}`, '&lt;a&gt;<b>1'],
    ['renders null, undefined and false as nothing', () => html`[${null}${undefined}${false}]`, '[]'],
    ['renders numbers and zero', () => html`${0} ${2.5}`, '0 2.5'],
    ['drops control characters', () => html`${'a\u0000b\u0007c'}`, 'abc'],
    ['trusts rawHtml as given', () => html`<div>${rawHtml('<p>ok</p>')}</div>`, '<div><p>ok</p></div>'],
  ])('%s', (_name, render, expected) => {
    expect(render().toString()).toBe(expected);
  });

  it('returns SafeHtml that cannot be built from outside', () => {
    expect(html`x`).toBeInstanceOf(SafeHtml);
    expect(escapeHtml('<')).toBe('&lt;');
  });
});

describe('index page', () => {
  const meta = { ...sampleMeta(), siteTitle: 'Veille IA' };
  const page = renderIndexPage(meta, ENTRIES, THEMES, BUILT_AT, FR);

  it('matches the golden file (fixed clock)', async () => {
    await expect(page).toMatchFileSnapshot('__snapshots__/index.html');
  });

  it('is French, responsive, and declares its charset', () => {
    expect(page).toMatch(/^<!doctype html>\n<html lang="fr">/);
    expect(page).toContain('<meta charset="utf-8">');
    expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
  });

  it('runs no script and loads nothing remote', () => {
    const $ = load(page);
    expect($('script, iframe, img, object, embed, link[rel="stylesheet"]').length).toBe(0);
    expect($('style').text()).not.toMatch(/@import|url\(/);
  });

  it('has a strict CSP whose style hash matches the inline style', () => {
    const css = /<style>([\s\S]*?)<\/style>/.exec(page)?.[1] ?? '';
    const hash = createHash('sha256').update(css).digest('base64');
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;sha256-${hash}&#39;`);
  });

  it('links every feed, in the header and as <link rel="alternate">', () => {
    const alternates = [...page.matchAll(/<link rel="alternate" type="([^"]+)" title="[^"]*" href="([^"]+)">/g)].map((m) => [m[1], m[2]]);
    expect(alternates).toHaveLength(3 + 3 * THEMES.length);
    expect(alternates.slice(0, 3)).toEqual([
      ['application/rss+xml', 'feed.xml'],
      ['application/atom+xml', 'atom.xml'],
      ['application/feed+json', 'feed.json'],
    ]);
    expect(alternates).toContainEqual(['application/atom+xml', 'themes/federated-learning.atom']);
    for (const [, href] of alternates) expect(page).toContain(`<a href="${href}">`);
    expect(page).toContain('<a href="sources.opml">');
  });

  it('shows each entry with its source, French date, themes and summary', () => {
    const article = page.split('<article>')[2] ?? '';
    expect(article).toContain('<h3 lang="en"><a href="https://aihub.org/2025/04/03/aaai-workshops/">Open Source AI for Mainstream Use');
    expect(article).toContain('AIhub · <time datetime="2025-04-03T14:00:00.000Z">3 avril 2025</time>');
    expect(article).toContain('<li>Apprentissage fédéré</li>');
    expect(article).toContain('<p lang="en">A recap of the');
  });

  it('marks no language on French entries', () => {
    expect(page.split('<article>')[1]).toMatch(/^\n<h3><a href=/);
  });

  it('formats dates in the configured time zone', () => {
    // 23:30 UTC on 31 March is already 1 April in Paris, still 31 March in New York.
    const late = [entry({ guid: 'late', title: 't', publishedAt: '2025-03-31T23:30:00Z' })];
    expect(renderIndexPage(meta, late, [], BUILT_AT, FR)).toContain('>1 avril 2025</time>');
    expect(renderIndexPage(meta, late, [], BUILT_AT, siteLocale('fr', 'America/New_York'))).toContain('>31 mars 2025</time>');
  });

  it('escapes hostile feed text and refuses javascript: links', () => {
    const hostile = entry({
      guid: 'x',
      title: '<img src=x onerror=alert(1)>',
      link: 'javascript:alert(1)',
      summary: '</p><script>alert(2)</script>',
      source: { name: '"><svg onload=alert(3)>', url: 'https://x.example/', siteUrl: null },
      language: 'en" onclick="alert(4)',
    });
    const out = renderIndexPage(meta, [hostile], THEMES, BUILT_AT, FR);
    const $ = load(out);
    expect($('img, script, svg').length).toBe(0);
    expect($('a[href^="javascript:"]').length).toBe(0);
    const handlers = $('*').toArray().flatMap((el) => ('attribs' in el ? Object.keys(el.attribs) : []).filter((name) => name.startsWith('on')));
    expect(handlers).toEqual([]);
    expect($('article h3').text()).toBe('<img src=x onerror=alert(1)>');
    expect($('article p').last().text()).toBe('</p><script>alert(2)</script>');
    expect($('article h3').attr('lang')).toBeUndefined();
  });

  it('says so when there is nothing yet', () => {
    expect(renderIndexPage(meta, [], THEMES, BUILT_AT, FR)).toContain('<p>Aucun article pour le moment.</p>');
  });
});
