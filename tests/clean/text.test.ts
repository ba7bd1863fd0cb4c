// htmlToText and summarize: what readers see in summaries, titles and emails.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractUrls } from '../../src/clean/html-dom.js';
import { htmlToText, summarize } from '../../src/clean/text.js';

describe('htmlToText', () => {
  it.each([
    ['plain text unchanged', 'Bonjour le monde', 'Bonjour le monde'],
    ['tags stripped', '<p>Un <b>gras</b> et <a href="x">lien</a></p>', 'Un gras et lien'],
    ['named and numeric entities decoded', 'Caf&eacute; &amp; cr&#232;me &#x2014; l&rsquo;IA', 'Café & crème — l’IA'],
    ['blocks on their own lines', '<h2>Titre</h2><p>Un</p><ul><li>a</li><li>b</li></ul>', 'Titre\nUn\na\nb'],
    ['br separates lines', 'ligne 1<br>ligne 2', 'ligne 1\nligne 2'],
    ['white space collapsed', '  a \n\t  b   <p>  c  </p>  ', 'a b\nc'],
    ['script and style content dropped', '<script>var x = 1;</script><style>p{}</style>texte', 'texte'],
    ['no-break space before French punctuation kept', 'Quoi&nbsp;? «&nbsp;Oui&nbsp;»', 'Quoi\u00a0? «\u00a0Oui\u00a0»'],
    ['table cells separated', '<table><tr><td>a</td><td>b</td></tr></table>', 'a b'],
    ['empty', '', ''],
    ['only markup', '<p><br></p>', ''],
  ])('%s', (_name, html, expected) => {
    expect(htmlToText(html)).toBe(expected);
  });
});

describe('summarize', () => {
  const sentences = 'Première phrase assez courte. Deuxième phrase, un peu plus longue que la première. Troisième.';

  it.each([
    ['short text kept whole', 'Court.', 400, 'Court.'],
    ['text of exactly max kept whole', 'abcde', 5, 'abcde'],
    ['cut after a sentence in the second half', sentences, 85, 'Première phrase assez courte. Deuxième phrase, un peu plus longue que la première…'],
    ['a sentence end in the second half wins over a later word boundary', sentences, 45, 'Première phrase assez courte…'],
    ['cut at a word boundary when no sentence ends late enough', sentences, 20, 'Première phrase…'],
    ['trailing comma removed before the ellipsis', 'un deux trois, quatre cinq six sept', 16, 'un deux trois…'],
    ['hard cut inside one long word', 'a'.repeat(50), 10, `${'a'.repeat(9)}…`],
    ['lines joined into one', 'Ligne un\nLigne deux', 400, 'Ligne un Ligne deux'],
    ['emoji never split', `${'x'.repeat(8)}😀😀😀`, 10, `${'x'.repeat(8)}…`],
  ])('%s', (_name, text, max, expected) => {
    const out = summarize(text, max);
    expect(out).toBe(expected);
    expect(out.length).toBeLessThanOrEqual(max);
  });

  it('defaults to 400 characters', () => {
    const long = 'mot '.repeat(200);
    const out = summarize(long);
    expect(out.length).toBeLessThanOrEqual(400);
    expect(out.endsWith('…')).toBe(true);
  });
});
