// The commands and the options each one takes: one table, read by the argument parser and the
// help text alike. A flag is accepted only by the commands that declare it; anything else is a
// usage error (exit 2) that names the command, shows its usage and, where one is close, the
// option or command that was probably meant.
import { parseArgs } from 'node:util';
import { VeilleError } from '../domain/errors.js';
import { closestWord, didYouMean } from '../system/did-you-mean.js';

export { didYouMean };

type OptionKind = 'string' | 'boolean';

interface OptionSpec {
  readonly type: OptionKind;
  readonly short?: string;
  /** What the value is, for a value that cannot be blank: "--explain needs the text to explain". */
  readonly value?: string;
}

export interface CommandSpec {
  /** "run", or "sources add" for an action of a command with actions. */
  readonly name: string;
  /** The words after the command's name in the help, e.g. "[--week YYYY-Www] [--send]". */
  readonly synopsis: string;
  /** The help's description, one or more lines. */
  readonly summary: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Names of the positional arguments, in order (shown in messages); `?` marks an optional one. */
  readonly positionals: readonly string[];
  /** Options that must be given, with the word shown for their value. */
  readonly required?: Readonly<Record<string, string>>;
  /** Another way to call the command above it, listed in the help only (its options are the command's). */
  readonly variant?: boolean;
}

const flag: OptionSpec = { type: 'boolean' };
const text: OptionSpec = { type: 'string' };

/** Accepted by every command. */
export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  config: text,
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
};

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'run',
    synopsis: '[--force] [--log-format json|text]',
    summary:
      'one cycle: fetch the due sources (all with --force), process, publish; on a\n' +
      'terminal, progress and a summary, else (or with --log-format) log lines',
    options: { force: flag, 'log-format': text },
    positionals: [],
  },
  {
    name: 'start',
    synopsis: '[--role fetch|publish|all] [--log-format json|text]',
    summary:
      'the worker: a cycle now, then on schedule.fetch; serves the publish folder;\n' +
      'logs readable lines on a terminal, JSON lines otherwise (or as --log-format says);\n' +
      'with storage.url, --role fetch takes due sources as jobs, publish is elected (default all)',
    options: { 'log-format': text, role: { type: 'string', value: 'the role (fetch, publish or all)' } },
    positionals: [],
  },
  { name: 'serve', synopsis: '', summary: 'serve the publish folder only', options: {}, positionals: [] },
  {
    name: 'status',
    synopsis: '[--json]',
    summary: 'per-source health: last success, last error, items, next fetch',
    options: { json: flag },
    positionals: [],
  },
  { name: 'sources list', synopsis: '', summary: 'the configured sources', options: {}, positionals: [] },
  {
    name: 'sources add',
    synopsis: 'URL [--name N] [--lang L] [--no-check]',
    summary: "add a feed (a web page's feed is discovered)",
    options: { name: text, lang: text, 'no-check': flag },
    positionals: ['URL'],
  },
  { name: 'sources remove', synopsis: 'URL', summary: 'remove a source', options: {}, positionals: ['URL'] },
  {
    name: 'sources import',
    synopsis: 'FILE.opml',
    summary: 'add the feeds of an OPML file',
    options: {},
    positionals: ['FILE.opml'],
  },
  { name: 'sources export', synopsis: '', summary: 'print the sources as OPML 2.0', options: {}, positionals: [] },
  {
    name: 'tag',
    synopsis: '--explain TEXT',
    summary: 'the themes of a text, with the evidence',
    options: { explain: { type: 'string', value: 'the text to explain, in quotes ("an open-weight model")' } },
    positionals: [],
    required: { explain: 'TEXT' },
  },
  {
    name: 'retag',
    synopsis: '',
    summary: 'apply the taxonomy again to every stored item, then publish',
    options: {},
    positionals: [],
  },
  {
    name: 'eval',
    synopsis: '--labels FILE.jsonl [--json]',
    summary: 'tagging precision, recall and F1 against labelled items',
    options: { labels: { type: 'string', value: 'a file of labelled items, one JSON object a line' }, json: flag },
    positionals: [],
    required: { labels: 'FILE.jsonl' },
  },
  {
    name: 'stories',
    synopsis: '[--since DATE] [--json]',
    summary:
      'the stories (the same news grouped across sources) with a\n' +
      'member since DATE (YYYY-MM-DD or ISO 8601; default: 7 days ago)',
    options: { since: text, json: flag },
    positionals: [],
  },
  {
    name: 'digest',
    synopsis: '[--week YYYY-Www] [--send] [--dry-run] [--force] [--partial]',
    summary:
      'build and publish the weekly issue (default: the last complete\n' +
      'week), send it with --send; --dry-run writes and sends nothing,\n' +
      '--force rebuilds a published issue; a week not over yet is\n' +
      'refused unless --partial',
    options: { week: text, send: flag, 'dry-run': flag, force: flag, resend: text, to: text, partial: flag, withdraw: text },
    positionals: [],
  },
  {
    name: 'digest',
    synopsis: '--resend YYYY-Www --to ADDRESS',
    summary:
      'send a published issue again to one recipient (a delivery\n' +
      'reported uncertain, a lost message); recorded as a resend',
    options: {},
    positionals: [],
    variant: true,
  },
  {
    name: 'extract',
    synopsis: 'URL [--json]',
    summary:
      "what the full-text stage gets from one article page (title, byline,\n" +
      'language, text; --json adds the cleaned HTML), fetched as a cycle would',
    options: { json: flag },
    positionals: ['URL'],
  },
  {
    name: 'summarize',
    synopsis: '--story ID [--dry-run] [--json]',
    summary:
      "write one story's résumé now (ID: a story's GUID from \"veille stories\",\n" +
      'or one of its items) and print the check; --dry-run stores nothing',
    options: { story: text, 'dry-run': flag, json: flag },
    positionals: [],
    required: { story: 'ID' },
  },
  {
    name: 'digest',
    synopsis: '--withdraw YYYY-Www',
    summary: 'take a published issue out of the digest feeds and pages; its\ndelivery log is kept',
    options: {},
    positionals: [],
    variant: true,
  },
  {
    name: 'cron',
    synopsis: '',
    summary:
      'print the crontab lines that run veille without `start`: a cycle on\n' +
      'schedule.fetch and the digest, built and sent, on schedule.digest',
    options: {},
    positionals: [],
  },  {
    name: 'notify test',
    synopsis: 'NAME',
    summary:
      'send a sample to the webhook NAME (notify[].name), signed like the others;\n' +
      'prints what was sent and the answer; a success resumes a paused target',
    options: {},
    positionals: ['NAME'],
  },
  {
    name: 'migrate',
    synopsis: '',
    summary: "create or upgrade the store's schema (storage.path or storage.url) and say\nwhat was done",
    options: {},
    positionals: [],
  },
  {
    name: 'store copy',
    synopsis: '--from A --to B [--force]',
    summary:
      'copy every row of one store into another (A, B: a SQLite file or a\n' +
      'postgres:// URL): same ids, GUIDs and delivery log; a target holding rows\n' +
      'is refused unless --force, which replaces them',
    options: { from: { type: 'string', value: 'a SQLite file or a postgres:// URL' }, to: { type: 'string', value: 'a SQLite file or a postgres:// URL' }, force: flag },
    positionals: [],
    required: { from: 'A', to: 'B' },
  },
  {
    name: 'recipients list',
    synopsis: '',
    summary: "who gets the digest: email.recipients, sign-ups and who left (when, how)",
    options: {},
    positionals: [],
  },
  {
    name: 'recipients add',
    synopsis: 'ADDRESS [--themes ID,ID]',
    summary: 'subscribe an address (again), with these themes or all',
    options: { themes: text },
    positionals: ['ADDRESS'],
  },
  {
    name: 'recipients remove',
    synopsis: 'ADDRESS|TOKEN [--mailto]',
    summary: 'unsubscribe an address (or the token of an unsubscribe mail); --mailto\nrecords that the reader asked by mail',
    options: { mailto: flag },
    positionals: ['ADDRESS|TOKEN'],
  },
  {
    name: 'recipients export',
    synopsis: '',
    summary: 'print every recipient and change as CSV',
    options: {},
    positionals: [],
  },
];

/** The commands that take an action word ("sources add"). */
const ACTION_COMMANDS = new Set(COMMANDS.filter((spec) => spec.name.includes(' ')).map((spec) => spec.name.split(' ')[0] ?? ''));

export type ParsedValues = Readonly<Record<string, string | boolean | undefined>>;

/** The options of one command line, as its command declared them in COMMANDS. */
export type CliOptions = ParsedValues & {
  readonly config?: string;
  readonly json?: boolean;
  readonly force?: boolean;
  readonly explain?: string;
  readonly labels?: string;
  readonly since?: string;
  readonly week?: string;
  readonly send?: boolean;
  readonly resend?: string;
  readonly to?: string;
  readonly 'dry-run'?: boolean;
  readonly name?: string;
  readonly lang?: string;
  readonly 'no-check'?: boolean;
  readonly 'log-format'?: string;
  readonly story?: string;
  readonly partial?: boolean;
  readonly withdraw?: string;
};

export type ParsedCommand =
  | { readonly kind: 'help'; readonly spec: CommandSpec | null }
  | { readonly kind: 'version' }
  | { readonly kind: 'none' }
  | {
      readonly kind: 'command';
      readonly spec: CommandSpec;
      readonly values: ParsedValues;
      /** The positional arguments after the command's name (and its action). */
      readonly args: readonly string[];
    };

/** Reads argv into one command, its options and its arguments; bad usage throws a USAGE error. */
export function parseCommandLine(argv: readonly string[]): ParsedCommand {
  const words = positionalWords(argv);
  const [first, second] = words;
  let spec: CommandSpec | null = null;
  if (first !== undefined && first !== 'help') {
    spec = findCommand(first, second);
  }
  const options = { ...GLOBAL_OPTIONS, ...(spec?.options ?? {}) };
  checkOptionNames(argv, spec, options);

  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (cause) {
    throw usageError(spec, describeParseError(cause, spec), cause);
  }
  const values = parsed.values as ParsedValues;
  for (const [name, option] of Object.entries(options)) {
    const value = values[name];
    if (option.value !== undefined && typeof value === 'string' && value.trim() === '') throw usageError(spec, `--${name} needs ${option.value}`);
  }
  if (values.version === true) return { kind: 'version' };
  if (values.help === true || first === 'help') {
    return { kind: 'help', spec: first === 'help' && second !== undefined ? findCommand(second, parsed.positionals[2]) : spec };
  }
  if (spec === null) return { kind: 'none' };
  const args = parsed.positionals.slice(spec.name.split(' ').length);
  const required = spec.positionals.filter((name) => !name.endsWith('?'));
  if (args.length > spec.positionals.length) {
    throw usageError(spec, `unexpected argument "${args[spec.positionals.length] ?? ''}"`);
  }
  if (args.length < required.length) throw usageError(spec, `${required[args.length] ?? ''} is required`);
  for (const [name, word] of Object.entries(spec.required ?? {})) {
    if (values[name] === undefined) throw usageError(spec, `--${name} ${word} is required`);
  }
  return { kind: 'command', spec, values, args };
}

/** "veille digest [--week YYYY-Www] …": how one command is called. */
export function commandSynopsis(spec: CommandSpec): string {
  return ['veille', spec.name, spec.synopsis].filter((part) => part !== '').join(' ');
}

/** Every way to call a command ("digest" and its --resend variant). */
function formsOf(spec: CommandSpec): CommandSpec[] {
  return COMMANDS.filter((other) => other.name === spec.name);
}

/** "Usage: veille digest …", one line per way to call it. */
function usageLines(spec: CommandSpec): string {
  return formsOf(spec)
    .map((form, index) => `${index === 0 ? 'Usage: ' : '       '}${commandSynopsis(form)}`)
    .join('\n');
}

/** The help of one command: how it is called, what it does, the options every command takes. */
export function commandHelp(spec: CommandSpec): string {
  const summaries = formsOf(spec).map((form) =>
    form.summary
      .split('\n')
      .map((line) => `  ${line}\n`)
      .join(''),
  );
  return `${usageLines(spec)}\n\n${summaries.join('\n')}\nEvery command also takes --config FILE and -h, --help.\n`;
}

/** The usage lines of one command, as the list of commands in the help shows them. */
export function commandUsage(spec: CommandSpec): string {
  const head = `  ${[spec.name, spec.synopsis].filter((part) => part !== '').join(' ')}`;
  const lines = spec.summary.split('\n');
  const column = 32;
  if (head.length < column - 1) {
    return [head.padEnd(column) + lines[0], ...lines.slice(1).map((line) => ' '.repeat(column) + line)].join('\n') + '\n';
  }
  return [head, ...lines.map((line) => ' '.repeat(column) + line)].join('\n') + '\n';
}

/** The positional words of argv, skipping the values of options that take one. */
function positionalWords(argv: readonly string[]): string[] {
  const takesValue = new Set(
    [GLOBAL_OPTIONS, ...COMMANDS.map((spec) => spec.options)].flatMap((options) =>
      Object.entries(options)
        .filter(([, option]) => option.type === 'string')
        .map(([name]) => name),
    ),
  );
  const words: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const token = argv[index] ?? '';
    if (token === '--') {
      words.push(...argv.slice(index + 1));
      break;
    }
    if (token.startsWith('--')) {
      if (!token.includes('=') && takesValue.has(token.slice(2))) index += 1;
    } else if (!token.startsWith('-') || token === '-') {
      words.push(token);
    }
  }
  return words;
}

function findCommand(name: string, action: string | undefined): CommandSpec {
  if (ACTION_COMMANDS.has(name)) {
    const actions = COMMANDS.filter((spec) => spec.name.startsWith(`${name} `)).map((spec) => spec.name.slice(name.length + 1));
    const found = COMMANDS.find((spec) => spec.name === `${name} ${action ?? ''}`);
    if (found) return found;
    const known = `${actions.slice(0, -1).join(', ')} or ${actions.at(-1) ?? ''}`;
    const hint = action === undefined ? '' : didYouMean(action, actions);
    throw new VeilleError('USAGE', `${name}: expected ${known}, got "${action ?? ''}"${hint}\nRun "veille --help" for the commands.`);
  }
  const found = COMMANDS.find((spec) => spec.name === name && spec.variant !== true);
  if (found) return found;
  const names = [...new Set(COMMANDS.map((spec) => spec.name.split(' ')[0] ?? '')), 'help'];
  throw new VeilleError('USAGE', `unknown command "${name}"${didYouMean(name, names)}\nRun "veille --help" for the commands.`);
}

/** Flags that the command does not take: named with the command that does, or the closest one. */
/**
 * A word of several letters after one "-", given to a command that takes arguments, may be an
 * argument that opens with "-" (an unsubscribe token made before such tokens were ruled out): say
 * how to pass it.
 */
function dashedArgumentHint(token: string, spec: CommandSpec | null): string {
  if (spec === null || spec.positionals.length === 0 || token.length <= 3) return '';
  return `; an argument that starts with "-" goes after "--": veille ${spec.name} -- ${token}`;
}

function checkOptionNames(argv: readonly string[], spec: CommandSpec | null, options: Readonly<Record<string, OptionSpec>>): void {
  const shorts = new Map(
    Object.entries(options).flatMap(([name, option]) => (option.short ? [[option.short, name] as const] : [])),
  );
  for (const token of argv) {
    if (token === '--') return;
    if (!token.startsWith('-') || token === '-') continue;
    if (!token.startsWith('--')) {
      for (const letter of token.slice(1)) {
        if (shorts.has(letter)) continue;
        // `-j` for `--json`: the one long option of the command that starts with the letter.
        const longs = Object.keys(options).filter((name) => name.startsWith(letter.toLowerCase()));
        throw usageError(spec, `unknown option -${letter}${longs.length === 1 ? `; did you mean --${longs[0] ?? ''}?` : dashedArgumentHint(token, spec)}`);
      }
      continue;
    }
    const name = token.slice(2).split('=')[0] ?? '';
    if (name in options) continue;
    const owners = [...new Set(COMMANDS.filter((other) => name in other.options).map((other) => other.name))];
    if (spec !== null && owners.length > 0) {
      throw usageError(spec, `--${name} is not an option of ${spec.name} (it belongs to ${owners.join(', ')})`);
    }
    throw usageError(spec, `unknown option --${name}${optionHint(name, spec, options)}`);
  }
}

/**
 * "; did you mean --json?": the command's options first (case aside: `--JSON`); with no command,
 * the options of every command, each named with the commands that take it.
 */
function optionHint(name: string, spec: CommandSpec | null, options: Readonly<Record<string, OptionSpec>>): string {
  const own = didYouMean(name.toLowerCase(), Object.keys(options), '--');
  if (own !== '' || spec !== null) return own;
  const every = [...new Set(COMMANDS.flatMap((other) => Object.keys(other.options)))];
  const meant = closestWord(name.toLowerCase(), every);
  if (meant === null) return '';
  const owners = [...new Set(COMMANDS.filter((other) => meant in other.options).map((other) => other.name))];
  return `; did you mean --${meant} (an option of ${owners.join(', ')})?`;
}

function describeParseError(cause: unknown, spec: CommandSpec | null): string {
  const code = (cause as { code?: unknown }).code;
  const message = cause instanceof Error ? cause.message : String(cause);
  // Node's messages name the option as '--week <value>' or '--json'.
  const option = /'(--?[\w-]+)/.exec(message)?.[1] ?? 'an option';
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const name = option.replace(/^-+/, '');
    const declared = spec?.options[name] ?? GLOBAL_OPTIONS[name];
    return declared?.type === 'boolean' ? `${option} takes no value` : `${option} needs ${declared?.value ?? 'a value'}`;
  }
  return message;
}

function usageError(spec: CommandSpec | null, message: string, cause?: unknown): VeilleError {
  const where = spec === null ? '' : `${spec.name}: `;
  const usage = spec === null ? 'Run "veille --help" for the commands.' : usageLines(spec);
  return new VeilleError('USAGE', `${where}${message}\n${usage}`, cause === undefined ? undefined : { cause });
}
