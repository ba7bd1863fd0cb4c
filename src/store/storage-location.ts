// Where the state lives: a SQLite file (the default) or a PostgreSQL database, as the config's
// `storage` key or a command's `--from`/`--to` names it. A password never travels in a location:
// it is read from the environment variable the location names, when the connection opens.
import { VeilleError } from '../domain/errors.js';

export type StorageLocation =
  | { readonly kind: 'sqlite'; readonly path: string }
  | {
      readonly kind: 'postgres';
      /** postgres://user@host:port/database, without a password. */
      readonly url: string;
      /** The environment variable holding the password; null: none (trust, peer or .pgpass). */
      readonly passwordEnv: string | null;
      /** A schema of its own (tests, several veilles on one database); null: the connection's default. */
      readonly schema?: string | null;
    };

/** True for a postgres:// or postgresql:// URL. */
export function isPostgresUrl(text: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(text);
}

/** Why a PostgreSQL URL cannot be used, or null: it names no password and parses. */
export function checkPostgresUrl(text: string): string | null {
  if (!isPostgresUrl(text)) return 'not a postgres:// or postgresql:// URL';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'not a valid URL';
  }
  if (url.password !== '' || url.searchParams.has('password')) {
    return 'holds a password: put it in the environment variable named by passwordEnv instead';
  }
  if (url.hostname === '' && !url.searchParams.has('host')) return 'names no host';
  return null;
}

/** A command's argument: a postgres:// URL, else the path of a SQLite file. */
export function parseStorageArgument(text: string, passwordEnv: string | null): StorageLocation {
  if (!isPostgresUrl(text)) return { kind: 'sqlite', path: text };
  const problem = checkPostgresUrl(text);
  if (problem !== null) throw new VeilleError('USAGE', `store: ${describeUrl(text)}: ${problem}`);
  return { kind: 'postgres', url: text, passwordEnv };
}

/** The location as operator output shows it (never a password). */
export function describeLocation(location: StorageLocation): string {
  return location.kind === 'sqlite' ? location.path : describeUrl(location.url);
}

function describeUrl(text: string): string {
  try {
    const url = new URL(text);
    url.password = '';
    url.searchParams.delete('password');
    return url.toString();
  } catch {
    return 'the PostgreSQL URL';
  }
}
