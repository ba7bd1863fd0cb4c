// How commands print: tables sized to their widest cell, for any number of rows.
import { describe, expect, it } from 'vitest';
import { formatTable } from '../../src/cli/output.js';
import { renderOpml } from '../../src/publish/opml.js';

describe('formatTable', () => {
  it('pads each column to its widest cell, the last one left as is', () => {
    expect(formatTable(['NAME', 'URL'], [['AIhub', 'https://aihub.org/feed/'], ['Le blog', 'https://b.example/']])).toBe(
      ['NAME     URL', '-------  -----------------------', 'AIhub    https://aihub.org/feed/', 'Le blog  https://b.example/', ''].join('\n'),
    );
  });

  // `sources list` with 400,000 sources: Math.max(...cells) was 400,000 arguments (issue 13, finding 10).
  it('prints 400,000 rows without overflowing the stack', () => {
    const rows = Array.from({ length: 400_000 }, (_, index) => [`source ${index}`, '-', `https://s${index}.example/feed`]);
    const table = formatTable(['NAME', 'LANG', 'URL'], rows);
    expect(table.split('\n')).toHaveLength(400_003);
    expect(table.split('\n')[2]).toBe('source 0       -     https://s0.example/feed');
  });
});

it('renderOpml writes 400,000 sources of one category without overflowing the stack (`sources export`)', () => {
  const sources = Array.from({ length: 400_000 }, (_, index) => ({ url: `https://s${index}.example/feed`, name: null, lang: null, siteUrl: null, category: 'IA' }));
  const opml = renderOpml('Veille IA', sources, new Date(0));
  expect(opml.split('<outline').length - 1).toBe(400_001);
});
