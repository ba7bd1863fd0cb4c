// The reading pages and the weekly letter in headless Chromium (issue 18): axe-core finds no
// violation on the home page, a theme page, a digest page, the digests index and the letter's HTML,
// at a desktop and a phone width; and screenshots of the home page, a theme page and a digest page
// at 1280 and 390 px land in build/screenshots/ (SCREENSHOT_DIR to choose another folder), each
// compared with the previous run's so that a blank page fails. Needs `apt-get install chromium`.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupStoredStories } from '../../src/app/group-stored-stories.js';
import { startServer } from '../../src/publish/server.js';
import { Store } from '../../src/store/store.js';
import { makeDigestProject, NOW, WEEK, type DigestProject } from '../digest/digest-fixture.js';
import { runCli } from '../helpers/cli.js';
import { Browser, type AxeViolation } from './browser.js';
import { siteLocale } from '../../src/domain/site-locale.js';
import * as readerPages from '../../src/email/subscriber-pages.js';

/** Where the screenshots stay, from one run to the next, for a person to look at. */
const SCREENSHOTS = resolve(process.env.SCREENSHOT_DIR ?? 'build/screenshots');

/**
 * A page of this size has stories on it: a 1280 × 2400 page with one heading is a PNG of 15 KB,
 * these pages 100 to 200 KB. A new screenshot may also not shrink below half of the previous
 * run's (a page that lost its stories).
 */
const MIN_SCREENSHOT_BYTES = 50_000;

const EMAIL = ['email:', '  from: "Veille IA <veille@example.org>"', '  outbox: outbox', '  recipients:', '    - { address: lea@example.org }'].join('\n');

const PAGES = [
  ['home page', 'index.html'],
  ['theme page', 'themes/federated-learning.html'],
  ['digest page', `digests/${WEEK}.html`],
  ['digests index', 'digests/index.html'],
] as const;

const WIDTHS = [
  ['desktop', 1280, 900, 'light'],
  ['phone', 390, 844, 'light'],
  ['phone, dark', 390, 844, 'dark'],
] as const;

let project: DigestProject;
let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
let letterHtml: string;

beforeAll(async () => {
  project = makeDigestProject(EMAIL);
  const store = Store.open(join(project.dir, 'data/veille.db'));
  // As a cycle does before it publishes: the French post and AIhub's recap become one story.
  groupStoredStories(store, new Date(NOW));
  store.close();
  for (const args of [['--week', '2026-W45'], ['--week', WEEK, '--send']]) {
    const result = await runCli(['digest', ...args, '--config', project.configFile], { env: { VEILLE_NOW: NOW } });
    expect(result.code, result.stderr).toBe(0);
  }
  const outbox = join(project.dir, 'outbox', WEEK);
  const mail = await simpleParser(readFileSync(join(outbox, readdirSync(outbox)[0] ?? '')));
  letterHtml = typeof mail.html === 'string' ? mail.html : '';
  server = await startServer({ dir: join(project.dir, 'public'), host: '127.0.0.1', port: 0 });
  browser = await Browser.launch();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  project?.cleanup();
});

/** One line per violation, so that a failure names the rule and the elements. */
function described(violations: readonly AxeViolation[]): string[] {
  return violations.map((v) => `${v.id} (${v.impact ?? '?'}): ${v.help} — ${v.targets.slice(0, 5).join(', ')}`);
}

describe('axe-core in headless Chromium', () => {
  it('finds what it is there to find (a page with an image without text and no language)', async () => {
    const page = await browser.newPage(390, 844);
    await page.setContent('<!doctype html><html><head><title>t</title></head><body><main><img src="data:,"></main></body></html>');
    expect((await page.axe()).map((violation) => violation.id)).toEqual(expect.arrayContaining(['html-has-lang', 'image-alt']));
  });

  it.each(PAGES.flatMap(([name, path]) => WIDTHS.map(([device, width, height, scheme]) => [name, device, path, width, height, scheme] as const)))(
    'finds no violation on the %s (%s)',
    async (_name, _device, path, width, height, scheme) => {
      const page = await browser.newPage(width, height, scheme);
      await page.goto(new URL(path, server.url).href);
      expect(await page.evaluate<number>('document.querySelectorAll("main article, main li, main section").length')).toBeGreaterThan(0);
      expect(described(await page.axe())).toEqual([]);
    },
  );

  it('finds no violation in the letter’s HTML', async () => {
    expect(letterHtml).toContain('<table role="presentation"');
    const page = await browser.newPage(390, 844);
    await page.setContent(letterHtml);
    // A letter is shown inside the mail program's own page, whose landmarks hold it: the rules that
    // ask a page for its landmarks do not apply to it.
    expect(described(await page.axe(['landmark-one-main', 'region']))).toEqual([]);
  });
});

/** The pages veille's server shows readers about their subscription (issue 23), in French. */
function subscriberPages(): Array<[string, string]> {
  const site = { locale: siteLocale('fr', 'Europe/Paris'), siteTitle: 'Veille IA', siteUrl: 'https://veille.example.org/' };
  const themes = [
    { id: 'privacy', label: 'Confidentialité et données personnelles', definition: null },
    { id: 'security', label: 'Sécurité', definition: null },
  ];
  return [
    ['unsubscribe page', readerPages.unsubscribePage(site, '../preferences/abc')],
    ['unsubscribed page', readerPages.unsubscribedPage(site)],
    ['themes page', readerPages.preferencesPage(site, themes, new Set(['privacy']))],
    ['sign-up form', readerPages.subscribePage(site, themes, { address: '', themes: new Set(), error: false })],
    ['sign-up form with an error', readerPages.subscribePage(site, themes, { address: 'lea@', themes: new Set(['security']), error: true })],
    ['check-your-mailbox page', readerPages.checkMailboxPage(site, 3)],
    ['confirmation page', readerPages.confirmPage(site)],
    ['invalid link page', readerPages.linkInvalidPage(site)],
  ];
}

describe('axe-core on the readers’ subscription pages (issue 23)', () => {
  it.each(subscriberPages().flatMap(([name, html]) => WIDTHS.map(([device, width, height, scheme]) => [name, device, html, width, height, scheme] as const)))(
    'finds no violation on the %s (%s)',
    async (_name, _device, html, width, height, scheme) => {
      const page = await browser.newPage(width, height, scheme);
      await page.setContent(html);
      expect(described(await page.axe())).toEqual([]);
    },
  );
});

describe('the pages fit a 320 px phone', () => {
  it.each(PAGES.map(([name, path]) => [name, path] as const))('the %s scrolls only down', async (_name, path) => {
    const page = await browser.newPage(320, 640);
    await page.goto(new URL(path, server.url).href);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(320);
  });
});

describe('screenshots', () => {
  it.each(
    PAGES.slice(0, 3).flatMap(([name, path]) => WIDTHS.map(([device, width, height, scheme]) => [name, device, path, width, height, scheme] as const)),
  )('of the %s (%s) have something on them, not less than half the last run’s', async (name, device, path, width, height, scheme) => {
    await mkdir(SCREENSHOTS, { recursive: true });
    const file = join(SCREENSHOTS, `${name.replace(/ /g, '-')}-${width}${scheme === 'dark' ? '-dark' : ''}.png`);
    const previous = existsSync(file) ? (await stat(file)).size : null;
    const page = await browser.newPage(width, height, scheme);
    await page.goto(new URL(path, server.url).href);
    const png = await page.screenshot();
    await writeFile(file, png);
    expect(png.subarray(1, 4).toString('latin1'), device).toBe('PNG');
    expect(png.length).toBeGreaterThan(MIN_SCREENSHOT_BYTES);
    if (previous !== null) expect(png.length).toBeGreaterThan(previous / 2);
  });
});
