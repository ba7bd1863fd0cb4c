// Intl.Segmenter's word breaker costs 30 to 40 ms to build (ICU's dictionaries): words.ts builds it
// for the first text of a script without spaces, not when it is loaded (issue 15: a run whose
// feeds all answer 304 loads the tagger and tags nothing).
import { afterEach, describe, expect, it, vi } from 'vitest';

describe('the word segmenter', () => {
  // Intl's members are read-only in the types, not at run time.
  const intl = Intl as { Segmenter: typeof Intl.Segmenter };
  const Original = Intl.Segmenter;
  afterEach(() => {
    intl.Segmenter = Original;
    vi.resetModules();
  });

  it('is built by the first text that needs it, once, and not by loading the module or by Latin text', async () => {
    let built = 0;
    intl.Segmenter = class extends Original {
      constructor(...args: ConstructorParameters<typeof Original>) {
        super(...args);
        built += 1;
      }
    };
    vi.resetModules();
    const { splitWords } = (await import('../../src/tag/words.js')) as typeof import('../../src/tag/words.js');
    expect(built).toBe(0);
    expect(splitWords('L’IA open source')).toEqual(['ia', 'open', 'source']);
    expect(built).toBe(0);
    expect(splitWords('人工知能の研究').length).toBeGreaterThan(0);
    expect(splitWords('機械学習').length).toBeGreaterThan(0);
    expect(built).toBe(1);
  });
});
