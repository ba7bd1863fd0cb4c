// Titles glued by their source (issue 18, finding 4): a date and a category stuck to the title are
// taken off; a title that was not glued is never changed, checked on every title of the real feeds.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ungluedTitle } from '../../src/clean/glued-title.js';

describe('ungluedTitle', () => {
  it.each([
    // Olshansk/rss-feeds, feed_anthropic_research.xml: a listing card's text as the title.
    ['date, category, title', 'Aug 18, 2026ScienceHow Claude is accelerating protein design and analytical chemistry', 'How Claude is accelerating protein design and analytical chemistry'],
    ['a category of three words', 'Jul 9, 2026Frontier Red TeamClaude plays robotics', 'Claude plays robotics'],
    ['category, date, title, teaser', 'AlignmentMay 8, 2026Teaching Claude whyNew research on how we’ve reduced agentic misalignment.', 'Teaching Claude why'],
    ['a title opening with an acronym', 'Sep 1, 2026PolicyAI rules in Europe', 'AI rules in Europe'],
    ['a full month name', 'September 1, 2026ResearchWhat we learned', 'What we learned'],
  ])('cleans %s', (_name, title, expected) => {
    expect(ungluedTitle(title)).toBe(expected);
  });

  it.each([
    ['no date', 'Claude 3.5 Sonnet on GitHub Copilot'],
    ['a date with its spaces', 'Meeting of Aug 18, 2026: the agenda'],
    ['a date that ends the title', 'Workshop recap, Aug 18, 2026'],
    ['a date followed by a digit', 'Aug 18, 20261'],
    ['words glued inside a brand, no date', 'DeepSeek and iPhone users on GitHub'],
    ['a sentence before the date, not a label', 'What happened at the summit on Aug 18, 2026Science'],
    ['a glued date with no label to take off', 'Aug 18, 2026science news'],
  ])('leaves %s as it is', (_name, title) => {
    expect(ungluedTitle(title)).toBe(title);
  });

  it('takes one pass over a long hostile title', () => {
    const title = `Aug 1, 2026${'aB'.repeat(100_000)}`;
    expect(ungluedTitle(title)).toBe(title);
    const long = `Aug 1, 2026Newsx${' yY'.repeat(100_000)}`;
    expect(ungluedTitle(long)).toBe(long);
  });
});

describe('on every title of the real feeds (tests/fixtures/titles/real-titles.jsonl)', () => {
  const titles = readFileSync(new URL('../fixtures/titles/real-titles.jsonl', import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { file: string; title: string });
  const changed = titles.filter(({ title }) => ungluedTitle(title) !== title);

  it('reads thousands of titles from many feeds', () => {
    expect(titles.length).toBeGreaterThan(4_000);
    expect(new Set(titles.map(({ file }) => file)).size).toBeGreaterThan(50);
  });

  it('changes only glued titles: these eleven, each with a date stuck to a letter', () => {
    expect(changed.map(({ file, title }) => [file, ungluedTitle(title)])).toEqual(
      [
        'How Claude is accelerating protein design and analytical chemistry',
        'Patterns and problems in emerging multiagent systems',
        'Reviewing the evidence on worker retraining programs',
        'Discovering cryptographic weaknesses with Claude',
        'Project Pilot: Can AI control a drone?',
        'How Canada uses Claude: Findings from the Anthropic Economic Index',
        'Claude’s values across models and languages',
        'Claude plays robotics',
        'An off switch for dual-use knowledge in AI models',
        'A global workspace in language models',
        'Teaching Claude why',
      ].map((title) => ['ai-news/feeds/feed_anthropic_research.xml', title]),
    );
    for (const { title } of changed) expect(title).toMatch(/\d{4}\p{L}/u);
  });
});
