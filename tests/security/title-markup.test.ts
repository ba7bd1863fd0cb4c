// Titles that are markup once unescaped (issue 13, finding 9): an RSS title written
// `&amp;lt;img src=x onerror=alert(1)&amp;gt;` is the text `<img …>`, and a reader that renders
// RSS <title> as HTML (many web readers do) made an element of it. Through a whole cycle and the
// digest, no RSS text element holds a `<` that opens a tag; Atom and JSON Feed keep the exact text.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { rssPlainText } from '../../src/publish/feeds.js';
import { runCli } from '../helpers/cli.js';
import { rssFeed, serveBody, startFeedServer, type FeedServer } from '../helpers/feed-server.js';
import { makeCycleProject, type CycleProject } from '../worker/cycle-harness.js';
import { surfaceViolations } from './surface-check.js';
import type { SurfaceKind } from './pipeline.js';

const ITEM_TITLE = '&amp;lt;img src=x onerror=alert(1)&amp;gt; Federated learning';
const FEED_TITLE = '&amp;lt;svg onload=alert(2)&amp;gt; Hostile blog';

let server: FeedServer | undefined;
let project: CycleProject | undefined;

afterEach(async () => {
  await server?.close();
  project?.cleanup();
});

describe('a title that is markup once unescaped, through a cycle and the digest', () => {
  it('is published so that no reader can take it for markup, and the surface checker finds nothing', async () => {
    server = await startFeedServer({
      '/feed.xml': serveBody(
        rssFeed(FEED_TITLE, [{ title: ITEM_TITLE, link: 'https://hostile.example/1', guid: 'h1', date: 'Mon, 23 Nov 2026 09:00:00 GMT' }]),
        'application/rss+xml',
      ),
    });
    project = makeCycleProject(`site: { url: "https://veille.example.org/" }\nsources:\n  - { url: "${server.base}/feed.xml" }`);
    await project.run(new Date('2026-11-26T08:00:00Z'));
    const digest = await runCli(['digest', '--week', '2026-W48', '--config', project.config.file], { env: { VEILLE_NOW: '2026-11-30T08:00:00Z' } });
    expect(digest.code).toBe(0);

    const published = (file: string) => readFileSync(join(project?.dir ?? '', 'public', file), 'utf8');
    const surfaces: Array<[string, SurfaceKind]> = [
      ['feed.xml', 'rss'],
      ['atom.xml', 'atom'],
      ['feed.json', 'json'],
      ['index.html', 'html'],
      ['digest.xml', 'rss'],
      ['digest.atom', 'atom'],
      ['digests/2026-W48.html', 'html'],
    ];
    for (const [file, kind] of surfaces) expect(surfaceViolations({ name: file, kind, text: published(file) }), file).toEqual([]);

    // RSS: the `<` that would open a tag is ‹; the rest of the text is kept.
    // (" (en anglais)": the site is French and the item English.)
    expect(published('feed.xml')).toContain('<title>‹img src=x onerror=alert(1)&gt; Federated learning (en anglais)</title>');
    expect(published('feed.xml')).toContain('>‹svg onload=alert(2)&gt; Hostile blog</source>');
    // Atom (type="text") and JSON Feed titles are plain text by their specs: the exact text.
    expect(published('atom.xml')).toContain('<title type="text">&lt;img src=x onerror=alert(1)&gt; Federated learning (en anglais)</title>');
    expect(project.publishedTitles()).toEqual(['<img src=x onerror=alert(1)> Federated learning (en anglais)']);
  });

  it('the checker flags the title as it was published before', () => {
    const before = '<rss><channel><item><title>&lt;img src=x onerror=alert(1)&gt;</title><source url="https://x/">&lt;/b&gt;s</source></item></channel></rss>';
    expect(surfaceViolations({ name: 'feed.xml', kind: 'rss', text: before })).toEqual([
      'rss <title>: markup "<img src=x onerror=alert(1)>"',
      'rss <source>: markup "</b>s"',
    ]);
  });
});

describe('rssPlainText', () => {
  it.each([
    ['<img src=x>', '‹img src=x>'],
    ['</b>', '‹/b>'],
    ['<!-- x -->', '‹!-- x -->'],
    ['<?php ?>', '‹?php ?>'],
    // Text in HTML: a `<` before a space, a digit or nothing stays.
    ['a < b', 'a < b'],
    ['I <3 open source', 'I <3 open source'],
    ['x <', 'x <'],
  ])('%j → %j', (text, expected) => {
    expect(rssPlainText(text)).toBe(expected);
    // NFKC (which some readers apply) does not fold ‹ back into <.
    expect(expected.normalize('NFKC')).toBe(expected);
  });
});
