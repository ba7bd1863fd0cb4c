// The escaping template helper and the home page: French, accessible, no script, no remote
// resource, dates formatted with Intl in the configured time zone.

import { siteLocale } from '../../src/domain/site-locale.js';
import { createHash } from 'node:crypto';
import { load } from 'cheerio';
import { describe, expect, it } from 'vitest';
import { escapeHtml, html, rawHtml, SafeHtml } from '../../src/publish/html.js';
import { groupByDay, renderIndexPage, renderThemePage, type ReadingSite } from '../../src/publish/pages.js';
import type { ThemeInfo } from '../../src/domain/types.js';
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

const SITE: ReadingSite = { meta: { ...sampleMeta(), siteTitle: 'Veille IA' }, themes: THEMES, builtAt: BUILT_AT, locale: FR, sourceCount: 3 };

function theme(id: string): ThemeInfo {
  return THEMES.find((t) => t.id === id) as ThemeInfo;
}

/** The AAAI story as the publish step makes it: the French telling shown, both sources credited. */
const AAAI_STORY = entry({
  guid: 'urn:veille:item:aihub-aaai',
  title: 'Deux ateliers de l’AAAI 2025 : l’IA open source et l’apprentissage fédéré',
  link: 'https://aihub.org/2025/04/03/aaai-workshops/',
  summary: 'AIhub revient sur deux ateliers de l’AAAI 2025.',
  publishedAt: '2025-04-03T14:00:00Z',
  source: { name: 'AIhub', url: 'https://aihub.org/feed/', siteUrl: 'https://aihub.org/' },
  themes: [theme('open-source'), theme('federated-learning')],
  sources: [
    { name: 'AIhub', link: 'https://aihub.org/2025/04/03/aaai-workshops/', language: 'en' },
    { name: 'Le Carnet IA', link: 'https://carnet.example.fr/aaai', language: 'fr' },
  ],
});

/** An English item shown untranslated, as inSiteLanguage leaves it. */
const ENGLISH_ITEM = entry({
  guid: 'en',
  title: 'Differential privacy in practice (en anglais)',
  summary: 'How differential privacy protects data.',
  language: 'en',
  publishedAt: '2025-04-02T07:00:00Z',
  themes: [theme('privacy')],
  reading: { mark: 'foreign', from: 'en', title: 'Differential privacy in practice', summary: 'How differential privacy protects data.' },
});

/** A translated item, as inSiteLanguage makes it. */
const TRANSLATED_ITEM = entry({
  guid: 'tr',
  title: 'La confidentialité différentielle en pratique',
  summary: 'Comment elle protège les données. (traduit de l’anglais)',
  language: 'fr',
  publishedAt: '2025-04-02T06:00:00Z',
  themes: [theme('privacy')],
  reading: { mark: 'translated', from: 'en', title: 'La confidentialité différentielle en pratique', summary: 'Comment elle protège les données.' },
});

describe('index page', () => {
  const page = renderIndexPage(SITE, ENTRIES);

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

  it('announces every feed in the head, digests included, and links each once in the feed block after the stories', () => {
    const $ = load(page);
    const alternates = $('link[rel="alternate"]').toArray().map((link) => [$(link).attr('type'), $(link).attr('href')]);
    expect(alternates).toHaveLength(3 + 3 * THEMES.length + 3);
    expect(alternates.slice(0, 3)).toEqual([
      ['application/rss+xml', 'feed.xml'],
      ['application/atom+xml', 'atom.xml'],
      ['application/feed+json', 'feed.json'],
    ]);
    expect(alternates).toContainEqual(['application/atom+xml', 'themes/federated-learning.atom']);
    expect(alternates).toContainEqual(['application/feed+json', 'digest.json']);
    const block = $('nav#flux');
    for (const [, href] of alternates) expect(block.find(`a[href="${href}"]`).length).toBe(1);
    expect(block.find('a[href="sources.opml"]').length).toBe(1);
    // The feeds come after the stories: the first screen of a phone shows articles.
    expect($('main#contenu ~ nav#flux').length).toBe(1);
    expect($('header a[href$=".xml"], header a[href$=".atom"], header a[href$=".json"]').length).toBe(0);
  });

  it('says what it is: the sources count and the last update', () => {
    const about = load(page)('header p.meta');
    expect(about.text()).toContain('3 sources suivies · Mis à jour le 7 avril 2025 à 08:00');
    expect(about.find('time').attr('datetime')).toBe('2025-04-07T06:00:00.000Z');
    expect(renderIndexPage({ ...SITE, sourceCount: 1 }, [])).toContain('1 source suivie ·');
  });

  it('links every theme to its page from the header and from each story’s chips', () => {
    const $ = load(renderIndexPage(SITE, [AAAI_STORY]));
    expect($('header nav a').toArray().map((a) => $(a).attr('href'))).toEqual(THEMES.map((t) => `themes/${t.id}.html`));
    const chips = $('article ul.themes a');
    expect(chips.toArray().map((a) => [$(a).attr('href'), $(a).text()])).toEqual([
      ['themes/open-source.html', 'Open source'],
      ['themes/federated-learning.html', 'Apprentissage fédéré'],
    ]);
  });

  it('shows a story once with all its sources, each linked, the title leading to the telling it shows (finding 1)', () => {
    const $ = load(renderIndexPage(SITE, [AAAI_STORY]));
    expect($('article').length).toBe(1);
    const meta = $('article p.meta');
    expect(meta.find('a').toArray().map((a) => [$(a).text(), $(a).attr('href')])).toEqual([
      ['AIhub', 'https://aihub.org/2025/04/03/aaai-workshops/'],
      ['Le Carnet IA', 'https://carnet.example.fr/aaai'],
    ]);
    expect(meta.text()).toContain('AIhub · Le Carnet IA · En français');
    expect($('article h3 a').attr('href')).toBe('https://carnet.example.fr/aaai');
    expect($('article h3').attr('lang')).toBeUndefined();
  });

  it.each([
    ['written in French', AAAI_STORY, 'site', 'En français', 'Deux ateliers de l’AAAI 2025 : l’IA open source et l’apprentissage fédéré', undefined],
    ['shown in English', ENGLISH_ITEM, 'foreign', 'En anglais', 'Differential privacy in practice', 'en'],
    ['translated', TRANSLATED_ITEM, 'translated', /^Traduit de l['’]anglais$/, 'La confidentialité différentielle en pratique', undefined],
  ])('marks a story %s, its title without the feeds’ note', (_name, story, kind, text, title, lang) => {
    const $ = load(renderIndexPage(SITE, [story]));
    const mark = $(`article .mark.${kind}`);
    expect(mark.length).toBe(1);
    expect(mark.text()).toMatch(text);
    expect($('article h3').text()).toBe(title);
    expect($('article h3').attr('lang')).toBe(lang);
    expect($('article > p:not(.meta)').text()).not.toMatch(/\((en|traduit)/);
  });

  it('groups the stories by day, newest day first, under a French heading', () => {
    const $ = load(renderIndexPage(SITE, [TRANSLATED_ITEM, AAAI_STORY, ENGLISH_ITEM]));
    const days = $('main section').toArray().map((section) => [$(section).find('h2').text(), $(section).find('article h3').toArray().map((h) => $(h).text())]);
    expect(days).toEqual([
      ['Jeudi 3 avril 2025', ['Deux ateliers de l’AAAI 2025 : l’IA open source et l’apprentissage fédéré']],
      ['Mercredi 2 avril 2025', ['La confidentialité différentielle en pratique', 'Differential privacy in practice']],
    ]);
    expect($('main section h2 time').first().attr('datetime')).toBe('2025-04-03');
  });

  it('formats dates in the configured time zone', () => {
    // 23:30 UTC on 31 March is already 1 April in Paris, still 31 March in New York.
    const late = [entry({ guid: 'late', title: 't', publishedAt: '2025-03-31T23:30:00Z' })];
    expect(renderIndexPage({ ...SITE, themes: [] }, late)).toContain('<h2><time datetime="2025-04-01">Mardi 1 avril 2025</time></h2>');
    expect(renderIndexPage({ ...SITE, themes: [], locale: siteLocale('fr', 'America/New_York') }, late)).toContain('<h2><time datetime="2025-03-31">Lundi 31 mars 2025</time></h2>');
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
    const out = renderIndexPage(SITE, [hostile]);
    const $ = load(out);
    expect($('img, script, svg').length).toBe(0);
    expect($('a[href^="javascript:"]').length).toBe(0);
    const handlers = $('*').toArray().flatMap((el) => ('attribs' in el ? Object.keys(el.attribs) : []).filter((name) => name.startsWith('on')));
    expect(handlers).toEqual([]);
    expect($('article h3').text()).toBe('<img src=x onerror=alert(1)>');
    expect($('article > p').last().text()).toBe('</p><script>alert(2)</script>');
    expect($('article h3').attr('lang')).toBeUndefined();
  });

  it('says so when there is nothing yet', () => {
    expect(renderIndexPage(SITE, [])).toContain('<p>Aucun article pour le moment.</p>');
  });
});

describe('groupByDay', () => {
  it.each([
    // 23:30 UTC on 31 March is 1 April in Paris, 31 March in New York.
    ['Europe/Paris', ['2025-04-01', '2025-03-31']],
    ['America/New_York', ['2025-03-31']],
  ])('cuts days at midnight in %s', (zone, days) => {
    const entries = [
      entry({ guid: 'a', title: 'a', publishedAt: '2025-03-31T23:30:00Z' }),
      entry({ guid: 'b', title: 'b', publishedAt: '2025-03-31T20:00:00Z' }),
    ];
    expect(groupByDay(entries, siteLocale('fr', zone)).map((day) => day.day)).toEqual(days);
  });

  it('keeps each day’s entries in the given order and puts newer days first', () => {
    const entries = [
      entry({ guid: 'old', title: 'old', publishedAt: '2025-03-07T10:00:00Z' }),
      entry({ guid: 'new-1', title: 'new-1', publishedAt: '2025-03-08T08:00:00Z' }),
      entry({ guid: 'new-2', title: 'new-2', publishedAt: '2025-03-08T18:00:00Z' }),
    ];
    const days = groupByDay(entries, FR);
    expect(days.map((day) => [day.heading, day.entries.map((e) => e.guid)])).toEqual([
      ['Samedi 8 mars 2025', ['new-1', 'new-2']],
      ['Vendredi 7 mars 2025', ['old']],
    ]);
  });
});

describe('theme page', () => {
  const privacy = theme('privacy');
  const page = renderThemePage(SITE, { ...privacy, definition: 'Données personnelles et IA.' }, [ENGLISH_ITEM, TRANSLATED_ITEM]);
  const $ = load(page);

  it('names the theme, says what it is about and shows its stories only', () => {
    expect($('title').text()).toBe('Confidentialité et données personnelles — Veille IA');
    expect($('h1').text()).toBe('Confidentialité et données personnelles');
    expect($('header p').eq(1).text()).toBe('Données personnelles et IA.');
    expect($('article h3').toArray().map((h) => $(h).text())).toEqual(['Differential privacy in practice', 'La confidentialité différentielle en pratique']);
  });

  it('links from themes/ back to the site, to the other themes and to its own feeds first', () => {
    expect($('header a').first().attr('href')).toBe('../index.html');
    expect($('header nav a[aria-current="page"]').attr('href')).toBe('../themes/privacy.html');
    expect($('article ul.themes a').first().attr('href')).toBe('../themes/privacy.html');
    const alternates = $('link[rel="alternate"]').toArray().map((link) => $(link).attr('href'));
    expect(alternates.slice(0, 3)).toEqual(['../themes/privacy.xml', '../themes/privacy.atom', '../themes/privacy.json']);
    expect(new Set(alternates).size).toBe(alternates.length);
    expect(alternates).toHaveLength(3 + 3 * THEMES.length + 3);
    expect($('header p.meta a').toArray().map((a) => $(a).attr('href'))).toEqual(['../themes/privacy.xml', '../themes/privacy.atom', '../themes/privacy.json']);
    expect($('nav#flux a[href="../feed.xml"]').length).toBe(1);
  });

  it('says so when the theme has no story yet', () => {
    expect(renderThemePage(SITE, privacy, [])).toContain('<p>Aucun article pour le moment.</p>');
  });
});
