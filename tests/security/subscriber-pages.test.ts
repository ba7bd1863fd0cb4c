// The security suite's surface checker on issue 23's pages: nothing that runs script or loads a
// hostile URL, forms that post back to the page only, and a typed address that stays text.
import { describe, expect, it } from 'vitest';
import { siteLocale } from '../../src/domain/site-locale.js';
import * as pages from '../../src/email/subscriber-pages.js';
import { formPageViolations } from './surface-check.js';

const HOSTILE = '"><script>alert(1)</script><img src=x onerror=alert(1)>@example.org';
const site = { locale: siteLocale('fr', 'Europe/Paris'), siteTitle: 'Veille <b>IA</b>', siteUrl: 'https://veille.example.org/' };
const themes = [
  { id: 'privacy', label: 'Confidentialité', definition: null },
  { id: 'x" onfocus="alert(1)', label: '<svg onload=alert(1)>', definition: null },
];

describe('the readers’ pages (issue 23)', () => {
  it.each([
    ['unsubscribe', pages.unsubscribePage(site, '../preferences/abc')],
    ['unsubscribe, hostile tail', pages.unsubscribePage(site, `../preferences/${encodeURIComponent('"><script>x</script>')}`)],
    ['unsubscribed', pages.unsubscribedPage(site)],
    ['preferences', pages.preferencesPage(site, themes, new Set(['privacy']))],
    ['preferences saved', pages.preferencesSavedPage(site)],
    ['subscribe', pages.subscribePage(site, themes, { address: '', themes: new Set(), error: false })],
    ['subscribe, hostile address typed', pages.subscribePage(site, themes, { address: HOSTILE, themes: new Set(['privacy']), error: true })],
    ['check mailbox', pages.checkMailboxPage(site, 3)],
    ['too many', pages.tooManyPage(site)],
    ['confirm', pages.confirmPage(site)],
    ['confirmed', pages.confirmedPage(site)],
    ['link invalid', pages.linkInvalidPage(site)],
  ])('%s: the surface checker finds nothing', (_name, html) => {
    expect(formPageViolations(html)).toEqual([]);
    expect(html).not.toMatch(/<script/i);
  });

  it('the checker does see a form posting elsewhere or a second style', () => {
    expect(formPageViolations('<html><head><style></style></head><body><form action="https://evil.example/" method="post"></form><style></style></body></html>')).toEqual([
      'page: 2 <style> elements',
      'page: <form action="https://evil.example/">',
      'page body: <style>',
    ]);
  });
});
