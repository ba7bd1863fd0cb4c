// The one schema of config/veille.yaml: every key, its default and its validation.
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import type * as Zod from 'zod';
import { NOTIFY_FORMATS } from '../domain/notify.js';
import { DEFAULT_SITE_LANGUAGE } from '../domain/site-locale.js';
import { explainCronExpression } from '../schedule/cron.js';
import { checkPostgresUrl } from '../store/storage-location.js';
import { lazySchema } from '../system/lazy-package.js';

/** The schema, built by the first call (lazySchema: zod is loaded then). */
export const configSchema = lazySchema(buildConfigSchema);

function buildConfigSchema(z: typeof Zod.z) {
  const httpUrl = z.string().refine(isHttpUrl, { message: 'expected an http(s) URL' });

  const cronExpression = z.string().superRefine((value, context) => {
    const reason = explainCronExpression(value);
    if (reason !== null) context.addIssue({ code: 'custom', message: `expected a cron expression (${reason})` });
  });

  const timeZone = z.string().refine(isTimeZone, { message: 'expected an IANA time zone such as Europe/Paris' });

  const languageTag = z
    .string()
    .regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/, { message: 'expected a language tag such as fr or en' });

  const sourceSchema = z.strictObject({
    url: httpUrl,
    name: z.string().min(1).optional(),
    lang: languageTag.optional(),
    /** Fetch the article page: auto (when the feed carries a teaser), always (and publish it), never. */
    fullText: z.enum(['auto', 'always', 'never']).optional(),
  });

  const siteSchema = z.strictObject({
    title: z.string().min(1).default('Veille IA'),
    description: z.string().default('L’actualité de l’intelligence artificielle, en français, par thème.'),
    url: httpUrl.default('http://127.0.0.1:8080/'),
    language: languageTag.default(DEFAULT_SITE_LANGUAGE),
    timezone: timeZone.default('Europe/Paris'),
  });

  const privateHostEntry = z.string().refine(isHostOrRange, {
    message: 'expected a host name, an IP address or a CIDR range such as 10.0.0.0/8',
  });

  const fetchSchema = z.strictObject({
    userAgent: z.string().min(1).optional(),
    connectTimeoutMs: z.number().int().positive().default(10_000),
    headersTimeoutMs: z.number().int().positive().default(15_000),
    bodyTimeoutMs: z.number().int().positive().default(30_000),
    maxBytes: z.number().int().positive().default(10 * 1024 * 1024),
    maxRedirects: z.number().int().min(0).max(20).default(5),
    concurrency: z.number().int().positive().max(256).default(16),
    perHostConcurrency: z.number().int().positive().max(32).default(2),
    perHostDelayMs: z.number().int().min(0).default(250),
    minIntervalMinutes: z.number().int().min(0).default(15),
    maxIntervalMinutes: z.number().int().positive().default(24 * 60),
    /** Where URLs that do not come from the config (links found in pages or items) may still go. */
    allowPrivateHosts: z.array(privateHostEntry).default([]),
    /** A source with no new item for this many days is reported stale. */
    staleAfterDays: z.number().int().positive().max(3650).default(30),
    /** After a stop signal, how long the worker lets fetches in flight finish before abandoning them. */
    stopGraceMs: z.number().int().min(0).max(300_000).default(20_000),
  });

  const recipientSchema = z.strictObject({
    address: z.email({ message: 'expected an email address' }),
    themes: z.array(z.string().min(1)).optional(),
  });

  const emailSchema = z.strictObject({
    from: z.string().min(3).default('Veille IA <veille@localhost>'),
    recipients: z.array(recipientSchema).default([]),
    smtp: z
      .strictObject({
        host: z.string().min(1),
        port: z.number().int().min(1).max(65_535).default(587),
        secure: z.boolean().default(false),
        user: z.string().optional(),
        passwordEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'expected an environment variable name' }).optional(),
        /** With secure false: refuse a server that does not offer STARTTLS. */
        requireTls: z.boolean().default(true),
        timeoutMs: z.number().int().positive().default(30_000),
      })
      .optional(),
    outbox: z.string().min(1).default('../data/outbox'),
    unsubscribeUrl: httpUrl.optional(),
    /** Tries per message on a transient SMTP failure; the wait doubles from delayMs. */
    retry: z
      .strictObject({
        attempts: z.number().int().min(1).max(10).default(4),
        delayMs: z.number().int().min(0).default(5_000),
      })
      .prefault({}),
  });

  const digestSchema = z.strictObject({
    /** An empty week: a short issue saying so, or no issue at all. */
    emptyWeek: z.enum(['short', 'skip']).default('short'),
    /** Stories shown per theme; the rest are counted and left to the web page's feeds. */
    maxStoriesPerTheme: z.number().int().positive().max(1_000).default(25),
    /** Stories with no theme go to a last section, "Autres sujets". */
    includeUnthemed: z.boolean().default(true),
  });

  const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'expected an environment variable name' });

  /** The default glossary: the digest's own vocabulary, so that a translated title says what its theme says. */
  const DEFAULT_GLOSSARY = [
    { source: 'federated learning', target: 'apprentissage fédéré' },
    { source: 'federated analytics', target: 'analyse fédérée' },
    { source: 'differential privacy', target: 'confidentialité différentielle' },
    { source: 'privacy', target: 'confidentialité' },
    { source: 'open source', target: 'open source' },
    { source: 'open-source', target: 'open source' },
    { source: 'open weights', target: 'poids ouverts' },
    { source: 'large language model', target: 'grand modèle de langage' },
    { source: 'machine learning', target: 'apprentissage automatique' },
    { source: 'AI Act', target: 'AI Act' },
    { source: 'prompt injection', target: 'injection de prompt' },
    { source: 'artificial intelligence', target: 'intelligence artificielle' },
    { source: 'AI', target: 'IA' },
  ];

  const translateSchema = z
    .strictObject({
      provider: z.enum(['none', 'libretranslate', 'deepl', 'openai']).default('none'),
      /** The provider's base URL: LibreTranslate's, DeepL's (default by key: api-free.deepl.com for ":fx" keys), an OpenAI-compatible server's. */
      url: z.union([z.literal(''), httpUrl]).default(''),
      /** The chat model (openai); DeepL and LibreTranslate have none. */
      model: z.string().default(''),
      /** The environment variable that holds the API key ('' for none). */
      apiKeyEnv: z.union([z.literal(''), envName]).default(''),
      /** Terms and how they must read in the target language, given to the provider and checked on its output. */
      glossary: z.array(z.strictObject({ source: z.string().trim().min(1), target: z.string().trim().min(1) })).default(DEFAULT_GLOSSARY),
      /** What one cycle (or one digest run) may spend; the rest waits for the next one. */
      budget: z
        .strictObject({
          characters: z.number().int().min(0).default(50_000),
          requests: z.number().int().min(0).default(200),
        })
        .prefault({}),
      /** Items published in the last days are translated (newest first); older ones are left as they are. */
      maxAgeDays: z.number().int().positive().max(365).default(8),
      timeoutMs: z.number().int().positive().default(30_000),
      /** Tries per request on 429, 5xx and timeouts; the wait doubles from delayMs, or follows Retry-After. */
      retry: z
        .strictObject({
          attempts: z.number().int().min(1).max(10).default(3),
          delayMs: z.number().int().min(0).default(2_000),
        })
        .prefault({}),
    })
    .superRefine((value, context) => {
      const need = (key: 'url' | 'model' | 'apiKeyEnv', what: string): void => {
        if (value[key] === '') context.addIssue({ code: 'custom', path: [key], message: `expected ${what} (required with provider ${value.provider})` });
      };
      if (value.provider === 'libretranslate') need('url', "the LibreTranslate server's URL");
      if (value.provider === 'deepl') need('apiKeyEnv', 'the name of the environment variable that holds the DeepL key');
      if (value.provider === 'openai') {
        need('url', "the server's base URL, such as http://127.0.0.1:11434/v1");
        need('model', 'the model name');
      }
    });

  /**
   * Résumés of stories with a member not in the site's language (issue 16): any OpenAI-compatible
   * chat server. `prompt` '' takes the built-in one in the site's language (src/summarize/prompt.ts).
   */
  const summarizeSchema = z
    .strictObject({
      provider: z.enum(['none', 'openai']).default('none'),
      /** The server's base URL, such as http://127.0.0.1:11434/v1 (Ollama). */
      url: z.union([z.literal(''), httpUrl]).default(''),
      model: z.string().default(''),
      /** The environment variable that holds the API key ('' for none). */
      apiKeyEnv: z.union([z.literal(''), envName]).default(''),
      minWords: z.number().int().min(10).max(2_000).default(60),
      maxWords: z.number().int().min(20).max(2_000).default(220),
      /** The instructions given to the model; '' for the default. */
      prompt: z.string().default(''),
      /** A story that gained a member is summarised again at most once per this many hours. */
      refreshHours: z.number().min(0).max(24 * 365).default(24),
      /** Stories with a member published in the last days are summarised (newest first). */
      maxAgeDays: z.number().int().positive().max(365).default(8),
      /** What one run and one day may spend; the rest waits. */
      budget: z
        .strictObject({
          requests: z.number().int().min(0).default(40),
          characters: z.number().int().min(0).default(400_000),
          requestsPerDay: z.number().int().min(0).default(400),
          charactersPerDay: z.number().int().min(0).default(4_000_000),
        })
        .prefault({}),
      timeoutMs: z.number().int().positive().default(120_000),
      retry: z
        .strictObject({
          attempts: z.number().int().min(1).max(10).default(2),
          delayMs: z.number().int().min(0).default(2_000),
        })
        .prefault({}),
    })
    .superRefine((value, context) => {
      if (value.provider === 'none') return;
      if (value.url === '') context.addIssue({ code: 'custom', path: ['url'], message: "expected the server's base URL, such as http://127.0.0.1:11434/v1 (required with provider openai)" });
      if (value.model === '') context.addIssue({ code: 'custom', path: ['model'], message: 'expected the model name (required with provider openai)' });
      if (value.minWords > value.maxWords) context.addIssue({ code: 'custom', path: ['minWords'], message: `expected at most maxWords (${value.maxWords})` });
    });

  /** The Matrix client-server API's send endpoint, the transaction id left for veille to add. */
  const MATRIX_SEND_PATH = /\/_matrix\/client\/(v3|r0)\/rooms\/[^/]+\/send\/m\.room\.message\/?$/;

  /**
   * A webhook for new stories (issue 21): signed with the secret in `secretEnv`, in the form its
   * `format` expects; `allowPrivate` lets it be on loopback or a private network.
   */
  const notifyTargetSchema = z
    .strictObject({
      name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { message: 'expected a short name of letters, digits, ".", "_" or "-"' }),
      url: httpUrl,
      format: z.enum(NOTIFY_FORMATS, { message: `expected one of ${NOTIFY_FORMATS.join(', ')}` }),
      /** Theme ids; absent: every story. */
      themes: z.array(z.string().min(1)).min(1).optional(),
      /** The environment variable holding the HMAC-SHA256 signing secret. */
      secretEnv: envName,
      /** Matrix (required): the access token's environment variable; ntfy (optional): a bearer token's. */
      tokenEnv: envName.optional(),
      /** Also notify a story that gains a source. */
      onNewSource: z.boolean().default(false),
      /** The URL may be on loopback or a private network (the address policy is not applied to it). */
      allowPrivate: z.boolean().default(false),
      timeoutMs: z.number().int().positive().max(120_000).default(10_000),
    })
    .superRefine((target, context) => {
      if (!isHttpUrl(target.url)) return;
      const path = new URL(target.url).pathname;
      if (target.format === 'matrix') {
        if (!MATRIX_SEND_PATH.test(path)) {
          context.addIssue({ code: 'custom', path: ['url'], message: 'expected a Matrix send URL such as https://matrix.example.org/_matrix/client/v3/rooms/!room:example.org/send/m.room.message' });
        }
        if (target.tokenEnv === undefined) context.addIssue({ code: 'custom', path: ['tokenEnv'], message: "expected the name of the environment variable that holds the Matrix access token (required with format matrix)" });
      }
      if (target.format === 'ntfy' && /\/$/.test(path)) {
        context.addIssue({ code: 'custom', path: ['url'], message: 'expected an ntfy topic URL such as https://ntfy.sh/my-topic' });
      }
    });

  /**
   * The state: a SQLite file (`path`, the default) or a PostgreSQL database (`url`, its password in
   * the environment variable `passwordEnv`, never in the file). The SQLite path also places the
   * data folder (locks, caches) when the state is in PostgreSQL.
   */
  const storageSchema = z
    .strictObject({
      path: z.string().min(1).optional(),
      url: z
        .string()
        .superRefine((value, context) => {
          const problem = checkPostgresUrl(value);
          if (problem !== null) context.addIssue({ code: 'custom', message: `expected postgres://user@host:port/database: ${problem}` });
        })
        .optional(),
      passwordEnv: envName.optional(),
    })
    .superRefine((value, context) => {
      if (value.url !== undefined && value.path !== undefined) {
        context.addIssue({ code: 'custom', path: ['url'], message: 'give path (SQLite) or url (PostgreSQL), not both' });
      }
      if (value.passwordEnv !== undefined && value.url === undefined) {
        context.addIssue({ code: 'custom', path: ['passwordEnv'], message: 'only used with url (PostgreSQL)' });
      }
    })
    .prefault({});

  return z.strictObject({
    site: siteSchema.prefault({}),
    sources: z.union([z.array(sourceSchema), z.strictObject({ opml: z.string().min(1) })]).default([]),
    themes: z.string().min(1).default('themes.yaml'),
    storage: storageSchema,
    publish: z
      .strictObject({
        dir: z.string().min(1).default('../public'),
        maxItems: z.number().int().positive().max(10_000).default(100),
        /**
         * WebSub (https://www.w3.org/TR/websub/): `hub` (one URL or a list) is declared in every
         * published feed and pinged when a feed's bytes change; sources whose feeds declare a hub are
         * subscribed to when `server.publicUrl` is set and `subscribe` is on.
         */
        websub: z
          .strictObject({
            hub: z
              .union([httpUrl, z.array(httpUrl)])
              .default([])
              .transform((value) => (typeof value === 'string' ? [value] : value)),
            subscribe: z.boolean().default(true),
            /** The lease asked of a source's hub (§5.1 hub.lease_seconds); the hub may grant another. */
            leaseSeconds: z.number().int().min(60).max(365 * 24 * 3600).default(10 * 24 * 3600),
          })
          .prefault({}),
      })
      .prefault({}),
    server: z
      .strictObject({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65_535).default(8080),
        /**
         * The public base URL of this server as readers and other servers reach it (behind a proxy,
         * say https://veille.example.org/): WebSub callbacks, unsubscribe and sign-up links.
         * Unset: none of those is offered.
         */
        publicUrl: httpUrl
          .refine((value) => !/[?#]/.test(value), { message: 'expected a base URL without query or fragment' })
          .transform((value) => (value.endsWith('/') ? value : `${value}/`))
          .optional(),
      })
      .prefault({}),
    schedule: z
      .strictObject({ fetch: cronExpression.default('*/30 * * * *'), digest: cronExpression.default('0 7 * * 1') })
      .prefault({}),
    fetch: fetchSchema.prefault({}),
    email: emailSchema.prefault({}),
    digest: digestSchema.prefault({}),
    translate: translateSchema.prefault({}),
    processing: z
      .strictObject({
        threads: z.number().int().min(1).max(16).default(defaultThreads()),
        /** One feed's parsing and cleaning may take this, plus parseTimeoutMsPerMiB per MiB of its text. */
        parseTimeoutMs: z.number().int().positive().max(3_600_000).default(5_000),
        parseTimeoutMsPerMiB: z.number().int().min(0).max(3_600_000).default(3_000),
      })
      .prefault({}),
    /** The article pages of teaser items (sources[].fullText): how many, how big, what a teaser is. */
    fullText: z
      .strictObject({
        /** Article pages fetched per cycle at most; the others wait for the next cycle. */
        maxPerCycle: z.number().int().min(0).max(10_000).default(30),
        /** An item whose feed text has fewer words than this is a teaser. */
        teaserWords: z.number().int().min(0).max(10_000).default(80),
        /** Phrases that end a teaser ("Read more", "[…]"), case and accents folded; default: a built-in list. */
        readMore: z.array(z.string().trim().min(1)).optional(),
        /** Cap on an article page's body (the feeds' cap is fetch.maxBytes). */
        maxBytes: z.number().int().positive().default(2 * 1024 * 1024),
        /** Items first seen in the last days are considered; older ones are left as they are. */
        maxAgeDays: z.number().int().positive().max(365).default(3),
      })
      .prefault({}),
    log: z.strictObject({ level: z.enum(['debug', 'info', 'warn', 'error']).default('info') }).prefault({}),
    summarize: summarizeSchema.prefault({}),
    notify: z
      .array(notifyTargetSchema)
      .default([])
      .superRefine((targets, context) => {
        const seen = new Set<string>();
        targets.forEach((target, index) => {
          if (seen.has(target.name)) context.addIssue({ code: 'custom', path: [index, 'name'], message: `"${target.name}" names another target already` });
          seen.add(target.name);
        });
      }),
    /**
     * Public sign-up with double opt-in (issue 23), served with server.publicUrl: GET/POST /subscribe,
     * a confirmation letter whose link is valid confirmDays. The unsubscribe and confirmation links
     * are signed with the secret in secretEnv, or else one made on first use and kept in the store.
     */
    subscribe: z
      .strictObject({
        enabled: z.boolean().default(false),
        secretEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'expected an environment variable name' }).optional(),
        confirmDays: z.number().int().min(1).max(30).default(3),
      })
      .prefault({}),
    /** Several processes on one PostgreSQL (storage.url, `veille start --role`, issue 20). */
    roles: z
      .strictObject({
        /** A fetch job whose worker is silent this long (it died) is taken again by another worker. */
        jobLeaseSeconds: z.number().int().min(2).max(3600).default(120),
        /** How often a standby publisher tries to take over (and the publisher checks its session). */
        electionRetrySeconds: z.number().int().min(1).max(60).default(10),
      })
      .prefault({}),
  });
}

export type ConfigInput = Zod.input<ReturnType<typeof configSchema>>;
export type ParsedConfig = Zod.output<ReturnType<typeof configSchema>>;

/** Parsing threads: one per core beyond the main thread's, at least one, at most four. */
function defaultThreads(): number {
  return Math.min(4, Math.max(1, availableParallelism() - 1));
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function isHostOrRange(value: string): boolean {
  const [network = '', prefix, extra] = value.trim().split('/');
  if (extra !== undefined) return false;
  if (prefix !== undefined) {
    const family = isIP(network);
    return family !== 0 && /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
  }
  return isIP(network) !== 0 || /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/i.test(network);
}

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
