// One notification in the form each kind of target expects (issue 21), words in the site's
// language. Feed text is untrusted: it is escaped for Slack's mrkdwn and Matrix's HTML, Discord
// is told to ping no one, and every field is cut to the target's documented limits.
//   json     veille's own: { type, key, text, story, newSource }
//   slack    incoming webhook: { text, blocks } (api.slack.com/messaging/webhooks)
//   discord  execute webhook: { content, embeds, allowed_mentions } (discord.com/developers/docs/resources/webhook)
//   matrix   client-server API: PUT …/rooms/{roomId}/send/m.room.message/{txnId}, an m.notice
//            with HTML (spec.matrix.org/v1.11/client-server-api/#mroommessage); the transaction id
//            comes from the idempotency key, so the homeserver itself drops a repeat
//   ntfy     JSON publishing: POST to the server's root with { topic, title, message, click, tags }
//            (docs.ntfy.sh/publish/#publish-as-json)
import { createHash } from 'node:crypto';
import type { NotifyEvent, NotifyTarget, RenderedNotification } from '../domain/notify.js';
import type { SiteLocale } from '../domain/site-locale.js';
import { html } from '../publish/html.js';

const JSON_TYPE = 'application/json; charset=utf-8';

export function renderNotification(event: NotifyEvent, target: Pick<NotifyTarget, 'format' | 'url'>, locale: SiteLocale): RenderedNotification {
  const lines = describeEvent(event, locale);
  const body = RENDERERS[target.format](event, lines, target);
  return { ...notificationRequest(target, event.key), body: JSON.stringify(body) };
}

/** How a notification with this key goes to the target: method, URL and type (the body aside). */
export function notificationRequest(target: Pick<NotifyTarget, 'format' | 'url'>, key: string): Omit<RenderedNotification, 'body'> {
  return { method: target.format === 'matrix' ? 'PUT' : 'POST', url: requestUrl(target, key), contentType: JSON_TYPE };
}

/** The URL requested: Matrix's with the transaction id, ntfy's server root (the topic goes in the body). */
export function requestUrl(target: Pick<NotifyTarget, 'format' | 'url'>, key: string): string {
  if (target.format === 'matrix') return `${target.url.endsWith('/') ? target.url.slice(0, -1) : target.url}/${matrixTransactionId(key)}`;
  if (target.format === 'ntfy') return ntfyParts(target.url).root;
  return target.url;
}

/** The topic and the server's root of an ntfy URL such as https://ntfy.sh/veille-ia. */
export function ntfyParts(url: string): { root: string; topic: string } {
  const parsed = new URL(url);
  const segments = parsed.pathname.split('/');
  const topic = decodeURIComponent(segments.pop() ?? '');
  parsed.pathname = `${segments.join('/')}/`;
  parsed.search = '';
  return { root: parsed.href, topic };
}

/** A Matrix transaction id: the same key gives the same id, which the homeserver deduplicates. */
export function matrixTransactionId(key: string): string {
  return `veille-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}

interface EventLines {
  readonly heading: string;
  readonly title: string;
  readonly summary: string;
  /** "Thèmes : Open source et Sécurité"; '' without themes. */
  readonly themes: string;
  readonly sources: string;
  /** The same two lines as [label, names] pairs, for fields (Discord). */
  readonly fields: readonly (readonly [string, string])[];
}

function describeEvent(event: NotifyEvent, locale: SiteLocale): EventLines {
  const { words } = locale;
  const heading =
    event.type === 'story.new'
      ? words.notifyNewStory
      : event.type === 'story.source'
        ? `${words.notifyNewSource}${words.colon}${event.newSource ?? ''}`
        : words.notifyTestTitle;
  const { story } = event;
  const fields: (readonly [string, string])[] = [];
  if (story.themes.length > 0) fields.push([words.themes, locale.join(story.themes.map((theme) => theme.label))]);
  if (story.sources.length > 0) fields.push([words.sources, locale.join(story.sources.map((source) => source.name))]);
  const line = (label: string) => fields.filter(([name]) => name === label).map(([name, names]) => `${name}${words.colon}${names}`).join('');
  return { heading, title: story.title, summary: cut(story.summary, SUMMARY_CHARS), themes: line(words.themes), sources: line(words.sources), fields };
}

/** A summary longer than this is cut: a notification points to the story, it does not carry it. */
const SUMMARY_CHARS = 500;

type Renderer = (event: NotifyEvent, lines: EventLines, target: Pick<NotifyTarget, 'url'>) => unknown;

const RENDERERS: Readonly<Record<NotifyTarget['format'], Renderer>> = {
  json: (event, lines) => ({ type: event.type, key: event.key, text: lines.heading, story: event.story, newSource: event.newSource }),

  slack: (event, lines) => {
    const link = event.story.url === null ? slackText(lines.title) : `<${slackUrl(event.story.url)}|${slackText(lines.title)}>`;
    const details = [lines.themes, lines.sources].filter((line) => line !== '').map(slackText).join(' · ');
    const section = cut([`*${slackText(lines.heading)}*`, link, slackText(lines.summary)].filter((line) => line !== '').join('\n'), 3_000);
    return {
      text: cut(`${lines.heading} — ${lines.title}`, 3_000).replace(/[&<>]/g, (mark) => SLACK_ESCAPES[mark] ?? mark),
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: section } },
        ...(details === '' ? [] : [{ type: 'context', elements: [{ type: 'mrkdwn', text: cut(details, 3_000) }] }]),
      ],
    };
  },

  discord: (event, lines) => {
    const fields = lines.fields.map(([name, value]) => ({ name: cut(name, 256), value: cut(value, 1_024), inline: true }));
    return {
      content: cut(lines.heading, 2_000),
      embeds: [
        {
          title: cut(lines.title, 256),
          ...(event.story.url === null ? {} : { url: event.story.url }),
          ...(lines.summary === '' ? {} : { description: cut(lines.summary, 4_096) }),
          timestamp: event.story.publishedAt,
          ...(fields.length > 0 ? { fields } : {}),
        },
      ],
      // Feed text may say @everyone: no mention pings anyone.
      allowed_mentions: { parse: [] },
    };
  },

  matrix: (event, lines) => {
    const plain = [lines.heading, lines.title, event.story.url ?? '', lines.summary, lines.themes, lines.sources].filter((line) => line !== '');
    const title = event.story.url === null ? html`${lines.title}` : html`<a href="${event.story.url}">${lines.title}</a>`;
    const formatted = html`<p><strong>${lines.heading}</strong><br>${title}</p>${lines.summary === '' ? '' : html`<p>${lines.summary}</p>`}${
      lines.themes === '' && lines.sources === '' ? '' : html`<p><em>${[lines.themes, lines.sources].filter((line) => line !== '').join(' · ')}</em></p>`
    }`;
    return { msgtype: 'm.notice', body: plain.join('\n'), format: 'org.matrix.custom.html', formatted_body: formatted.toString() };
  },

  ntfy: (event, lines, target) => ({
    topic: ntfyParts(target.url).topic,
    title: cut(lines.heading, 250),
    message: cut([lines.title, lines.themes, lines.sources].filter((line) => line !== '').join('\n'), 3_500),
    ...(event.story.url === null ? {} : { click: event.story.url }),
    tags: event.story.themes.map((theme) => theme.id),
  }),
};

const SLACK_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Slack's mrkdwn: &, < and > escaped (api.slack.com/reference/surfaces/formatting#escaping); no control characters. */
function slackText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, '').replace(/[&<>]/g, (mark) => SLACK_ESCAPES[mark] ?? mark);
}

/** A URL inside <…|…>: the marks that would end it percent-encoded. */
function slackUrl(url: string): string {
  return url.replace(/[|<> ]/g, (mark) => encodeURIComponent(mark));
}

/** At most `max` characters (code points), the cut marked with "…". */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const points = Array.from(text);
  return points.length <= max ? text : `${points.slice(0, max - 1).join('').trimEnd()}…`;
}
