// Rendering the issue: every text from feeds is escaped (page, feed content, email HTML), links
// that are not http(s) never become hrefs, and the plain-text alternative reads on its own.
import { describe, expect, it } from 'vitest';
import { buildIssue, type BuildOptions } from '../../src/digest/issue.js';
import { weekRange } from '../../src/digest/iso-week.js';
import { renderEmailHtml, renderEmailText } from '../../src/digest/render-email.js';
import { renderIssueBody, renderIssuePage } from '../../src/digest/render-page.js';
import { composeMessage, messageIdFor, unsubscribeUrlFor } from '../../src/email/compose.js';
import { siteLocale } from '../../src/domain/site-locale.js';
import type { DigestItemRow } from '../../src/domain/digest.js';
import { THEMES } from '../publish/sample-site.js';

const RANGE = weekRange({ year: 2026, week: 47 }, 'Europe/Paris');
const FR = siteLocale('fr', 'Europe/Paris');
const OPTIONS: BuildOptions = { siteTitle: 'Veille <IA>', locale: FR, themes: THEMES, maxStoriesPerSection: 25, includeUnthemed: true };

const HOSTILE: DigestItemRow = {
  id: 'x',
  storyId: null,
  title: '<script>alert(1)</script> "quoted" & \'single\'',
  link: 'javascript:alert(2)',
  summary: '<img src=x onerror=alert(3)> résumé',
  language: 'en" onmouseover="alert(4)',
  publishedAt: '2026-11-18T10:00:00.000Z',
  sourceName: '<b>Source</b>',
  sourceUrl: 'https://evil.example/feed',
  themes: [{ id: 'security', score: 0.9 }],
};

const issue = buildIssue(RANGE, [HOSTILE], OPTIONS);
const LINKS = { pageUrl: 'https://veille.example.org/digests/2026-W47.html', unsubscribeUrl: 'https://veille.example.org/u?email=a%40b.org', unsubscribeMail: null };

describe.each([
  ['the issue body (feed content)', () => renderIssueBody(issue, FR).toString()],
  ['the issue page', () => renderIssuePage(issue, { siteTitle: 'Veille <IA>', generator: 'veille test', locale: FR, issues: [] })],
  ['the email HTML', () => renderEmailHtml(issue, LINKS, FR)],
])('%s', (_name, render) => {
  const out = render();

  it('escapes every text from feeds', () => {
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot; &amp; &#39;single&#39;');
    expect(out).toContain('&lt;img src=x onerror=alert(3)&gt; résumé');
    expect(out).toContain('&lt;b&gt;Source&lt;/b&gt;');
    expect(out).not.toMatch(/<script|<img|<b>/);
  });

  it('makes no href of a javascript: link and no attribute of a hostile language tag', () => {
    expect(out).not.toContain('javascript:');
    expect(out).not.toContain('onmouseover');
  });
});

describe('the email', () => {
  it('names the page, the themes and the unsubscribe link in the plain text', () => {
    const text = renderEmailText(issue, LINKS, FR);
    expect(text).toContain('Lire en ligne\u202F: https://veille.example.org/digests/2026-W47.html');
    expect(text).toContain('SÉCURITÉ');
    expect(text).toContain('Se désabonner\u202F: https://veille.example.org/u?email=a%40b.org');
  });

  it.each([
    ['same issue and recipient, same id', ['2026-W47', 'lea@example.org'], ['2026-W47', 'LEA@example.org'], true],
    ['another recipient', ['2026-W47', 'lea@example.org'], ['2026-W47', 'marc@example.org'], false],
    ['another issue', ['2026-W47', 'lea@example.org'], ['2026-W48', 'lea@example.org'], false],
  ])('Message-ID: %s', (_name, [weekA = '', toA = ''], [weekB = '', toB = ''], same) => {
    const from = 'Veille IA <veille@example.org>';
    expect(messageIdFor(weekA, toA, from) === messageIdFor(weekB, toB, from)).toBe(same);
    expect(messageIdFor(weekA, toA, from)).toMatch(/^<[^<>@\s]+@example\.org>$/);
  });

  it('fills {email} URL-encoded in the unsubscribe URL', () => {
    expect(unsubscribeUrlFor('https://x.example/u?e={email}&again={email}', 'a+b@c.org')).toBe('https://x.example/u?e=a%2Bb%40c.org&again=a%2Bb%40c.org');
    expect(unsubscribeUrlFor(null, 'a@b.org')).toBeNull();
  });

  // Issue 18, finding 6: a letter always says how to stop it, in its header and in its footer.
  it('without an unsubscribe URL, has a mailto: List-Unsubscribe to the sender naming the recipient (RFC 2369 §3.2), no one-click', () => {
    const message = composeMessage(issue, 'a+b@c.org', { from: 'Veille IA <veille@example.org>', pageUrl: LINKS.pageUrl, unsubscribeUrl: null, date: new Date(0), locale: FR });
    expect(message.headers).toEqual({ 'List-Unsubscribe': '<mailto:veille@example.org?subject=d%C3%A9sabonnement%20a%2Bb%40c.org>' });
    expect(message.subject).toBe('Veille <IA> — semaine du 16 au 22 novembre 2026');
  });

  it.each([
    ['fr', 'Pour ne plus la recevoir, écrivez à veille@example.org avec pour objet «\u202Fdésabonnement a@b.org\u202F».'],
    ['en', 'To stop receiving it, write to veille@example.org with the subject “unsubscribe a@b.org”.'],
  ])('without an unsubscribe URL, the %s footer says how to stop receiving the letter', (language, sentence) => {
    const locale = siteLocale(language, 'Europe/Paris');
    const message = composeMessage(issue, 'a@b.org', { from: 'Veille IA <veille@example.org>', pageUrl: LINKS.pageUrl, unsubscribeUrl: null, date: new Date(0), locale });
    expect(message.text).toContain(sentence);
    const [before] = locale.words.stopByMail('');
    expect(message.html).toContain(`${before}<a href="mailto:veille@example.org?subject=${language === 'fr' ? 'd%C3%A9sabonnement' : 'unsubscribe'}%20a%40b.org"`);
  });

  it('with an unsubscribe URL, offers both and one-click (RFC 8058)', () => {
    const message = composeMessage(issue, 'a@b.org', { from: 'veille@example.org', pageUrl: LINKS.pageUrl, unsubscribeUrl: 'https://x.example/u?e={email}', date: new Date(0), locale: FR });
    expect(message.headers).toEqual({
      'List-Unsubscribe': '<mailto:veille@example.org?subject=d%C3%A9sabonnement%20a%40b.org>, <https://x.example/u?e=a%40b.org>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    expect(message.html).toContain('<a href="https://x.example/u?e=a%40b.org"');
  });
});
