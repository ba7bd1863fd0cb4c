// What grouping holds and makes per item (issue 15: a first import's grouping of 17,680 items was the
// height of the cycle's peak RSS). Each case runs in a child over the built modules, with
// --expose-gc, so that the heap holds only what it measures.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// GROUPING_DIST: another build's dist/ (a file: URL), to check the cases against it.
const DIST = process.env.GROUPING_DIST ?? new URL('../../dist/', import.meta.url).href;
const ITEMS = 4_000;

/**
 * 4,000 items, each with a stored signature; `storyOf` their story: the items of one story name the
 * same people and places.
 */
const ITEMS_CODE = `
const { computeTextSignature, encodeTextSignature } = await import(${JSON.stringify(`${DIST}cluster/features.js`)});
const { createClusterFeatures, heldForGrouping } = await import(${JSON.stringify(`${DIST}cluster/group-stories.js`)});
const item = (index, storyOf) => {
  const story = storyOf(index);
  const names = 'Ada Lovelace' + story + ' and Grace Hopper' + story + ' met Alan Turing' + story + ' at Bletchley Park' + story + ' with Claude Shannon' + story;
  const title = names + ': what to know about model ' + story;
  const summary = names + ' discussed the release of model ' + story + ', its weights, its licence and its benchmarks in detail.';
  return {
    id: 'item-' + index, sourceId: index + 1, link: 'https://site.example/' + index, links: [],
    title, summary, language: ['en', 'fr'][index % 2].slice(0), publishedAt: new Date(Date.UTC(2026, 11, 1) + story * 60_000).toISOString(),
    storyId: null, textSignature: encodeTextSignature(computeTextSignature(title, summary)),
  };
};
const features = createClusterFeatures();
`;

function runChild(code: string): number {
  const output = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', ITEMS_CODE + code], {
    encoding: 'utf8',
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
  });
  return (JSON.parse(output) as { perItem: number }).perItem;
}

describe('grouping memory', () => {
  it('holds a fresh item in about a kilobyte', () => {
    // 40 stories: a name, a language or a date is shared by many items. The heap's growth per item
    // once each is held (heldForGrouping), after a full collection.
    const perItem = runChild(
      `gc();
      const before = process.memoryUsage().heapUsed;
      const held = Array.from({ length: ${ITEMS} }, (_, index) => heldForGrouping(item(index, (at) => at % 40), features));
      gc();
      process.stdout.write(JSON.stringify({ perItem: (process.memoryUsage().heapUsed - before) / held.length }));`,
    );
    // Its copy, its features, its id, page and title, its names' list, a view of its signature (a
    // signature is a view of a shared slab, and a name, language or date many items share is held
    // once): about 930 bytes here; with an ArrayBuffer and a copy of each name, language and date,
    // 1,320.
    expect(perItem).toBeLessThan(1_150);
  });
});
