// The taxonomy file: the default themes, and errors that name the path of the bad key.

import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { checkSync } from 'recheck';
import { isVeilleError } from '../../src/domain/errors.js';
import { loadTaxonomy, parseTaxonomy, themeInfos } from '../../src/tag/taxonomy.js';
import { foldAccents } from '../../src/tag/words.js';
import { THEMES_FILE } from './helpers.js';

const MINIMAL = (theme: string): string => `version: 1\nthemes:\n${theme}`;
const GOOD_THEME = `  - id: a\n    label: A\n    definition: Défini.\n    vocabulary: { en: [alpha] }\n`;

describe('default taxonomy', () => {
  it('has the six themes of DESIGN.md, with their French labels, in reading order', () => {
    expect(themeInfos(loadTaxonomy(THEMES_FILE), 'fr').map((t) => [t.id, t.label])).toEqual([
      ['open-source', 'Open source'],
      ['federated-learning', 'Apprentissage fédéré'],
      ['privacy', 'Confidentialité et données personnelles'],
      ['regulation', 'Régulation et gouvernance'],
      ['security', 'Sécurité'],
      ['events', 'Événements et conférences'],
    ]);
  });

  it('has English labels for a site in English', () => {
    expect(themeInfos(loadTaxonomy(THEMES_FILE), 'en').map((t) => [t.id, t.label])).toEqual([
      ['open-source', 'Open source'],
      ['federated-learning', 'Federated learning'],
      ['privacy', 'Privacy and personal data'],
      ['regulation', 'Regulation and governance'],
      ['security', 'Security'],
      ['events', 'Events and conferences'],
    ]);
  });

  it.each(['fr', 'en'])('gives every theme a one-line definition (%s)', (language) => {
    for (const info of themeInfos(loadTaxonomy(THEMES_FILE), language)) expect(info.definition).toMatch(/^[^\n]{20,400}$/u);
  });

  it('keeps every vocabulary and exclusion list sorted, so that reviews show what changed', () => {
    const raw = parse(readFileSync(THEMES_FILE, 'utf8')) as { themes: Record<string, Record<string, unknown[]> | unknown>[] };
    const text = (entry: unknown): string =>
      typeof entry === 'string' ? entry : ((entry as { term?: string; regex?: string }).term ?? (entry as { regex: string }).regex);
    const sortKey = (entry: unknown): string => foldAccents(text(entry).toLowerCase()).replace(/[^a-z0-9 ]/gu, '');
    for (const theme of raw.themes) {
      for (const group of ['vocabulary', 'exclusions'] as const) {
        for (const [language, list] of Object.entries((theme[group] ?? {}) as Record<string, unknown[]>)) {
          const keys = list.map(sortKey);
          expect(keys, `${String(theme['id'])}.${group}.${language}`).toEqual([...keys].sort());
        }
      }
    }
  });
});

// Regex terms run on feed text, which is untrusted and up to 10 MiB, and the lint step cannot see
// them (they are built from the config at run time): recheck, the lint's ReDoS checker, reads them here.
// Issue 13: `(?:[\w.'’-]+ ){0,2}` read "open-open-open…" to its end from every "open" (80 KB: 2 s).
describe('default taxonomy regex terms take linear time', () => {
  const raw = parse(readFileSync(THEMES_FILE, 'utf8')) as { themes: { id: string; vocabulary: Record<string, unknown[]> }[] };
  const regexes = raw.themes.flatMap((theme) =>
    Object.values(theme.vocabulary).flatMap((entries) =>
      entries.flatMap((entry) => {
        const { regex, flags } = entry as { regex?: string; flags?: string };
        return regex === undefined ? [] : [{ theme: theme.id, regex, flags: `${flags ?? 'i'}g` }];
      }),
    ),
  );

  it('has regex terms to check', () => expect(regexes.length).toBeGreaterThan(0));

  // recheck gives up ("unknown") after its time limit, 10 s by default: a busy machine must not read as a vulnerable regex.
  // Its fuzzer also times its candidate attacks (incubation 250 ms, attack 1 s by default): at load 10 a linear match of a
  // long string ran past those and read as "polynomial". Without them it bounds an attack by characters read, which
  // depends on the regex alone.
  it.each(regexes)('$theme: /$regex/', ({ regex, flags }) => {
    const diagnostics = checkSync(regex, flags, { timeout: 60_000, attackTimeout: null, incubationTimeout: null });
    expect(diagnostics.status === 'vulnerable' ? diagnostics.complexity.type : diagnostics.status).toBe('safe');
  }, 90_000);
});

describe('taxonomy errors name the bad key', () => {
  it.each([
    ['not YAML', 'themes: [', /^t\.yaml:1:\d+: not valid YAML/u],
    ['no themes', 'version: 1\nthemes: []', /^t\.yaml:\d+: themes: expected at least one theme/u],
    ['unknown key', MINIMAL(GOOD_THEME.replace('label: A', 'label: A\n    colour: red')), /^t\.yaml:\d+: themes\[0\]: .*colour/u],
    ['bad id', MINIMAL(GOOD_THEME.replace('id: a', 'id: Open Source')), /^t\.yaml:\d+: themes\[0\]\.id: expected a kebab-case id/u],
    ['missing label', MINIMAL(GOOD_THEME.replace('    label: A\n', '')), /^t\.yaml:\d+: themes\[0\]\.label: /u],
    ['bad term', MINIMAL(GOOD_THEME.replace('[alpha]', '[alpha, beta, 3]')), /^t\.yaml:\d+: themes\[0\]\.vocabulary\.en\[2\]: expected a term/u],
    ['bad language', MINIMAL(GOOD_THEME.replace('en: [alpha]', 'English: [alpha]')), /^t\.yaml:\d+: themes\[0\]\.vocabulary\.English: expected a map from a language code/u],
    ['bad regex', MINIMAL(GOOD_THEME.replace('[alpha]', "[alpha, { regex: '(' }]")), /^t\.yaml:\d+: themes\[0\]\.vocabulary\.en\[1\]\.regex: not a valid regular expression/u],
    ['term without words', MINIMAL(GOOD_THEME.replace('[alpha]', "[alpha, '--']")), /^t\.yaml:\d+: themes\[0\]\.vocabulary\.en\[1\]: expected at least one word/u],
    ['threshold out of range', MINIMAL(GOOD_THEME.replace('label: A', 'label: A\n    threshold: 2')), /^t\.yaml:\d+: themes\[0\]\.threshold: expected a number in \(0, 1\]/u],
    ['duplicate id', MINIMAL(GOOD_THEME + GOOD_THEME), /^t\.yaml:\d+: themes\[1\]\.id: duplicate id "a"/u],
    ['bad exclusion', MINIMAL(GOOD_THEME + '    exclusions: { fr: [ok, 4] }\n'), /^t\.yaml:\d+: themes\[0\]\.exclusions\.fr\[1\]: /u],
  ])('%s', (_name, yaml, message) => {
    let caught: unknown;
    try {
      parseTaxonomy(yaml, 't.yaml');
    } catch (error) {
      caught = error;
    }
    expect(isVeilleError(caught, 'TAXONOMY_INVALID')).toBe(true);
    expect((caught as Error).message).toMatch(message);
  });

  // Issue 17, finding 8: "themes[0].label: expected a string (and 3 more)", with no line.
  it('gives each problem its file:line, as the config does', () => {
    const yaml = ['version: 1', 'themes:', '  - id: a', '    label: [1, 2]', '    vocabulary: { en: [alpha] }', '  - id: B C', '    label: b', '    definition: d', '    vocabulary: { en: [beta] }', ''].join('\n');
    expect(() => parseTaxonomy(yaml, 'themes.yaml')).toThrow(
      /^themes\.yaml:4: themes\[0\]\.label: expected a string\nthemes\.yaml:3: themes\[0\]\.definition: expected a string\nthemes\.yaml:6: themes\[1\]\.id: expected a kebab-case id[^\n]*$/u,
    );
  });

  it('says which file cannot be read', () => {
    expect(() => loadTaxonomy('/nonexistent/themes.yaml')).toThrow(/^\/nonexistent\/themes\.yaml: cannot read/u);
  });
});
