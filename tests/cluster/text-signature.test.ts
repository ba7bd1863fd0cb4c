// The stored text signature: computed once per item and stored, it must give grouping exactly the
// decisions it makes when it computes the signature itself.
import { describe, expect, it } from 'vitest';
import {
  computeMinHash,
  computeTextSignature,
  decodeTextSignature,
  encodeTextSignature,
  hashShingles,
  tokenizeWords,
} from '../../src/cluster/features.js';
import { groupItems } from '../../src/cluster/group-stories.js';
import type { ClusterItem } from '../../src/domain/story.js';
import { LABELLED_PAIRS } from './labelled-pairs.js';

const PAIR_ITEMS = LABELLED_PAIRS.flatMap((pair) => [pair.a, pair.b]);

describe('text signature', () => {
  it.each([
    ['a long text', 'OpenAI releases a new open-weight model', 'The model is available under Apache 2.0 with its weights and code.'],
    ['a short text (fewer shingles than words)', 'Hi', ''],
    ['an empty text', '', ''],
  ])('%s: the shingle count and MinHash of title and summary, the same once decoded', (_name, title, summary) => {
    const shingles = hashShingles(tokenizeWords(`${title} ${summary}`));
    const signature = computeTextSignature(title, summary);
    expect(signature).toEqual({ shingles: shingles.length, minHash: computeMinHash(shingles) });
    expect(decodeTextSignature(encodeTextSignature(signature))).toEqual(signature);
  });

  it('refuses bytes that are not a signature', () => {
    expect(decodeTextSignature(new Uint8Array(12))).toBeNull();
  });

  it('groups the labelled pairs exactly as without stored signatures', () => {
    const sources = new Map<string, number>();
    const items: ClusterItem[] = PAIR_ITEMS.map((item, index) => {
      if (!sources.has(item.source)) sources.set(item.source, sources.size + 1);
      return { id: `i${index}`, sourceId: sources.get(item.source) as number, ...item, storyId: null };
    });
    const stored = items.map((item) => ({ ...item, textSignature: encodeTextSignature(computeTextSignature(item.title, item.summary)) }));
    expect(groupItems([], stored)).toEqual(groupItems([], items));
  });
});
