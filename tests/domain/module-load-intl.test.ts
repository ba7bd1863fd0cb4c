// Modules a one-shot run loads build no Intl object when they load (issue 15): ICU's segmenters and
// display names cost 5 to 40 ms each to build, and a run whose feeds all answer 304 uses none. Each
// is built by its first use.
import { afterEach, describe, expect, it } from 'vitest';
import { watchIntl } from '../helpers/watch-intl.js';

describe('Intl objects built on first use, not when a module loads', () => {
  const intl = watchIntl(['Segmenter', 'DisplayNames', 'DateTimeFormat', 'NumberFormat', 'PluralRules']);
  afterEach(() => intl.restore());

  it.each([
    ['tag/words.ts', () => import('../../src/tag/words.js')],
    ['clean/text.ts', () => import('../../src/clean/text.js')],
    ['translate/openai.ts', () => import('../../src/translate/openai.js')],
    ['domain/site-locale.ts', () => import('../../src/domain/site-locale.js')],
  ])('%s', async (_name, load) => {
    intl.watch();
    await load();
    expect(intl.built).toEqual([]);
  });
});
