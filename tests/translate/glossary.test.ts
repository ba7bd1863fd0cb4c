// The glossary's matching rules: whole words, any case, spaces and hyphens alike; the post-pass
// replaces only the provider's own rendering of a term the source has and the output lacks.
import { describe, expect, it } from 'vitest';
import { applyGlossary, containsTerm, entriesIn, glossaryHash, glossaryMisses } from '../../src/translate/glossary.js';

const GLOSSARY = [
  { source: 'federated learning', target: 'apprentissage fédéré' },
  { source: 'open source', target: 'open source' },
  { source: 'privacy', target: 'confidentialité' },
];

describe('containsTerm', () => {
  it.each([
    ['Federated Learning at scale', 'federated learning', true],
    ['an open-source model', 'open source', true],
    ['an open‑source model (non-breaking hyphen)', 'open source', true],
    ['open\nsource', 'open source', true],
    ['privacy-preserving methods', 'privacy', true],
    ['the privacyguard tool', 'privacy', false],
    ['unfederated learning', 'federated learning', false],
  ])('%s contains %s: %s', (text, term, expected) => {
    expect(containsTerm(text, term)).toBe(expected);
  });
});

describe('glossaryMisses', () => {
  it('names the source terms whose target the output lacks', () => {
    expect(glossaryMisses('Privacy and federated learning', "La vie privée et l'apprentissage fédéré", GLOSSARY)).toEqual(['privacy']);
    expect(glossaryMisses('A robot', 'Un robot', GLOSSARY)).toEqual([]);
  });
});

describe('applyGlossary', () => {
  const renderings = new Map([['federated learning', 'apprentissage fédéral']]);

  it.each([
    ["L'apprentissage fédéral à l'hôpital", "L'apprentissage fédéré à l'hôpital"],
    ['Apprentissage fédéral : un bilan', 'Apprentissage fédéré : un bilan'],
    ["L'apprentissage fédéré à l'hôpital", "L'apprentissage fédéré à l'hôpital"],
  ])('%s → %s', (output, expected) => {
    expect(applyGlossary('Federated learning in hospitals', output, GLOSSARY, renderings)).toBe(expected);
  });

  it('leaves the output alone when the source lacks the term', () => {
    expect(applyGlossary('A robot', 'Un apprentissage fédéral', GLOSSARY, renderings)).toBe('Un apprentissage fédéral');
  });
});

describe('entriesIn and glossaryHash', () => {
  it('finds the entries of a batch, and a changed entry changes the hash', () => {
    expect(entriesIn(['open-source weights', 'a robot'], GLOSSARY).map((e) => e.source)).toEqual(['open source']);
    expect(glossaryHash(GLOSSARY)).not.toBe(glossaryHash([...GLOSSARY.slice(0, 2), { source: 'privacy', target: 'vie privée' }]));
  });
});
