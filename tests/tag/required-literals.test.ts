// A taxonomy regex that opens with an alternation of words is tried at every place of a text; the
// tagger first tests a literal the regex cannot match without (issue 15: the regulation `court` regex
// was the first cycle's costliest, 49 ms on the main thread). The test must never hide a match.

import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { literalGuard, requiredLiterals } from '../../src/tag/required-literals.js';
import { loadTaxonomy } from '../../src/tag/taxonomy.js';
import { ROOT, THEMES_FILE } from './helpers.js';

describe('requiredLiterals', () => {
  it.each([
    ['a run of plain characters', 'court', ['court']],
    ['the longest run', 'ab\\s+court', ['court']],
    ['an optional letter ends a run', 'courts?', ['court']],
    ['a group repeated at least once', '\\b(?:strip|remov)+ x', ['strip', 'remov']],
    ['each branch gives its own', 'the court|courts? of', ['the court', 'court']],
    ['a group in every branch', '(?:\\b(?:the|a) courts?|^courts?(?!-))\\b', [' court', 'court']],
    ['the longer of two', '\\b(?:strip|remov|eras)\\w{0,4} watermarks?\\b', [' watermark']],
    ['an escaped dot is a character', 'e\\.g\\.', ['e.g.']],
    ['a named group', '(?<name>alpha|beta)', ['alpha', 'beta']],
    ['a quantified character ends a run', 'ab{2,}c', ['a']],
  ])('%s: /%s/', (_, source, expected) => {
    expect(requiredLiterals(source)).toEqual(expected);
  });

  it.each([
    ['an optional group', '(?:court)?\\d'],
    ['a branch without a literal', 'court|\\d+'],
    ['a lookahead alone', '(?=court)\\w+'],
    ['a class', '[a-z]+'],
    ['a backreference', '(a)\\1'],
    ['an escape it does not read', '\\x41bc'],
    ['a lone brace', 'a{x'],
    ['a surrogate pair', '😀+'],
  ])('none for %s: /%s/', (_, source) => {
    expect(requiredLiterals(source)).toBeNull();
  });
});

describe('literalGuard', () => {
  it('guards the regulation court regex and the watermark regex with their words, case folded as the pattern', () => {
    const taxonomy = loadTaxonomy(THEMES_FILE);
    const guards = [...taxonomy.compiled.values()].flatMap((v) => v.regexes).flatMap((r) => (r.guard === null ? [] : [String(r.guard)]));
    expect(guards).toEqual(expect.arrayContaining(['/court/i', '/watermark/i']));
  });

  it('tests nothing first for a pattern that opens with a plain character', () => {
    expect(literalGuard(/\bCVE-\d{4}/gi)).toBeNull();
  });

  it('keeps the pattern flags but g, and escapes what it quotes', () => {
    expect(String(literalGuard(/\b(?:a|b)x\.y/gu))).toBe('/x\\.y/u');
  });
});

// Every text a regex of the default taxonomy matches, the regex's guard matches too: the real items,
// and texts made to sit at each literal's edges (case, apostrophes, hyphens, accents, line breaks).
describe('a guard never hides a match of the default taxonomy', () => {
  const raw = parse(readFileSync(THEMES_FILE, 'utf8')) as { themes: { vocabulary: Record<string, unknown[]> }[] };
  const patterns = raw.themes.flatMap((theme) =>
    Object.values(theme.vocabulary).flatMap((entries) =>
      entries.flatMap((entry) => {
        const { regex, flags } = entry as { regex?: string; flags?: string };
        return regex === undefined ? [] : [new RegExp(regex, `${flags ?? 'i'}g`)];
      }),
    ),
  );
  const items = readFileSync(`${ROOT}tests/fixtures/ai-news/items.jsonl`, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { title?: string; summary?: string });
  const texts = [
    ...items.flatMap(({ title = '', summary = '' }) => [title, summary]),
    'The Supreme COURT rules',
    'courts-martial',
    'Court\nfilings show',
    'écourt de la court of appeals',
    'Tool strips invisible watermarks',
    'WATERMARKS stripped',
    'remove the watermark',
    'SB 1047 passed',
  ];

  it('has texts the guarded patterns match', () => {
    const matched = patterns.filter((p) => literalGuard(p) !== null && texts.some((t) => new RegExp(p.source, p.flags).test(t)));
    expect(matched.length).toBeGreaterThan(0);
  });

  it.each(patterns.map((p) => [p.source.slice(0, 60), p] as const))('/%s…/', (_, pattern) => {
    const guard = literalGuard(pattern);
    if (guard === null) return;
    for (const text of texts) {
      const matches = new RegExp(pattern.source, pattern.flags).test(text);
      if (matches) expect(guard.test(text), text).toBe(true);
    }
  });
});
