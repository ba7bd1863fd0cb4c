// The stages receive what they read and write (domain/ports.ts) and import no store/: the store
// implements the ports, and a second store (PostgreSQL) can do the same.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const STAGES = ['clean', 'cluster', 'digest', 'email', 'fetch', 'language', 'parse', 'publish', 'tag', 'translate'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

describe('stage imports', () => {
  it.each(STAGES)('src/%s imports nothing from src/store', (stage) => {
    const importers = sourceFiles(join('src', stage)).filter((file) => /from '\.\.\/store\//.test(readFileSync(file, 'utf8')));
    expect(importers).toEqual([]);
  });
});
