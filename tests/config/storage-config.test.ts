// storage: a SQLite file by default, or a PostgreSQL database by URL whose password comes from
// the environment (issue 20); each mistake named with its key.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';

const FILE = '/srv/veille/config/veille.yaml';

function configError(yaml: string): string {
  try {
    parseConfig(yaml, FILE);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the config to be refused');
}

describe('storage', () => {
  it('is the SQLite file data/veille.db beside the config folder by default', () => {
    expect(parseConfig('', FILE).storage).toEqual({ kind: 'sqlite', path: '/srv/veille/data/veille.db' });
  });

  it('is a PostgreSQL database with url, its password read from passwordEnv; the data folder stays', () => {
    const config = parseConfig('storage: { url: "postgres://veille@db.example:5432/veille", passwordEnv: VEILLE_DB_PASSWORD }', FILE);
    expect(config.storage).toEqual({ kind: 'postgres', url: 'postgres://veille@db.example:5432/veille', passwordEnv: 'VEILLE_DB_PASSWORD' });
    expect(config.storagePath).toBe('/srv/veille/data/veille.db');
  });

  it.each([
    ['a password in the URL', 'storage: { url: "postgres://veille:secret@db.example/veille" }', 'storage.url: expected postgres://user@host:port/database: holds a password: put it in the environment variable named by passwordEnv instead'],
    ['a password in the query', 'storage: { url: "postgresql://veille@db.example/veille?password=secret" }', 'storage.url: expected postgres://user@host:port/database: holds a password'],
    ['another scheme', 'storage: { url: "mysql://db.example/veille" }', 'storage.url: expected postgres://user@host:port/database: not a postgres:// or postgresql:// URL'],
    ['both path and url', 'storage: { path: ../data/v.db, url: "postgres://db.example/veille" }', 'storage.url: give path (SQLite) or url (PostgreSQL), not both'],
    ['passwordEnv without url', 'storage: { passwordEnv: VEILLE_DB_PASSWORD }', 'storage.passwordEnv: only used with url (PostgreSQL)'],
    ['a passwordEnv that is no variable name', 'storage: { url: "postgres://db.example/veille", passwordEnv: "my password" }', 'storage.passwordEnv: expected an environment variable name'],
  ])('refuses %s, naming the key', (_name, yaml, message) => {
    const error = configError(yaml);
    expect(error).toContain(message);
    expect(error).not.toContain('secret');
  });
});
