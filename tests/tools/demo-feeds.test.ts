// `npm run demo` (issue 17, finding 9): it keeps serving its feeds at a terminal and stops in CI,
// serves them again on the port its config names, names the week of its AAAI story, and shows
// no test fixture's invented item as news.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../src/parse/parse-feed.js';
import { demoMode, FEEDS, feedsPortOf, portOf, serveFeeds, weekOfDemoStory } from '../../tools/demo/demo-feeds.js';
import { DEMO_FEEDS_DIR } from '../../tools/repo-paths.js';

describe('npm run demo', () => {
  it.each([
    ['a person at a terminal', [], {}, true, 'keep'],
    ['no terminal (a pipe, a script)', [], {}, false, 'once'],
    ['CI set, as on a CI machine', [], { CI: 'true' }, true, 'once'],
    ['--once, as .ci/run says', ['--once'], {}, true, 'once'],
    ['--serve', ['--serve'], { CI: 'true' }, false, 'serve'],
  ] as const)('after its cycle, with %s: %s', (_name, argv, env, terminal, mode) => {
    expect(demoMode(argv, env, terminal)).toBe(mode);
  });

  it('refuses an option it does not know', () => {
    expect(() => demoMode(['--serv'], {}, true)).toThrow(/demo: unknown option "--serv"/);
  });

  it('serves the feeds again on the port its config names', async () => {
    const first = await serveFeeds();
    const port = portOf(first);
    const config = `site:\n  url: "http://127.0.0.1:8080/"\nsources:\n  - { url: "http://127.0.0.1:${port}/aihub-sample.xml", name: "AIhub (exemple)", lang: en }\n`;
    await new Promise((resolve) => first.close(resolve));
    expect(feedsPortOf(config)).toBe(port);
    const again = await serveFeeds(feedsPortOf(config) ?? 0);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/aihub-sample.xml`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('AAAI');
    } finally {
      await new Promise((resolve) => again.close(resolve));
    }
  });

  it('names the week of the AAAI story (it told the user W47; the story is in W48)', async () => {
    await expect(weekOfDemoStory('Europe/Paris')).resolves.toBe('2026-W48');
  });

  it.each(FEEDS.map((feed) => [feed.file, feed] as const))('%s: every item is dated, none is a fixture placeholder', async (_file, feed) => {
    const bytes = readFileSync(join(DEMO_FEEDS_DIR, feed.file));
    const text = bytes.toString(/iso-8859-1/i.test(feed.contentType) ? 'latin1' : 'utf8');
    const parsed = await parseFeed(text, { contentType: feed.contentType, url: `http://127.0.0.1/${feed.file}` });
    expect(parsed.items.length).toBeGreaterThan(0);
    for (const item of parsed.items) {
      expect(item.published, item.title ?? '').not.toBeNull();
      expect(`${item.title ?? ''} ${item.author ?? ''} ${item.link ?? ''}`).not.toMatch(/\bfake\b|\/\/example\.(com|org)\b/i);
    }
  });
});
