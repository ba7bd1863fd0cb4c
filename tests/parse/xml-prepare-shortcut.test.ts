// normalizeEntities returns the document untouched when no '&' opens anything but the five XML
// entities (every one of the 34 real feeds): that shortcut must give what the full rewrite gives.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeEntities, rewriteReferences } from '../../src/parse/xml-prepare.js';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.(xml|atom|rss|rdf)$/i.test(name) ? [path] : [];
  });
}

describe('normalizeEntities shortcut', () => {
  it.each([
    ['only the five entities', '<a t="&quot;">&amp;&lt;&gt;&apos;</a>', true],
    ['a numeric reference', '<a>&#233;</a>', false],
    ['an HTML entity', '<a>&eacute;</a>', false],
    ['a bare ampersand', '<a>AT&T</a>', false],
    ['an ampersand in CDATA only', '<a><![CDATA[AT&T]]></a>', false],
    ['no ampersand', '<a>plain</a>', true],
    ['&ampx; (not &amp;)', '<a>&ampx;</a>', false],
  ])('%s: same as the full rewrite', (_name, xml, untouched) => {
    expect(normalizeEntities(xml)).toBe(rewriteReferences(xml));
    expect(normalizeEntities(xml) === xml && !/&(?!(?:amp|lt|gt|quot|apos);)/.test(xml)).toBe(untouched);
  });

  it('gives what the full rewrite gives on every feed fixture', () => {
    const root = join(import.meta.dirname, '..', '..');
    const all = [...files(join(root, 'tests', 'fixtures')), ...files(join(root, 'tools', 'bench', 'fixtures'))];
    const differing = all.filter((file) => {
      const xml = readFileSync(file, 'latin1');
      return normalizeEntities(xml) !== rewriteReferences(xml);
    });
    expect(all.length).toBeGreaterThan(2000);
    expect(differing).toEqual([]);
  });
});
