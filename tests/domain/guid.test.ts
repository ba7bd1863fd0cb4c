// The GUIDs readers see come from one module: the formats are fixed (published GUIDs never
// change), and no other source file writes them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { digestGuid, itemGuid, storyGuid } from '../../src/domain/guid.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

describe('GUIDs', () => {
  it.each([
    ['an item', itemGuid('3f2a'), 'urn:veille:item:3f2a'],
    ['a story: its first item\'s', storyGuid('3f2a'), 'urn:veille:item:3f2a'],
    ['a weekly issue', digestGuid('2026-W47'), 'urn:veille:digest:2026-W47'],
  ])('%s', (_name, guid, expected) => {
    expect(guid).toBe(expected);
  });

  it('are written by src/domain/guid.ts only', () => {
    const writers = sourceFiles('src').filter((file) => {
      if (file === join('src', 'domain', 'guid.ts')) return false;
      // Code only: the schema's comments may say what a GUID looks like.
      const code = readFileSync(file, 'utf8').replace(/^\s*(?:\/\/|\*).*$/gm, '').replace(/--[^\n]*/g, '');
      return /urn:veille:(?:item|digest)/.test(code);
    });
    expect(writers).toEqual([]);
  });
});
