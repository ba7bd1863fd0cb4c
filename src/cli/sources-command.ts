// `veille sources list|add|remove|import|export`: the configured sources, edited in place.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AppSettings } from '../app/app.js';
import { addSource, exportSources, importSources, listSources, removeConfiguredSource, type SourcesChange } from '../app/manage-sources.js';
import { displayPath } from '../config/load-config.js';
import { VeilleError } from '../domain/errors.js';
import { hasSecret, publicUrl } from '../domain/source-url.js';
import { formatTable, type Output } from './output.js';

/** The options `sources` declares (commands.ts). */
export interface SourcesOptions {
  readonly name?: string;
  readonly lang?: string;
  readonly 'no-check'?: boolean;
}

export async function runSourcesCommand(
  app: AppSettings,
  args: readonly string[],
  options: SourcesOptions,
  context: { output: Output; cwd: string },
): Promise<number> {
  const { output } = context;
  const [action, target, ...extra] = args;
  if (extra.length > 0) throw new VeilleError('USAGE', `sources ${action}: unexpected argument "${extra[0]}"`);
  switch (action) {
    case 'list': {
      const { sources, file } = listSources(app.config);
      output.out(formatTable(['NAME', 'LANG', 'URL'], sources.map((s) => [s.name ?? '-', s.lang ?? '-', s.url])));
      output.out(`${sources.length} sources in ${displayPath(file)}\n`);
      return 0;
    }
    case 'add': {
      const url = checkUrl(requireTarget(action, target, 'URL'));
      const { spec, change } = await addSource(app, { url, name: nameOption(options), lang: langOption(options), check: options['no-check'] !== true });
      if (change.added.length === 0) {
        output.out(`already a source: ${publicUrl(spec.url)}\n`);
      } else {
        output.out(`added ${spec.name ?? publicUrl(spec.url)} <${publicUrl(spec.url)}> to ${displayPath(change.file)}\n`);
        warnOfSecrets('sources add', change, output);
      }
      return 0;
    }
    case 'remove': {
      const url = requireTarget(action, target, 'URL');
      const { removed, file } = await removeConfiguredSource(app, url);
      if (!removed) {
        throw new VeilleError('USAGE', `sources remove: no source with the URL ${url} (see "veille sources list")`);
      }
      output.out(`removed ${url} from ${displayPath(file)}\n`);
      return 0;
    }
    case 'import': {
      const file = resolve(context.cwd, requireTarget(action, target, 'FILE.opml'));
      const change = await importSources(app, file);
      output.out(
        `imported ${change.added.length} sources from ${displayPath(file)} into ${displayPath(change.file)}` +
          (change.skipped.length > 0 ? ` (${change.skipped.length} already there)` : '') +
          '\n',
      );
      warnOfSecrets('sources import', change, output);
      return 0;
    }
    case 'export': {
      if (target !== undefined) throw new VeilleError('USAGE', `sources export: unexpected argument "${target}"`);
      output.out(exportSources(app));
      return 0;
    }
    default:
      throw new VeilleError('USAGE', `sources: expected list, add, remove, import or export, got "${action ?? ''}"`);
  }
}

/**
 * A URL with a user name, a password or a token parameter puts a credential into the file: it is
 * never published (publicUrl), but whoever reads the file has it.
 */
function warnOfSecrets(command: string, change: SourcesChange, output: Output): void {
  const withSecrets = change.added.filter((spec) => hasSecret(spec.url));
  if (withSecrets.length === 0) return;
  const file = displayPath(change.file);
  const which = withSecrets.length === 1 ? `${publicUrl(withSecrets[0]?.url ?? '')} holds` : `${withSecrets.length} URLs hold`;
  let readable = false;
  try {
    readable = (statSync(change.file).mode & 0o077) !== 0;
  } catch {
    // the file was just written; if it cannot be read now, say nothing of its permissions
  }
  output.err(
    `${command}: warning: ${which} a secret (a user name and password, or a parameter such as token=); ` +
      `${file} now holds it, and veille never publishes it. Keep ${file} private` +
      (readable ? ` (other users of this machine can read it: chmod 600 ${file})` : '') +
      ' and out of version control.\n',
  );
}

function nameOption(options: SourcesOptions): string | null {
  const name = options.name?.trim();
  return name ? name : null;
}

function langOption(options: SourcesOptions): string | null {
  if (options.lang === undefined) return null;
  if (!/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/.test(options.lang)) {
    throw new VeilleError('USAGE', `sources add: --lang "${options.lang}": expected a language tag such as fr or en`);
  }
  return options.lang;
}

function requireTarget(action: string, target: string | undefined, what: string): string {
  if (target === undefined) throw new VeilleError('USAGE', `sources ${action}: ${what} is required`);
  return target;
}

function checkUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return parsed.href;
  } catch {
    // reported below
  }
  throw new VeilleError('USAGE', `sources add: "${url}" is not an http(s) URL`);
}
