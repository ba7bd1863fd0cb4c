// `veille migrate` (create or upgrade the store's schema and say what was done) and `veille store
// copy --from A --to B` (every row of one store into another, SQLite or PostgreSQL either way).
import { resolve } from 'node:path';
import type { Config } from '../config/load-config.js';
import { VeilleError } from '../domain/errors.js';
import { describeLocation, parseStorageArgument, type StorageLocation } from '../store/storage-location.js';
import { Store } from '../store/store.js';
import { formatTable, type Output } from './output.js';

export interface StoreCommandContext {
  readonly output: Output;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export function runMigrateCommand(config: Config, ctx: StoreCommandContext): number {
  const store = Store.open(config.storage, ctx.env);
  const { from, to } = store.migration;
  store.close();
  const where = describeLocation(config.storage);
  const what =
    from === to ? `schema at version ${to}, nothing to do` : from === 0 ? `schema created (version ${to})` : `schema upgraded from version ${from} to ${to}`;
  ctx.output.out(`store: ${where} (${config.storage.kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'}): ${what}\n`);
  return 0;
}

export interface StoreCopyOptions {
  readonly from: string;
  readonly to: string;
  readonly force: boolean;
}

/**
 * The password of a postgres:// argument is read from the config's storage.passwordEnv when the
 * URL is storage.url, else as PostgreSQL's own clients read it (PGPASSWORD, ~/.pgpass).
 */
export function runStoreCopyCommand(config: Config | null, options: StoreCopyOptions, ctx: StoreCommandContext): number {
  const from = locationOf(options.from, '--from', config, ctx.cwd);
  const to = locationOf(options.to, '--to', config, ctx.cwd);
  if (describeLocation(from) === describeLocation(to)) throw new VeilleError('USAGE', `store copy: --from and --to are the same store (${describeLocation(from)})`);
  const source = Store.openIfExists(from, ctx.env);
  if (source === null) throw new VeilleError('USAGE', `store copy: --from ${describeLocation(from)}: no such file`);
  try {
    const target = Store.open(to, ctx.env);
    try {
      const report = source.copyTo(target, { replace: options.force });
      const rows = report.tables.reduce((sum, table) => sum + table.rows, 0);
      ctx.output.out(`store: copied ${rows} rows from ${describeLocation(from)} to ${describeLocation(to)}\n`);
      ctx.output.out(formatTable(['table', 'rows'], report.tables.map((table) => [table.table, String(table.rows)])));
    } finally {
      target.close();
    }
  } finally {
    source.close();
  }
  return 0;
}

function locationOf(argument: string, option: string, config: Config | null, cwd: string): StorageLocation {
  if (argument === '') throw new VeilleError('USAGE', `store copy: ${option} needs a SQLite file or a postgres:// URL`);
  const configured = config?.storage.kind === 'postgres' && config.storage.url === argument ? config.storage.passwordEnv : null;
  const location = parseStorageArgument(argument, configured);
  return location.kind === 'sqlite' ? { kind: 'sqlite', path: resolve(cwd, location.path) } : location;
}
