// The step after publishing (issue 21): the stories first seen since the last step are queued for
// each webhook whose themes they match (and, for targets that ask, the stories that gained a
// source), then what is due is sent, signed. A row leaves the queue only on a 2xx answer: at least
// once, with the same idempotency key and body on every attempt. A failing target backs off and,
// after a day of failures, is paused until `veille notify test` gets through.
import type { App } from './app.js';
import type { Config, NotifyTargetConfig } from '../config/load-config.js';
import { describeError, VeilleError } from '../domain/errors.js';
import type { NotifyEvent, NotifyTargetState, RenderedNotification } from '../domain/notify.js';
import type { Clock, Logger } from '../domain/ports.js';
import type { SiteLocale } from '../domain/site-locale.js';
import type { SourceRecord } from '../domain/source.js';
import { creditedMembers, leadTelling } from '../domain/story-view.js';
import type { StoredItem, StoredStory } from '../domain/story.js';
import type { FetchPolicy } from '../fetch/fetch-feed.js';
import { createHttpClient, type HttpClient } from '../fetch/http-client.js';
import { notificationRequest, renderNotification } from '../notify/messages.js';
import { sendNotification, shownTarget, type SendResult } from '../notify/send.js';
import type { QueuedNotification } from '../store/notify-store.js';
import type { Store } from '../store/store.js';
import type { Taxonomy } from '../tag/taxonomy.js';

/** A story whose newest new member was published longer ago than this is back-catalogue, not news. */
export const NOTIFY_MAX_AGE_MS = 2 * 24 * 3_600_000;
/** A target failing this long is paused. */
export const NOTIFY_PAUSE_AFTER_MS = 24 * 3_600_000;
/** A failing target's back-off: doubling from a minute with each failure in a row, at most six hours. */
const FIRST_RETRY_MS = 60_000;
const MAX_RETRY_MS = 6 * 3_600_000;
/** Notifications sent per target and step at most; the rest wait for the next step. */
const MAX_PER_STEP = 500;

export interface NotifyDeps {
  readonly config: Config;
  readonly store: Store;
  readonly taxonomy: Taxonomy;
  readonly locale: SiteLocale;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly env: NodeJS.ProcessEnv;
  readonly userAgent: string;
  /** Timeouts and private-host exceptions (fetch.allowPrivateHosts); the address policy is the target's. */
  readonly policy: FetchPolicy;
}

export interface NotifySummary {
  readonly queued: number;
  readonly sent: number;
  readonly failed: number;
  /** Targets paused (failing for a day) or without their secret: their queue waits. */
  readonly waitingTargets: readonly string[];
}

export const NO_NOTIFY: NotifySummary = Object.freeze({ queued: 0, sent: 0, failed: 0, waitingTargets: [] });

/** The step's dependencies from the app. */
export function notifyDepsOf(app: App): NotifyDeps {
  return {
    config: app.config,
    store: app.store,
    taxonomy: app.taxonomy,
    locale: app.locale,
    clock: app.clock,
    logger: app.logger,
    env: app.env,
    userAgent: app.userAgent,
    policy: app.fetchPolicy.trusted,
  };
}

/** The notifications of the stories first seen since the cursor, queued in one transaction with the cursor's move. */
export function queueNewStories(deps: NotifyDeps, startedAt: Date): number {
  const { config, store, clock } = deps;
  const now = clock.now();
  // The first step after notify is configured starts at this cycle: the stored past is not news.
  const since = store.notify().cursor() ?? new Date(startedAt.getTime() - 1).toISOString();
  const until = now.toISOString();
  const sources = new Map(store.listSources({ activeOnly: true }).map((source) => [source.id, source]));
  const labels = new Map(deps.taxonomy.themes.map((theme) => [theme.id, theme.label]));
  const queue: QueuedNotification[] = [];
  for (const story of store.notify().storiesSeenBetween(since, until)) {
    const event = storyEvent(story, since, now, { sources, labels, locale: deps.locale });
    if (event === null) continue;
    for (const target of config.notify) {
      if (event.type === 'story.source' && !target.onNewSource) continue;
      if (target.themes !== null && !event.story.themes.some((theme) => target.themes?.includes(theme.id))) continue;
      const rendered = renderNotification(event, target, deps.locale);
      queue.push({ target: target.name, key: event.key, event: event.type === 'story.source' ? 'story.source' : 'story.new', storyGuid: event.story.guid, body: rendered.body });
    }
  }
  return store.notify().enqueue(queue, until, until);
}

interface EventContext {
  readonly sources: ReadonlyMap<number, SourceRecord>;
  readonly labels: ReadonlyMap<string, string>;
  readonly locale: SiteLocale;
}

/** What a story seen after `since` is news of: a new story, a source joining it, or nothing (old news). */
export function storyEvent(story: StoredStory, since: string, now: Date, context: EventContext): NotifyEvent | null {
  const fresh = story.members.filter((member) => member.firstSeenAt > since);
  const earlier = story.members.filter((member) => member.firstSeenAt <= since);
  const newest = Math.max(...fresh.map((member) => Date.parse(member.publishedAt)));
  if (fresh.length === 0 || now.getTime() - newest > NOTIFY_MAX_AGE_MS) return null;
  const known = new Set(earlier.map((member) => member.sourceId));
  const joining = fresh.find((member) => !known.has(member.sourceId));
  if (earlier.length > 0 && joining === undefined) return null; // an item of a source the story has already
  const lead = leadTelling(story.members, context.locale) ?? story.members[0];
  if (lead === undefined) return null;
  const sourceName = (member: StoredItem) => nameOf(context.sources.get(member.sourceId));
  // In the taxonomy's order, as the pages list them.
  const tagged = new Set(story.members.flatMap((member) => member.themes.map((theme) => theme.id)));
  const themeIds = [...context.labels.keys()].filter((id) => tagged.has(id));
  return {
    type: earlier.length === 0 ? 'story.new' : 'story.source',
    key: earlier.length === 0 || joining === undefined ? story.guid : `${story.guid}#${joining.id}`,
    story: {
      guid: story.guid,
      title: lead.title,
      url: lead.link,
      summary: lead.summary,
      language: lead.language,
      publishedAt: lead.publishedAt,
      themes: themeIds.map((id) => ({ id, label: context.labels.get(id) ?? id })),
      sources: creditedMembers(story.members, (member) => member.sourceId).map((member) => ({ name: sourceName(member), url: member.link })),
    },
    newSource: earlier.length === 0 || joining === undefined ? null : sourceName(joining),
  };
}

function nameOf(source: SourceRecord | undefined): string {
  if (source === undefined) return '?';
  if (source.name !== null) return source.name;
  if (source.feedTitle !== null) return source.feedTitle;
  try {
    return new URL(source.url).hostname;
  } catch {
    return source.url;
  }
}

/**
 * Sends each target's queued notifications in order; a target's first failure ends its turn (the
 * rest wait). `signal`: the worker stops; no new request starts, the queue keeps the rest.
 */
export async function deliverDue(deps: NotifyDeps, signal?: AbortSignal): Promise<Omit<NotifySummary, 'queued'>> {
  const { config, store, clock, logger } = deps;
  const states = new Map(store.notify().targetStates(config.notify.map((target) => target.name)).map((state) => [state.name, state]));
  const client = createHttpClient(deps.policy);
  let sent = 0;
  let failed = 0;
  const waitingTargets: string[] = [];
  try {
    await Promise.all(
      config.notify.map(async (target) => {
        const state = states.get(target.name);
        if (state?.pausedAt != null) {
          if (state.pending > 0) waitingTargets.push(target.name);
          return;
        }
        if (state?.retryAt != null && state.retryAt > clock.now().toISOString()) return;
        let secrets: Secrets;
        try {
          secrets = readSecrets(target, config, deps.env, deps.taxonomy);
        } catch (error) {
          waitingTargets.push(target.name);
          store.notify().noteError(target.name, describeError(error));
          logger.error({ target: target.name }, describeError(error));
          return;
        }
        for (const delivery of store.notify().pending(target.name, MAX_PER_STEP)) {
          if (signal?.aborted === true) break;
          const result = await sendNotification(client, requestOf(target, delivery.key, delivery.body), {
            ...secrets,
            key: delivery.key,
            event: delivery.event,
            userAgent: deps.userAgent,
            now: clock.now(),
            untrusted: !target.allowPrivate,
            timeoutMs: target.timeoutMs,
            name: target.name,
          });
          const now = clock.now();
          if (result.ok) {
            store.notify().markSent(delivery, now.toISOString());
            sent += 1;
            continue;
          }
          failed += 1;
          const wait = Math.max(Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (state?.failures ?? 0)), Math.min(result.retryAfterMs ?? 0, MAX_RETRY_MS));
          const after = store.notify().markFailed(delivery, {
            error: result.error ?? `notify: ${target.name}: failed`,
            retryAt: new Date(now.getTime() + wait).toISOString(),
            now: now.toISOString(),
            pauseBefore: new Date(now.getTime() - NOTIFY_PAUSE_AFTER_MS).toISOString(),
          });
          logger.warn({ target: target.name, key: delivery.key, attempts: delivery.attempts + 1, paused: after.pausedAt !== null }, result.error ?? 'notify: failed');
          if (after.pausedAt !== null) waitingTargets.push(target.name);
          break;
        }
      }),
    );
  } finally {
    await client.close();
  }
  return { sent, failed, waitingTargets };
}

interface Secrets {
  readonly secret: string;
  readonly token: string | null;
}

/**
 * The target's secret (and token) from the environment; a missing one, or a theme the taxonomy does
 * not have, is a config error naming where.
 */
export function readSecrets(target: NotifyTargetConfig, config: Pick<Config, 'file' | 'notify'>, env: NodeJS.ProcessEnv, taxonomy: Pick<Taxonomy, 'themes' | 'file'>): Secrets {
  const index = config.notify.findIndex((candidate) => candidate.name === target.name);
  const unknown = (target.themes ?? []).filter((id) => !taxonomy.themes.some((theme) => theme.id === id));
  if (unknown.length > 0) {
    throw new VeilleError(
      'CONFIG_INVALID',
      `config: ${config.file}: notify[${index}].themes: no theme ${unknown.map((id) => `"${id}"`).join(', ')} in ${taxonomy.file} (its themes: ${taxonomy.themes.map((theme) => theme.id).join(', ')})`,
    );
  }
  const missing = (key: string, variable: string, what: string) =>
    new VeilleError('CONFIG_INVALID', `config: ${config.file}: notify[${index}].${key}: the environment variable ${variable} is not set (${what} of the webhook "${target.name}")`);
  const secret = env[target.secretEnv];
  if (secret === undefined || secret === '') throw missing('secretEnv', target.secretEnv, 'the signing secret');
  if (target.tokenEnv === null) return { secret, token: null };
  const token = env[target.tokenEnv];
  if (token === undefined || token === '') throw missing('tokenEnv', target.tokenEnv, 'the access token');
  return { secret, token };
}

/** The request for a queued body: method and URL from the target's config as it is now. */
function requestOf(target: NotifyTargetConfig, key: string, body: string): RenderedNotification {
  return { ...notificationRequest(target, key), body };
}

export interface TestNotification {
  readonly target: NotifyTargetConfig;
  readonly sent: RenderedNotification;
  readonly result: SendResult;
}

/**
 * `veille notify test NAME`: a sample in the target's format, signed like the others, with a key of
 * its own; its answer is recorded, and a success resumes a paused target.
 */
export async function sendTestNotification(deps: NotifyDeps, name: string): Promise<TestNotification> {
  const { config, store, clock, locale } = deps;
  const target = config.notify.find((candidate) => candidate.name === name);
  if (target === undefined) {
    const known = config.notify.map((candidate) => candidate.name);
    throw new VeilleError('USAGE', `notify test: no notify target named "${name}" in ${config.file} (${known.length === 0 ? 'notify: is empty' : `configured: ${known.join(', ')}`})`);
  }
  const secrets = readSecrets(target, config, deps.env, deps.taxonomy);
  const now = clock.now();
  const themes = deps.taxonomy.themes.slice(0, 2).map((theme) => ({ id: theme.id, label: theme.label }));
  const event: NotifyEvent = {
    type: 'test',
    key: `urn:veille:test:${now.toISOString()}`,
    story: {
      guid: `urn:veille:test:${now.toISOString()}`,
      title: locale.words.notifyTestText,
      url: config.site.url,
      summary: '',
      language: locale.language,
      publishedAt: now.toISOString(),
      themes,
      sources: [{ name: config.site.title, url: config.site.url }],
    },
    newSource: null,
  };
  const sent = renderNotification(event, target, locale);
  const client: HttpClient = createHttpClient(deps.policy);
  let result: SendResult;
  try {
    result = await sendNotification(client, sent, { ...secrets, key: event.key, event: 'test', userAgent: deps.userAgent, now, untrusted: !target.allowPrivate, timeoutMs: target.timeoutMs, name: target.name });
  } finally {
    await client.close();
  }
  if (result.ok) store.notify().noteSuccess(target.name, clock.now().toISOString());
  else store.notify().noteFailure(target.name, result.error ?? `notify: ${target.name}: failed`, clock.now().toISOString());
  return { target, sent, result };
}

/** The targets' health for status and /metrics: paused, pending, last error. */
export function notifyTargetStates(config: Pick<Config, 'notify'>, store: Store): NotifyTargetState[] {
  return store.notify().targetStates(config.notify.map((target) => target.name));
}

export { shownTarget };
