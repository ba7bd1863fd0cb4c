// Webhooks for new stories (issue 21): what a target is, what one notification says, and the
// delivery queue's rows, shared by the notify stage, the store and the app.

export const NOTIFY_FORMATS = ['json', 'slack', 'discord', 'matrix', 'ntfy'] as const;
export type NotifyFormat = (typeof NOTIFY_FORMATS)[number];

/** A configured target (`notify[]`), its secrets read from the environment by the app. */
export interface NotifyTarget {
  readonly name: string;
  readonly url: string;
  readonly format: NotifyFormat;
  /** Theme ids; null: every story. */
  readonly themes: readonly string[] | null;
  /** The environment variable that holds the signing secret. */
  readonly secretEnv: string;
  /** Matrix (required) and ntfy (optional): the environment variable holding the bearer token. */
  readonly tokenEnv: string | null;
  /** Also a story that gains a source. */
  readonly onNewSource: boolean;
  /** The URL may be on loopback or a private network (the address policy is not applied). */
  readonly allowPrivate: boolean;
}

/** story.new: a story first seen; story.source: a story that gained a source; test: `veille notify test`. */
export type NotifyEventType = 'story.new' | 'story.source' | 'test';

/** What a notification tells, in the site's language; rendered per format by src/notify/messages.ts. */
export interface NotifyEvent {
  readonly type: NotifyEventType;
  /** The idempotency key: the story's GUID (story.new), with the new source's item for story.source. */
  readonly key: string;
  readonly story: {
    readonly guid: string;
    readonly title: string;
    readonly url: string | null;
    readonly summary: string;
    readonly language: string | null;
    readonly publishedAt: string;
    readonly themes: readonly { readonly id: string; readonly label: string }[];
    readonly sources: readonly { readonly name: string; readonly url: string | null }[];
  };
  /** story.source: the source that joined. */
  readonly newSource: string | null;
}

/** A notification rendered for its target, as queued: the same bytes go out on every attempt. */
export interface RenderedNotification {
  readonly method: 'POST' | 'PUT';
  /** The URL requested (Matrix: with its transaction id; ntfy: the server's root). */
  readonly url: string;
  readonly contentType: string;
  readonly body: string;
}

/** A row of the delivery queue: its body as rendered when queued; method and URL follow the target's config. */
export interface NotifyDelivery {
  readonly id: number;
  readonly body: string;
  readonly target: string;
  readonly key: string;
  readonly event: NotifyEventType;
  readonly storyGuid: string;
  readonly attempts: number;
}

/** A target's health as the store keeps it. */
export interface NotifyTargetState {
  readonly name: string;
  readonly delivered: number;
  readonly pending: number;
  readonly lastSuccessAt: string | null;
  /** The first failure since the last success; null when the last attempt succeeded. */
  readonly failingSince: string | null;
  /** Attempts failed in a row, and the time before which none is made (the back-off). */
  readonly failures: number;
  readonly retryAt: string | null;
  /** Set once the target failed for notify's pause delay (a day): nothing is sent until `notify test` succeeds. */
  readonly pausedAt: string | null;
  readonly lastError: string | null;
}
