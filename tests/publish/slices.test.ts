// Long values are escaped and decoded a slice at a time (slices.ts): the answer is the same as in one piece.

import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../src/publish/html.js';
import { replaceBySlices } from '../../src/publish/slices.js';
import { xmlText } from '../../src/publish/xml.js';

const whole = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

describe('replaceBySlices', () => {
  it.each([
    { name: 'short text, one slice', text: 'a < b & c' },
    { name: 'markup across many slices', text: '<a href="x">&amp;</a> '.repeat(5_000) },
    // 😀 is two UTF-16 units: wherever a slice ends, the pair stays whole.
    { name: 'surrogate pairs on every boundary', text: '😀'.repeat(40_000) },
    { name: 'surrogate pairs off by one', text: `x${'😀'.repeat(40_000)}` },
  ])('$name', ({ text }) => {
    expect(replaceBySlices(text, whole)).toBe(whole(text));
  });

  it('never cuts a reference in two', () => {
    const decode = (text: string): string => text.replace(/&(amp|lt);/g, (_, name: string) => (name === 'amp' ? '&' : '<'));
    for (const text of ['&lt;'.repeat(10_000), `x${'&amp;'.repeat(10_000)}`, `${'a'.repeat(16_382)}&lt;b`]) {
      expect(replaceBySlices(text, decode, '&')).toBe(decode(text));
    }
  });

  it('keeps astral characters in XML text, and drops lone surrogates only', () => {
    const text = `${'a'.repeat(16_383)}😀${'<'.repeat(20_000)}\uD800x`;
    expect(xmlText(text)).toBe(`${'a'.repeat(16_383)}😀${'&lt;'.repeat(20_000)}x`);
    expect(escapeHtml(text)).toBe(`${'a'.repeat(16_383)}😀${'&lt;'.repeat(20_000)}\uD800x`);
  });
});
