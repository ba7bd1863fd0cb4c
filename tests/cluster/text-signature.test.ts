// The stored text signature: computed once per item and stored, it must give grouping exactly the
// decisions it makes when it computes the signature itself.
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import {
  computeMinHash,
  computeTextSignature,
  decodeTextSignature,
  encodeTextSignature,
  hashShingles,
  readTextSignatureVersion,
  TEXT_SIGNATURE_VERSION,
  tokenizeWords,
} from '../../src/cluster/features.js';
import { groupItems } from '../../src/cluster/group-stories.js';
import { collectGarbage } from '../../src/system/collect-garbage.js';
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

  it('keeps the values of version 1 (stored signatures are compared with new ones)', () => {
    const signature = computeTextSignature('OpenAI releases a new open-weight model', 'The model is available under Apache 2.0 with its weights and code.');
    expect(signature.shingles).toBe(17);
    expect([...signature.minHash.slice(0, 8)]).toEqual([28593181, 240390589, 144742482, 189496990, 128712320, 61597709, 999071156, 152491884]);
    expect([...signature.minHash.slice(56)]).toEqual([55462223, 186166086, 103369693, 87057112, 203049523, 132072251, 45841622, 156112723]);
  });

  it('computes the MinHash of every real item as the shingle-major loop does', () => {
    // The first form of computeMinHash: for each shingle, each seed's murmur3 finalizer, compared as unsigned.
    const seeds = new Uint32Array(64);
    let state = 0x9e3779b9;
    for (let i = 0; i < 64; i += 1) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      seeds[i] = state >>> 0;
    }
    const reference = (shingles: Uint32Array): Uint32Array => {
      const signature = new Uint32Array(64).fill(0xffffffff);
      for (const shingle of shingles) {
        for (let i = 0; i < 64; i += 1) {
          let h = shingle ^ (seeds[i] as number);
          h ^= h >>> 16;
          h = Math.imul(h, 0x85ebca6b);
          h ^= h >>> 13;
          h = Math.imul(h, 0xc2b2ae35);
          h ^= h >>> 16;
          if (h >>> 0 < (signature[i] as number)) signature[i] = h >>> 0;
        }
      }
      return signature;
    };
    const texts = readFileSync(new URL('../fixtures/ai-news/items.jsonl', import.meta.url), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { title: string; summary: string })
      .map((item) => `${item.title} ${item.summary}`);
    const differing = texts.filter((text) => {
      const shingles = hashShingles(tokenizeWords(text));
      // A view into a larger buffer, as a decoded or sliced array may be.
      const offset = new Uint32Array(shingles.length + 3);
      offset.set(shingles, 3);
      const view = offset.subarray(3);
      return JSON.stringify([...computeMinHash(shingles)]) !== JSON.stringify([...reference(shingles)]) || JSON.stringify([...computeMinHash(view)]) !== JSON.stringify([...reference(shingles)]);
    });
    expect(differing).toEqual([]);
    expect(texts.length).toBe(3027);
  });

  describe('in one pass (issue 15)', () => {
    const reference = (title: string, summary: string) => {
      const shingles = hashShingles(tokenizeWords(`${title} ${summary}`));
      return { shingles: shingles.length, minHash: computeMinHash(shingles) };
    };
    const realItems = readFileSync(new URL('../fixtures/ai-news/items.jsonl', import.meta.url), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { title: string; summary: string });

    it('gives every real item the signature of its words as tokenizeWords and hashShingles make them', () => {
      const differing = realItems.filter(({ title, summary }) => JSON.stringify(computeTextSignature(title, summary)) !== JSON.stringify(reference(title, summary)));
      expect(differing).toEqual([]);
      expect(realItems.length).toBe(3027);
    });

    // Letters of several scripts and cases (Σ and İ change length or form when lower-cased), the
    // separators and what is almost one (a dot before a space, a dash), astral letters and digits, an
    // emoji, lone surrogates and combining marks.
    const PIECES = ['a', 'É', 'ß', 'Σ', 'İ', 'ж', '中', '٣', '7', '.', "'", '’', '‘', '-', ' ', '  ', '\n', '𝐀', '𝟙', '😀', '\ud800', '\udc00', '\u0301', 'AI', 'l’IA', 'v2.5', 'U.S.'];

    it.each([1, 2, 3, 4, 5, 6, 7, 8])('gives made-up text %i the same signature (2,000 texts of 0 to 60 pieces)', (seed) => {
      let state = seed * 0x9e3779b1;
      const next = (bound: number): number => {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        return (state >>> 0) % bound;
      };
      const differing: string[] = [];
      for (let n = 0; n < 2_000; n += 1) {
        const text = Array.from({ length: next(61) }, () => PIECES[next(PIECES.length)]).join('');
        const cut = next(text.length + 1);
        const [title, summary] = [text.slice(0, cut), text.slice(cut)];
        if (JSON.stringify(computeTextSignature(title, summary)) !== JSON.stringify(reference(title, summary))) differing.push(text);
      }
      expect(differing).toEqual([]);
    });

    it('tells apart the shingles of a long text, as many as its words, and those of a repeated one', () => {
      const words = Array.from({ length: 30_000 }, (_, index) => `w${index.toString(36)}`).join(' ');
      const repeated = 'Open source models and federated learning for privacy. '.repeat(3_000);
      for (const [title, summary] of [[words, ''], [repeated, words], ['', repeated]] as const) {
        expect(JSON.stringify(computeTextSignature(title, summary))).toBe(JSON.stringify(reference(title, summary)));
      }
      expect(computeTextSignature(words, '').shingles).toBe(30_000 - 2);
    });

    it('makes no list of words', () => {
      const match = vi.spyOn(String.prototype, 'match');
      try {
        const signature = computeTextSignature(realItems[0]?.title ?? '', realItems[0]?.summary ?? '');
        expect(signature.shingles).toBeGreaterThan(10);
        expect(match).not.toHaveBeenCalled();
      } finally {
        match.mockRestore();
      }
    });
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

  describe('version', () => {
    const signature = computeTextSignature('OpenAI releases a new open-weight model', 'The model is available under Apache 2.0 with its weights and code.');
    const encoded = encodeTextSignature(signature);

    it('is the first byte of the stored form', () => {
      expect(encoded[0]).toBe(TEXT_SIGNATURE_VERSION);
      expect(readTextSignatureVersion(encoded)).toBe(TEXT_SIGNATURE_VERSION);
    });

    it('reads a signature stored before the version byte (260 bytes) as version 1, the same values', () => {
      const unversioned = encoded.slice(1);
      expect(readTextSignatureVersion(unversioned)).toBe(1);
      expect(decodeTextSignature(unversioned)).toEqual(TEXT_SIGNATURE_VERSION === 1 ? signature : null);
    });

    it('refuses a signature of another version, so that it is computed again', () => {
      const other = Uint8Array.from(encoded);
      other[0] = TEXT_SIGNATURE_VERSION + 1;
      expect(decodeTextSignature(other)).toBeNull();
    });

    it('grouping computes the signature again when the stored one is of another version', () => {
      // Two unrelated texts whose stored signatures (another version) are the same: compared as
      // stored, they would be near-duplicates; recomputed, they are not.
      const fake = Uint8Array.from(encoded);
      fake[0] = TEXT_SIGNATURE_VERSION + 1;
      const base = { links: [], language: 'en', publishedAt: '2026-01-05T10:00:00.000Z', storyId: null, textSignature: fake };
      const a: ClusterItem = { ...base, id: 'a', sourceId: 1, link: 'https://a.example/post/1', title: 'Quantum error correction reaches a new threshold in superconducting qubits', summary: 'Researchers report logical qubits with lower error rates than their physical parts.' };
      const b: ClusterItem = { ...base, id: 'b', sourceId: 2, link: 'https://b.example/news/2', title: 'A community garden opens downtown with forty raised beds for residents', summary: 'Volunteers planted tomatoes, beans and herbs over the weekend for the neighbourhood.' };
      const current = (item: ClusterItem): ClusterItem => ({ ...item, textSignature: encoded });
      expect(groupItems([], [a, b])).toEqual(groupItems([], [{ ...a, textSignature: null }, { ...b, textSignature: null }]));
      // The same bytes as the current version would join them: the test can tell the two apart.
      expect(groupItems([], [current(a), current(b)]).some((assignment) => assignment.itemIds.length === 2)).toBe(true);
    });
  });

  it('holds no outsized scratch after an outsized title (a hostile feed cannot keep the thread large)', () => {
    const retained = (): number => {
      collectGarbage();
      return process.memoryUsage().arrayBuffers;
    };
    // 600,000 distinct words, then one word of 600,000 letters: each grew the scratch by megabytes.
    const manyWords = Array.from({ length: 600_000 }, (_, i) => `w${i}`).join(' ');
    const longWord = 'x'.repeat(600_000);
    const before = retained();
    for (const title of [manyWords, longWord]) {
      const shingles = hashShingles(tokenizeWords(title));
      expect(computeTextSignature(title, '')).toEqual({ shingles: shingles.length, minHash: computeMinHash(shingles) });
    }
    expect(retained() - before).toBeLessThan(4 * 1024 * 1024);
  });
});
