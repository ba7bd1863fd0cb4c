// Webhooks for new stories (issue 21) through real cycles, against loopback receivers of each
// format: every new story POSTed once per matching target, signed (X-Veille-Signature checked as
// the README tells a receiver to), with the story's GUID as idempotency key; a story that gains a
// source for the targets that ask; a failing target backs off, keeps its key and body, and is
// paused after a day; the address policy applies unless the target allows a private address.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStatus } from '../../src/app/status.js';
import { rssFeed } from '../helpers/feed-server.js';
import { startServer, type TestServer } from '../fetch/servers.js';
import { makeCycleProject, type CycleProject } from '../worker/cycle-harness.js';
import { startReceiver, type Receiver } from './receivers.js';

const SECRET = 'a-test-secret-of-some-length';
const T0 = new Date('2026-12-06T08:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const N = '\u202F';

const FL = {
  title: 'Federated learning at AAAI 2025: the FLUID workshop',
  link: 'https://example.org/fluid',
  guid: 'fluid',
  date: 'Sun, 06 Dec 2026 07:00:00 GMT',
  description: 'Researchers met to discuss federated learning, where models are trained across many devices and only updates leave each site.',
};
/** The title as a reader reads it; the feed carries it escaped (OSS.title). */
const OSS_TITLE = 'An open-source model & its open weights for machines <7B';
const OSS = {
  title: 'An open-source model &amp; its open weights for machines &lt;7B',
  link: 'https://example.org/oss',
  guid: 'oss',
  date: 'Sun, 06 Dec 2026 06:00:00 GMT',
  description: 'The lab released open-source code and open weights under an open licence for the community, @everyone.',
};

describe('notify: webhooks for new stories', () => {
  let feeds: TestServer;
  let receiver: Receiver;
  let project: CycleProject;
  let now = T0;
  let blogItems: (typeof FL)[] = [];

  beforeAll(async () => {
    receiver = await startReceiver(SECRET, () => now);
    feeds = await startServer({
      '/aihub.xml': (_request, response) => response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed('AIhub', [FL, OSS])),
      '/blog.xml': (_request, response) => response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed('Blog', blogItems, 'fr')),
    });
    const target = (name: string, format: string, extra = '') =>
      `  - { name: ${name}, url: "${receiver.url(`/${name}`)}", format: ${format}, secretEnv: HOOK_SECRET, allowPrivate: true${extra} }`;
    project = makeCycleProject(
      [
        'sources:',
        `  - { url: "${feeds.url('/aihub.xml')}", name: AIhub, lang: en }`,
        `  - { url: "${feeds.url('/blog.xml')}", name: Le blog, lang: fr }`,
        'fetch: { perHostDelayMs: 0 }',
        'notify:',
        target('all-json', 'json', ', onNewSource: true'),
        target('slack', 'slack'),
        target('discord', 'discord'),
        `  - { name: matrix, url: "${receiver.url('/_matrix/client/v3/rooms/!r:example.org/send/m.room.message')}", format: matrix, secretEnv: HOOK_SECRET, tokenEnv: MATRIX_TOKEN, allowPrivate: true }`,
        target('ntfy/veille-ia', 'ntfy').replace('name: ntfy/veille-ia', 'name: ntfy'),
        target('fl-only', 'json', ', themes: [federated-learning]'),
        `  - { name: guarded, url: "${receiver.url('/guarded')}", format: json, secretEnv: HOOK_SECRET }`,
      ].join('\n'),
      { env: { HOOK_SECRET: SECRET, MATRIX_TOKEN: 'matrix-token' } },
    );
    await project.run(now);
  });

  afterAll(async () => {
    project.cleanup();
    await Promise.all([feeds.close(), receiver.close()]);
  });

  const bodies = (prefix: string) => receiver.to(prefix).map((request) => JSON.parse(request.body) as Record<string, unknown>);
  const storyGuid = (link: string) => project.store.recentStories(10).find((story) => story.members.some((member) => member.link === link))?.guid;

  it('posts each new story once to every target, signed, with the story GUID as idempotency key', () => {
    for (const prefix of ['/all-json', '/slack', '/discord', '/_matrix/', '/ntfy/']) {
      const requests = receiver.to(prefix);
      expect(requests, prefix).toHaveLength(2);
      expect(requests.every((request) => request.signed), prefix).toBe(true);
      expect(requests.map((request) => request.headers['idempotency-key']).sort()).toEqual([storyGuid(FL.link), storyGuid(OSS.link)].sort());
      expect(requests.every((request) => request.headers['x-veille-event'] === 'story.new')).toBe(true);
    }
  });

  it('filters by theme', () => {
    expect(receiver.to('/fl-only').map((request) => request.headers['idempotency-key'])).toEqual([storyGuid(FL.link)]);
  });

  it('refuses a loopback target that does not allow a private address (the address policy)', () => {
    expect(receiver.to('/guarded')).toHaveLength(0);
    const guarded = readStatus(project.config, now).notify.find((target) => target.name === 'guarded');
    expect(guarded?.pending).toBe(2);
    expect(guarded?.lastError).toMatch(/^notify: guarded: http:\/\/127\.0\.0\.1:\d+\/…: .*loopback address.*allowPrivate: true/);
    expect(guarded?.lastError).not.toContain('/guarded');
  });

  it('speaks each format, in French, feed text escaped', () => {
    const json = bodies('/all-json').find((body) => body.key === storyGuid(FL.link));
    expect(json).toMatchObject({
      type: 'story.new',
      text: 'Nouvel article',
      story: { title: FL.title, url: FL.link, themes: [{ id: 'federated-learning', label: 'Apprentissage fédéré' }, { id: 'events', label: 'Événements et conférences' }], sources: [{ name: 'AIhub', url: FL.link }] },
      newSource: null,
    });
    const slack = receiver.to('/slack').map((request) => request.body).find((body) => body.includes('oss')) ?? '';
    const slackBody = JSON.parse(slack) as { text: string; blocks: { type: string; text?: { text: string } }[] };
    expect(slackBody.blocks[0]?.text?.text).toContain('<https://example.org/oss|An open-source model &amp; its open weights for machines &lt;7B>');
    expect(JSON.stringify(slackBody.blocks[1])).toContain(`Thèmes${N}: Open source`);
    const discord = bodies('/discord').find((body) => JSON.stringify(body).includes('oss')) as { content: string; embeds: { title: string; fields: { name: string }[] }[]; allowed_mentions: unknown };
    expect(discord.content).toBe('Nouvel article');
    expect(discord.allowed_mentions).toEqual({ parse: [] });
    expect(discord.embeds[0]?.title).toBe(OSS_TITLE);
    expect(discord.embeds[0]?.fields.map((field) => field.name)).toEqual(['Thèmes', 'Sources']);
    // Matrix: PUT to …/send/m.room.message/{txnId}, with the access token, an m.notice with escaped HTML.
    const matrix = receiver.to('/_matrix/');
    expect(matrix.every((request) => request.method === 'PUT' && /\/send\/m\.room\.message\/veille-[0-9a-f]{32}$/.test(request.path))).toBe(true);
    expect(matrix[0]?.headers.authorization).toBe('Bearer matrix-token');
    const html = bodies('/_matrix/').map((body) => body.formatted_body as string).find((text) => text.includes('oss')) ?? '';
    expect(html).toContain('<a href="https://example.org/oss">An open-source model &amp; its open weights for machines &lt;7B</a>');
    expect(bodies('/_matrix/')[0]).toMatchObject({ msgtype: 'm.notice', format: 'org.matrix.custom.html' });
    // ntfy: JSON published to the server's root, the topic in the body.
    expect(receiver.to('/ntfy/').every((request) => request.path === '/ntfy/' || request.path === '/')).toBe(true);
    expect(bodies('/ntfy/')[0]).toMatchObject({ topic: 'veille-ia', title: 'Nouvel article' });
  });

  it('sends nothing again for stories already notified', async () => {
    const before = receiver.received.length;
    now = new Date(T0.getTime() + 30 * MINUTE);
    await project.run(now, { force: true });
    expect(receiver.received.length - before).toBe(receiver.received.slice(before).filter((request) => request.path === '/guarded').length);
  });

  it('tells the targets that ask when a story gains a source, with a key of its own', async () => {
    blogItems = [{ ...FL, title: 'Apprentissage fédéré à l’AAAI 2025', guid: 'blog-fluid', date: 'Sun, 06 Dec 2026 08:30:00 GMT', description: 'Un billet sur l’apprentissage fédéré et l’atelier FLUID.' }];
    const before = receiver.received.length;
    now = new Date(T0.getTime() + HOUR);
    await project.run(now, { force: true });
    const fresh = receiver.received.slice(before).filter((request) => !request.path.startsWith('/guarded'));
    expect(fresh.map((request) => request.path)).toEqual(['/all-json']);
    const body = JSON.parse(fresh[0]?.body ?? '{}') as { type: string; key: string; text: string; newSource: string };
    expect(body.type).toBe('story.source');
    expect(body.text).toBe(`Nouvelle source${N}: Le blog`);
    expect(fresh[0]?.headers['idempotency-key']).toBe(body.key);
    expect(body.key.startsWith(`${storyGuid(FL.link)}#`)).toBe(true);
  });
});
