// The full-text stage's extraction: readability finds the main text, veille's sanitizer decides
// what of it may reach a reader; the security suite's surface checker finds nothing in the result.
import { describe, expect, it } from 'vitest';
import { extractArticle } from '../../src/extract/extract-article.js';
import { htmlViolations } from '../security/surface-check.js';

const PARAGRAPHS = [
  'The AAAI 2025 workshop on Open Source AI for Mainstream Use asked how open models reach everyday products.',
  'Speakers compared licences, model cards and the cost of serving open weights on modest hardware.',
  'The FLUID workshop on federated learning looked at training across devices without moving the data.',
  'Both workshops closed with a call for shared benchmarks and reproducible evaluations of decentralised systems.',
];

function page(body: string, head = ''): string {
  const nav = Array.from({ length: 20 }, (_, index) => `<li><a href="/category/${index}">Category ${index}</a></li>`).join('');
  return `<!doctype html><html lang="en-GB"><head><title>AAAI 2025 workshops recap - AIhub</title>
<meta name="author" content="Lucy Smith">${head}</head><body><header><nav><ul>${nav}</ul></nav></header>
<main><article><h1>AAAI 2025 workshops recap</h1>${body}</article></main><footer><ul>${nav}</ul></footer></body></html>`;
}

const HOSTILE_BODY = [
  `<p>${PARAGRAPHS[0]} <a href="javascript:alert(1)">click</a> <a href="https://aaai.org/conference/aaai-25/">AAAI</a></p>`,
  `<p onclick="alert(2)" style="position:fixed">${PARAGRAPHS[1]}<img src="x" onerror="alert(3)"></p>`,
  `<script>document.write('<p>injected</p>')</script><iframe src="https://evil.example/"></iframe>`,
  `<p>${PARAGRAPHS[2]}<svg><script>alert(4)</script></svg><form action="https://evil.example/"><input name="q"></form></p>`,
  `<p>${PARAGRAPHS[3]} <a href="/relative/link?utm_source=feed">more</a><style>body{display:none}</style></p>`,
].join('\n');

describe('extractArticle', () => {
  it('keeps the article (title, byline, language, one paragraph a line) and leaves the page around it', () => {
    const article = extractArticle(page(PARAGRAPHS.map((text) => `<p>${text}</p>`).join('\n')), 'https://aihub.org/2025/04/recap/');
    expect(article).not.toBeNull();
    expect(article?.title).toBe('AAAI 2025 workshops recap - AIhub');
    expect(article?.byline).toBe('Lucy Smith');
    expect(article?.language).toBe('en');
    expect(article?.text.split('\n')).toEqual(expect.arrayContaining(PARAGRAPHS));
    expect(article?.text).not.toContain('Category 3');
  });

  it('sanitizes readability\'s output: the surface checker finds nothing in the HTML', () => {
    const article = extractArticle(page(HOSTILE_BODY), 'https://aihub.org/2025/04/recap/');
    expect(article).not.toBeNull();
    expect(htmlViolations(article?.html ?? '', 'extracted html')).toEqual([]);
    expect(article?.html).not.toMatch(/onerror|onclick|javascript:|<script|<iframe|<form|<style|<svg/i);
    expect(article?.text).not.toContain('injected');
    expect(article?.text).not.toContain('alert(');
  });

  it('makes the links absolute and canonical (the story grouping reads them)', () => {
    const article = extractArticle(page(HOSTILE_BODY), 'https://aihub.org/2025/04/recap/');
    expect(article?.links).toEqual(['https://aaai.org/conference/aaai-25/', 'https://aihub.org/relative/link']);
  });

  it('takes title and byline as text: markup in them is shown, never run', () => {
    const html = page(PARAGRAPHS.map((text) => `<p>${text}</p>`).join(''), '')
      .replace('<title>AAAI 2025 workshops recap - AIhub</title>', '<title>&lt;img src=x onerror=alert(1)&gt; Recap</title>');
    const article = extractArticle(html, 'https://aihub.org/a');
    expect(article?.title).toBe('<img src=x onerror=alert(1)> Recap');
  });

  it('answers null for a page without an article', () => {
    expect(extractArticle('<!doctype html><html><body><nav><a href="/">Home</a></nav></body></html>', 'https://aihub.org/')).toBeNull();
    expect(extractArticle('', 'https://aihub.org/')).toBeNull();
  });
});
