// `veille run` and `veille digest` with a translator: English items published in French and
// saying so, the original kept and linked, the cache sparing a second call, a failing provider
// never holding back publishing, and hostile provider output never reaching a surface.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTempProject, runCli, type TempProject } from '../helpers/cli.js';
import { rssFeed, serveBody, startFeedServer, type FeedServer } from '../helpers/feed-server.js';
import { surfaceViolations } from '../security/surface-check.js';
import type { SurfaceKind } from '../security/pipeline.js';
import { LIBRE_URL, libreTranslateMock } from './providers.js';

const NOW = '2026-11-26T08:00:00Z';

const ENGLISH = rssFeed('AIhub', [
  {
    title: 'Federated learning in hospitals',
    link: 'https://aihub.example/fl-hospitals',
    guid: 'fl-1',
    date: 'Mon, 23 Nov 2026 09:00:00 +0000',
    description: '<p>Hospitals train a shared model with federated learning.</p>',
  },
]);

const FRENCH = rssFeed(
  'Blog IA',
  [{ title: 'La CNIL publie un guide', link: 'https://blog.example.fr/cnil', guid: 'cnil-1', date: 'Tue, 24 Nov 2026 07:00:00 +0100', description: 'Données personnelles et IA.' }],
  'fr',
);

const libre = libreTranslateMock();
const msw = setupServer(...libre.handlers);

interface JsonFeedItem {
  title: string;
  summary?: string;
  content_html?: string;
  language?: string;
  url?: string;
}

describe('translation in the pipeline', () => {
  let server: FeedServer;
  let project: TempProject;

  beforeAll(async () => {
    msw.listen({ onUnhandledRequest: 'error' });
    server = await startFeedServer({
      '/en.xml': serveBody(ENGLISH, 'application/rss+xml; charset=utf-8'),
      '/fr.xml': serveBody(FRENCH, 'application/rss+xml; charset=utf-8'),
    });
  });
  afterAll(async () => {
    msw.close();
    await server.close();
  });
  beforeEach(() => {
    libre.calls.length = 0;
    project = makeTempProject();
  });
  afterEach(() => project.cleanup());

  function configure(translate: string): void {
    project.writeConfig(`
site: { title: "Veille test", url: "https://veille.example.org/" }
sources:
  - { url: "${server.base}/en.xml", name: AIhub, lang: en }
  - { url: "${server.base}/fr.xml", name: Blog IA, lang: fr }
translate: ${translate}
`);
  }

  const run = (args: string[] = [], env: NodeJS.ProcessEnv = {}) => runCli(['run', ...args, '--config', project.configFile], { env: { VEILLE_NOW: NOW, ...env } });
  const published = (file = 'feed.json'): string => readFileSync(join(project.dir, 'public', file), 'utf8');
  const items = (): JsonFeedItem[] => (JSON.parse(published()) as { items: JsonFeedItem[] }).items;
  const byUrl = (url: string): JsonFeedItem | undefined => items().find((item) => item.url === url);

  it('publishes the English item in French, says it is translated, and keeps the original title and text', async () => {
    configure(`{ provider: libretranslate, url: "${LIBRE_URL}", retry: { delayMs: 1 } }`);
    expect((await run()).code).toBe(0);
    const english = byUrl('https://aihub.example/fl-hospitals');
    expect(english).toMatchObject({
      title: 'FR[Apprentissage fédéré in hospitals]',
      summary: "FR[Hospitals train a shared model with apprentissage fédéré.] (traduit de l’anglais)",
      language: 'fr',
    });
    expect(english?.content_html).toContain('<p><em>Traduit de l’anglais. Titre original\u202F: «\u202F<span lang="en">Federated learning in hospitals</span>\u202F».</em></p>');
    expect(english?.content_html).toContain('<div lang="en"><p>Hospitals train a shared model with federated learning.</p></div>');
    expect(byUrl('https://blog.example.fr/cnil')).toMatchObject({ title: 'La CNIL publie un guide', language: 'fr' });
    expect(published('atom.xml')).toContain('<title type="text">FR[Apprentissage fédéré in hospitals]</title>');
    // Only English texts were sent: the glossary term once, then the item's title and summary.
    expect(libre.calls.flatMap((call) => call.body.q as string[])).toEqual([
      'federated learning',
      'Federated learning in hospitals',
      'Hospitals train a shared model with federated learning.',
    ]);
  });

  it('never asks twice for an unchanged item', async () => {
    configure(`{ provider: libretranslate, url: "${LIBRE_URL}" }`);
    await run();
    const calls = libre.calls.length;
    expect((await run(['--force'])).code).toBe(0);
    expect(libre.calls.length).toBe(calls);
    expect(byUrl('https://aihub.example/fl-hospitals')?.title).toBe('FR[Apprentissage fédéré in hospitals]');
  });

  it('publishes untranslated, with the language said, when the provider is down, and translates on a later run', async () => {
    configure(`{ provider: libretranslate, url: "${LIBRE_URL}", retry: { attempts: 2, delayMs: 1 } }`);
    libre.fail({ status: 503 }, { status: 503 });
    const down = await run();
    expect(down.code).toBe(0);
    expect(down.stderr).toMatch(/translate: libretranslate: HTTP 503/);
    expect(byUrl('https://aihub.example/fl-hospitals')).toMatchObject({ title: 'Federated learning in hospitals (en anglais)', language: 'en' });
    await run(['--force']);
    expect(byUrl('https://aihub.example/fl-hospitals')?.title).toBe('FR[Apprentissage fédéré in hospitals]');
  });

  it('says when the key is missing, and publishes untranslated', async () => {
    configure(`{ provider: libretranslate, url: "${LIBRE_URL}", apiKeyEnv: LT_KEY }`);
    const result = await run();
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/TRANSLATE_NO_KEY.*the environment variable LT_KEY \(translate\.apiKeyEnv\) is not set/);
    expect(libre.calls).toHaveLength(0);
    await run(['--force'], { LT_KEY: 'k' });
    expect(libre.calls.at(-1)?.body.api_key).toBe('k');
  });

  it('says once per run that the key is missing, though the digest both builds and publishes', async () => {
    configure(`{ provider: libretranslate, url: "${LIBRE_URL}", apiKeyEnv: LT_KEY }`);
    expect((await run()).stderr.match(/TRANSLATE_NO_KEY/g)).toHaveLength(1);
    const digest = await runCli(['digest', '--week', '2026-W48', '--config', project.configFile], { env: { VEILLE_NOW: '2026-11-30T08:00:00Z' } });
    expect(digest.code).toBe(0);
    expect(digest.stdout).toContain('2026-W48: built and published');
    expect(digest.stderr.match(/TRANSLATE_NO_KEY/g)).toHaveLength(1);
    expect(libre.calls).toHaveLength(0);
  });

  it('with no provider, says the language of every item not in French', async () => {
    configure('{ provider: none }');
    await run();
    expect(byUrl('https://aihub.example/fl-hospitals')).toMatchObject({ title: 'Federated learning in hospitals (en anglais)', language: 'en' });
    expect(byUrl('https://blog.example.fr/cnil')?.title).toBe('La CNIL publie un guide');
  });

  it('puts the French titles in the digest, saying they are translated', async () => {
    configure(`{ provider: libretranslate, url: "${LIBRE_URL}" }`);
    await run();
    const digest = await runCli(['digest', '--week', '2026-W48', '--config', project.configFile], { env: { VEILLE_NOW: '2026-11-30T08:00:00Z' } });
    expect(digest.code).toBe(0);
    const page = readFileSync(join(project.dir, 'public', 'digests', '2026-W48.html'), 'utf8');
    expect(page).toContain('FR[Apprentissage fédéré in hospitals]');
    expect(page).toContain('(traduit de l’anglais)');
    expect(page).not.toContain('(en anglais)');
  });

  it('publishes hostile provider output as text only, on every surface', async () => {
    configure(`{ provider: libretranslate, url: "${LIBRE_URL}" }`);
    msw.use(
      http.post(`${LIBRE_URL}/translate`, async ({ request }) => {
        const { q } = (await request.json()) as { q: string[] };
        return HttpResponse.json({
          translatedText: q.map((text) =>
            text === 'federated learning' ? 'apprentissage fédéré' : '<script>alert(1)</script><img src=x onerror=alert(1)><a href="javascript:alert(1)">Titre</a>',
          ),
        });
      }),
    );
    await run();
    expect((await runCli(['digest', '--week', '2026-W48', '--config', project.configFile], { env: { VEILLE_NOW: '2026-11-30T08:00:00Z' } })).code).toBe(0);
    msw.resetHandlers();
    const surfaces: Array<[string, SurfaceKind]> = [
      ['feed.xml', 'rss'],
      ['atom.xml', 'atom'],
      ['feed.json', 'json'],
      ['index.html', 'html'],
      ['digests/2026-W48.html', 'html'],
      ['digest.xml', 'rss'],
    ];
    for (const [file, kind] of surfaces) {
      expect(surfaceViolations({ name: file, kind, text: published(file) }), file).toEqual([]);
    }
    expect(byUrl('https://aihub.example/fl-hospitals')?.title).toBe('Titre');
    expect(published('digests/2026-W48.html')).toMatch(/>Titre<\/a> <small>\(traduit de l’anglais\)<\/small>/);
  });
});
