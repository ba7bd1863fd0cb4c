// Modules a one-shot run loads build no Intl object when they load (issue 15): ICU's segmenters and
// display names cost 5 to 40 ms each to build, and a run whose feeds all answer 304 uses none. Each
// is built by its first use.
import { afterEach, describe, expect, it, vi } from 'vitest';

const WATCHED = ['Segmenter', 'DisplayNames', 'DateTimeFormat', 'NumberFormat', 'PluralRules'] as const;

describe('Intl objects built on first use, not when a module loads', () => {
  // Intl's members are read-only in the types, not at run time.
  const intl = Intl as unknown as Record<(typeof WATCHED)[number], new (...args: never[]) => object>;
  const originals = Object.fromEntries(WATCHED.map((name) => [name, intl[name]]));
  afterEach(() => {
    for (const name of WATCHED) intl[name] = originals[name] as (typeof intl)[typeof name];
    vi.resetModules();
  });

  it.each([
    ['tag/words.ts', () => import('../../src/tag/words.js')],
    ['clean/text.ts', () => import('../../src/clean/text.js')],
    ['translate/openai.ts', () => import('../../src/translate/openai.js')],
    ['domain/site-locale.ts', () => import('../../src/domain/site-locale.js')],
  ])('%s', async (_name, load) => {
    const built: string[] = [];
    for (const name of WATCHED) {
      const Original = originals[name] as new (...args: unknown[]) => object;
      intl[name] = class extends Original {
        constructor(...args: unknown[]) {
          super(...args);
          built.push(name);
        }
      } as unknown as (typeof intl)[typeof name];
    }
    vi.resetModules();
    await load();
    expect(built).toEqual([]);
  });
});
