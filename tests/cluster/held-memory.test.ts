// What grouping holds of each fresh item once it is read (issue 15: a first import's grouping held
// 17,680 items, the height of the cycle's peak RSS): a signature is a view of a shared slab, not an
// ArrayBuffer of its own, and a name, language or date many items share is held once. The case runs
// in a child with --expose-gc, over the built modules, so that the heap holds only what it measures.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// HELD_DIST: another build's dist/ (a file: URL), to check the case against it.
const DIST = process.env.HELD_DIST ?? new URL('../../dist/', import.meta.url).href;
const ITEMS = 4_000;

/**
 * In a child: 4,000 items of 40 stories, each naming the people and places of its story, with a
 * stored signature; the heap's growth per item once each is held (heldForGrouping), after a full
 * collection.
 */
const CHILD = `
const { computeTextSignature, encodeTextSignature } = await import(${JSON.stringify(`${DIST}cluster/features.js`)});
const { createClusterFeatures, heldForGrouping } = await import(${JSON.stringify(`${DIST}cluster/group-stories.js`)});
const item = (index) => {
  const story = index % 40;
  const names = 'Ada Lovelace' + story + ' and Grace Hopper' + story + ' met Alan Turing' + story + ' at Bletchley Park' + story + ' with Claude Shannon' + story;
  const title = names + ': what to know about model ' + index;
  const summary = names + ' discussed the release of model ' + index + ', its weights, its licence and its benchmarks in detail.';
  return {
    id: 'item-' + index, sourceId: index + 1, link: 'https://site.example/' + index, links: [],
    title, summary, language: ['en', 'fr'][index % 2].slice(0), publishedAt: new Date(Date.UTC(2026, 11, 1) + story * 60_000).toISOString(),
    storyId: null, textSignature: encodeTextSignature(computeTextSignature(title, summary)),
  };
};
const features = createClusterFeatures();
gc();
const before = process.memoryUsage().heapUsed;
const held = Array.from({ length: ${ITEMS} }, (_, index) => heldForGrouping(item(index), features));
gc();
process.stdout.write(JSON.stringify({ perItem: (process.memoryUsage().heapUsed - before) / held.length }));
`;

describe('heldForGrouping', () => {
  it('holds a fresh item in about a kilobyte', () => {
    const output = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', CHILD], {
      encoding: 'utf8',
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
    });
    const { perItem } = JSON.parse(output) as { perItem: number };
    // Its copy, its features, its id, page and title, its names' list, a view of its signature: about
    // 1,000 bytes here; with an ArrayBuffer and a copy of each name, language and date, 1,330.
    expect(perItem).toBeLessThan(1_150);
  });
});
