// The theme taxonomy: reads config/themes.yaml, validates it (errors name the bad key's path) and
// compiles its vocabularies once into lookup tables keyed by word stem, so that tagging is a few Map reads per word.

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type * as Yaml from 'yaml';
import type * as Zod from 'zod';
import { describeFileError, VeilleError } from '../domain/errors.js';
import type { ThemeInfo } from '../domain/types.js';
import { loadLearnedModel, type LearnedModel } from './learned.js';
import { categoryKey, keyOf, splitWords } from './words.js';
import { literalGuard } from './required-literals.js';
import { lazyPackage, lazySchema } from '../system/lazy-package.js';

/** yaml, loaded by the first parse (issue 15): a run that reads the kept config and taxonomy parses no YAML. */
const yaml = lazyPackage<typeof Yaml>('yaml');

/** Vocabulary key for words matched as written (lowercase, accents folded, no stemming), whatever the item's language. */
export const EXACT = 'exact';

type TaxonomySchema = ReturnType<typeof buildTaxonomySchema>;

/** The file's schema, built by the first parse (lazySchema: a run that reads the kept themes, app/taxonomy-cache.ts, never loads zod). */
const taxonomySchema = lazySchema(buildTaxonomySchema);

function buildTaxonomySchema(z: typeof Zod.z) {
  const LANGUAGE = z.string().regex(/^[a-z]{2,3}$/, { error: 'expected a language code such as "en" or "fr"' });
  const WEIGHT = z.number({ error: 'expected a number' }).positive({ error: 'expected a number above 0' }).max(10, { error: 'expected a number up to 10' });
  const TEXT = z.string({ error: 'expected a string' }).trim().min(1, { error: 'expected a non-empty string' });

  const TERM_ENTRY = z.union(
    [
      TEXT,
      z.strictObject({ term: TEXT, weight: WEIGHT.optional(), sameLanguage: z.boolean({ error: 'expected true or false' }).optional() }),
      z.strictObject({ regex: TEXT, flags: z.string().regex(/^[imsu]*$/).optional(), weight: WEIGHT.optional() }),
    ],
    { error: 'expected a term (string), { term, weight, sameLanguage } or { regex, flags, weight }' },
  );

  const VOCABULARY_KEY = z.union([LANGUAGE, z.literal(EXACT)], { error: `expected a language code such as "en" or "fr", or "${EXACT}"` });

  const PER_LANGUAGE = <T extends Zod.ZodType>(entry: T) =>
    z.record(VOCABULARY_KEY, z.array(entry, { error: 'expected a list' }), { error: `expected a map from a language code ("en", "fr") or "${EXACT}" to a list` });

  const THEME = z.strictObject({
    id: z.string({ error: 'expected a string' }).regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { error: 'expected a kebab-case id such as "open-source"' }),
    label: TEXT,
    definition: TEXT,
    /** The label and definition for a site in another language than the file's (`site.language`). */
    translations: z
      .record(LANGUAGE, z.strictObject({ label: TEXT, definition: TEXT }), { error: 'expected a map from a language code ("en") to { label, definition }' })
      .optional(),
    titleWeight: WEIGHT.optional(),
    contentWeight: WEIGHT.optional(),
    threshold: z.number({ error: 'expected a number' }).gt(0, { error: 'expected a number in (0, 1]' }).max(1, { error: 'expected a number in (0, 1]' }).optional(),
    vocabulary: PER_LANGUAGE(TERM_ENTRY),
    exclusions: PER_LANGUAGE(TEXT).optional(),
    categories: z.array(TEXT, { error: 'expected a list of category names' }).optional(),
    hints: z
      .array(z.strictObject({ source: TEXT, boost: WEIGHT }), { error: 'expected a list of { source, boost }' })
      .optional(),
  });

  const FILE = z.strictObject({
    version: z.literal(1, { error: 'expected 1' }),
    defaults: z
      .strictObject({
        titleWeight: WEIGHT.default(2),
        contentWeight: WEIGHT.default(0.5),
        categoryWeight: WEIGHT.default(1),
        threshold: z.number().gt(0).max(1, { error: 'expected a number in (0, 1]' }).default(0.5),
        sharedLanguages: z.array(LANGUAGE).default(['en']),
      })
      .prefault({}),
    themes: z.array(THEME, { error: 'expected a list of themes' }).min(1, { error: 'expected at least one theme' }),
    /** Learned weights (scripts/learn-weights.mjs), a JSON file named relative to this one. */
    learned: TEXT.optional(),
  });
  return { TERM_ENTRY, FILE };
}

type TermEntry = Zod.infer<TaxonomySchema['TERM_ENTRY']>;

/** One theme as written in the taxonomy file, with defaults applied. */
export interface ThemeDefinition {
  readonly id: string;
  readonly label: string;
  readonly definition: string;
  /** By primary language subtag: the label and definition for a site in that language. */
  readonly translations: Readonly<Record<string, { readonly label: string; readonly definition: string }>>;
  /** Weight of a term found in the title; a term in the summary weighs 1. */
  readonly titleWeight: number;
  /** Weight of a term found only in the full content (long text mentions many things in passing). */
  readonly contentWeight: number;
  /** Minimum score in [0, 1] for an item to get the theme. */
  readonly threshold: number;
  readonly vocabulary: Readonly<Record<string, readonly TermEntry[]>>;
  readonly exclusions: Readonly<Record<string, readonly string[]>>;
  /** Feeds' own categories that are evidence for the theme. */
  readonly categories: readonly string[];
  readonly hints: readonly { readonly source: string; readonly boost: number }[];
}

/** A phrase (one or more word keys) of one theme, in one language. */
export interface CompiledPhrase {
  readonly theme: number;
  /** Index in `Taxonomy.terms` (in `Taxonomy.exclusionTerms` for an exclusion), for evidence and per-term scoring. */
  readonly term: number;
  readonly keys: readonly string[];
  readonly exclusion: boolean;
}

export interface CompiledRegex {
  readonly theme: number;
  readonly term: number;
  readonly pattern: RegExp;
  /** A literal the pattern cannot match without (literalGuard), tested first; null when none helps. */
  readonly guard: RegExp | null;
}

export interface CompiledLanguage {
  /** Language of the stemmer that made the keys. */
  readonly language: string;
  /**
   * When the vocabulary applies: its language, or "<language>:own" for terms marked `sameLanguage`
   * (a shared English vocabulary's "exploit" is a feat in French items).
   */
  readonly activation: string;
  /** First key of a phrase → the phrases that start with it. */
  readonly byFirstKey: ReadonlyMap<string, readonly CompiledPhrase[]>;
  readonly regexes: readonly CompiledRegex[];
}

export interface CompiledTerm {
  readonly theme: number;
  /** As written in the taxonomy (a regex as /source/). */
  readonly text: string;
  readonly weight: number;
}

export interface Taxonomy {
  readonly themes: readonly ThemeDefinition[];
  readonly file: string;
  /** Vocabulary languages, in the order the file first uses them ("exact" is not a language and not listed). */
  readonly languages: readonly string[];
  /** Languages whose vocabularies apply to items of any language (AI news borrows English terms). */
  readonly sharedLanguages: readonly string[];
  readonly categoryWeight: number;
  readonly terms: readonly CompiledTerm[];
  /** Exclusions as written, by the `term` index their compiled phrases carry (for explanations). */
  readonly exclusionTerms: readonly CompiledTerm[];
  readonly compiled: ReadonlyMap<string, CompiledLanguage>;
  /** categoryKey(feed category) → themes and the category as written in the taxonomy. */
  readonly categories: ReadonlyMap<string, readonly { readonly theme: number; readonly term: number }[]>;
  /** The learned part of the scores (issue 19), when the file names one and it is read. */
  readonly learned: LearnedModel | null;
}

export interface TaxonomyOptions {
  /** Read the learned weights the file names (default true); false for the script that learns them. */
  readonly learned?: boolean;
}

/** Reads and compiles a taxonomy file. */
export function loadTaxonomy(file: string, options?: TaxonomyOptions): Taxonomy {
  return parseTaxonomy(readTaxonomyFile(file), file, undefined, options);
}

/** The taxonomy file's text. */
export function readTaxonomyFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    throw new VeilleError('TAXONOMY_INVALID', `${file}: cannot read the taxonomy file (the config's themes key): ${describeFileError(cause)}`, { cause });
  }
}

/** The YAML document of a taxonomy file, parsed, with what locates its nodes. */
interface TaxonomyDocument {
  readonly document: Yaml.Document;
  readonly lineCounter: Yaml.LineCounter;
}

function readDocument(yamlText: string, file: string): TaxonomyDocument {
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const document = parseDocument(yamlText, { lineCounter, prettyErrors: false });
  const yamlError = document.errors[0];
  if (yamlError !== undefined) {
    const { line, col } = lineCounter.linePos(yamlError.pos[0]);
    throw new VeilleError('TAXONOMY_INVALID', `${file}:${line}:${col}: not valid YAML: ${yamlError.message.split('\n')[0] ?? ''}`);
  }
  return { document, lineCounter };
}

function documentData({ document }: TaxonomyDocument, file: string): unknown {
  try {
    return document.toJS();
  } catch (cause) {
    throw new VeilleError('TAXONOMY_INVALID', `${file}: not read: ${(cause as Error).message.split('\n')[0] ?? ''}`, { cause });
  }
}

/** Taxonomy YAML as plain data (JSON-safe), not yet validated: what parseTaxonomy's `data` takes. */
export function taxonomyData(yamlText: string, file: string): unknown {
  return documentData(readDocument(yamlText, file), file);
}

/**
 * Parses, validates and compiles taxonomy YAML; `file` names the source in error messages. `data`:
 * taxonomyData of this same text, kept from an earlier run (app/taxonomy-cache.ts): the YAML is then
 * parsed only to locate a problem.
 */
export function parseTaxonomy(yamlText: string, file: string, data?: unknown, options?: TaxonomyOptions): Taxonomy {
  let parsedDocument: TaxonomyDocument | null = null;
  const yamlDocument = (): TaxonomyDocument => (parsedDocument ??= readDocument(yamlText, file));
  const raw = data === undefined ? documentData(yamlDocument(), file) : data;
  // "file:line: path: what", one line per problem, like the config's errors (issue 17, finding 8).
  const where: Locate = (path) => `${locate(yamlDocument().document, yamlDocument().lineCounter, path, file)}: ${formatPath(path) || '(root)'}`;
  const parsed = taxonomySchema().FILE.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    const lines = issues.slice(0, MAX_ISSUES).map((issue) => `${where(issue.path)}: ${issue.message}`);
    if (issues.length > MAX_ISSUES) lines.push(`(and ${issues.length - MAX_ISSUES} more)`);
    throw new VeilleError('TAXONOMY_INVALID', lines.join('\n'));
  }
  return compile(parsed.data, file, where, options?.learned ?? true);
}

/** Problems listed at most, of one file. */
const MAX_ISSUES = 10;

/** "themes.yaml:12: themes[0].label" for a key path. */
type Locate = (path: readonly PropertyKey[]) => string;

/** "file:line" of the deepest node of `path` the document has, else the file alone. */
function locate(document: Yaml.Document, lineCounter: Yaml.LineCounter, path: readonly PropertyKey[], file: string): string {
  const keys = path.filter((part): part is string | number => typeof part !== 'symbol');
  for (let length = keys.length; length >= 0; length -= 1) {
    const node = (length === 0 ? document.contents : document.getIn(keys.slice(0, length), true)) as { range?: [number, number, number] } | null | undefined;
    if (node && typeof node === 'object' && node.range) return `${file}:${lineCounter.linePos(node.range[0]).line}`;
  }
  return file;
}

/**
 * The themes as readers see them, in the file's order: in the site's language (`primary`, e.g.
 * "en") when the file translates them, else as the file writes them.
 */
export function themeInfos(taxonomy: Taxonomy, primary: string): ThemeInfo[] {
  return taxonomy.themes.map((theme) => {
    const translated = theme.translations[primary];
    return { id: theme.id, label: translated?.label ?? theme.label, definition: translated?.definition ?? theme.definition };
  });
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

function invalid(where: Locate, path: readonly PropertyKey[], message: string): VeilleError {
  return new VeilleError('TAXONOMY_INVALID', `${where(path)}: ${message}`);
}

function compile(data: Zod.infer<TaxonomySchema['FILE']>, file: string, where: Locate, withLearned: boolean): Taxonomy {
  const { defaults } = data;
  const themes: ThemeDefinition[] = [];
  const terms: CompiledTerm[] = [];
  const exclusionTerms: CompiledTerm[] = [];
  const languages: string[] = [];
  const phrases = new Map<string, Map<string, CompiledPhrase[]>>();
  const stemLanguages = new Map<string, string>();
  const regexes = new Map<string, CompiledRegex[]>();
  const categories = new Map<string, { theme: number; term: number }[]>();
  const seenIds = new Map<string, number>();

  const addLanguage = (language: string): void => {
    if (!languages.includes(language)) languages.push(language);
  };
  const addPhrase = (activation: string, phrase: CompiledPhrase): void => {
    let index = phrases.get(activation);
    if (index === undefined) phrases.set(activation, (index = new Map()));
    const first = phrase.keys[0] as string;
    const list = index.get(first);
    if (list === undefined) index.set(first, [phrase]);
    else if (!list.some((p) => p.theme === phrase.theme && p.exclusion === phrase.exclusion && sameKeys(p.keys, phrase.keys))) list.push(phrase);
  };
  /** A phrase, and its words written as one ("open source" → "opensource"), which feeds also use. */
  const addWords = (language: string, theme: number, term: number, text: string, exclusion: boolean, path: PropertyKey[], own = false): void => {
    const words = splitWords(text);
    if (words.length === 0) throw invalid(where, path, 'expected at least one word');
    const activation = own ? ownActivation(language) : language;
    stemLanguages.set(activation, language);
    addPhrase(activation, { theme, term, keys: words.map((w) => keyOf(w, language)), exclusion });
    if (words.length > 1) addPhrase(activation, { theme, term, keys: [keyOf(words.join(''), language)], exclusion });
  };

  data.themes.forEach((theme, t) => {
    const earlier = seenIds.get(theme.id);
    if (earlier !== undefined) throw invalid(where, ['themes', t, 'id'], `duplicate id "${theme.id}" (also themes[${earlier}])`);
    seenIds.set(theme.id, t);
    for (const [language, entries] of Object.entries(theme.vocabulary)) {
      addLanguage(language);
      entries.forEach((entry, e) => {
        const path = ['themes', t, 'vocabulary', language, e];
        const term = terms.length;
        if (typeof entry === 'string' || 'term' in entry) {
          const text = typeof entry === 'string' ? entry : entry.term;
          const weight = typeof entry === 'string' ? 1 : (entry.weight ?? 1);
          const own = typeof entry !== 'string' && entry.sameLanguage === true;
          if (own && language === EXACT) throw invalid(where, [...path, 'sameLanguage'], `not allowed in the "${EXACT}" vocabulary, which has no language`);
          terms.push({ theme: t, text, weight });
          addWords(language, t, term, text, false, path, own);
        } else {
          let pattern: RegExp;
          try {
            pattern = new RegExp(entry.regex, `${entry.flags ?? 'i'}g`);
          } catch (cause) {
            throw invalid(where, [...path, 'regex'], `not a valid regular expression (${(cause as Error).message})`);
          }
          terms.push({ theme: t, text: `/${entry.regex}/`, weight: entry.weight ?? 1 });
          const list = regexes.get(language) ?? [];
          list.push({ theme: t, term, pattern, guard: literalGuard(pattern) });
          regexes.set(language, list);
        }
      });
    }
    for (const [language, entries] of Object.entries(theme.exclusions ?? {})) {
      addLanguage(language);
      entries.forEach((text, e) => {
        addWords(language, t, exclusionTerms.length, text, true, ['themes', t, 'exclusions', language, e]);
        exclusionTerms.push({ theme: t, text, weight: 0 });
      });
    }
    (theme.categories ?? []).forEach((category, c) => {
      const key = categoryKey(category);
      if (key === '') throw invalid(where, ['themes', t, 'categories', c], 'expected a category name with letters or digits');
      const term = terms.length;
      terms.push({ theme: t, text: category, weight: 1 });
      const list = categories.get(key) ?? [];
      list.push({ theme: t, term });
      categories.set(key, list);
    });
    themes.push(
      Object.freeze({
        id: theme.id,
        label: theme.label,
        definition: theme.definition,
        translations: theme.translations ?? {},
        titleWeight: theme.titleWeight ?? defaults.titleWeight,
        contentWeight: theme.contentWeight ?? defaults.contentWeight,
        threshold: theme.threshold ?? defaults.threshold,
        vocabulary: theme.vocabulary,
        exclusions: theme.exclusions ?? {},
        categories: theme.categories ?? [],
        hints: theme.hints ?? [],
      }),
    );
  });

  const compiled = new Map<string, CompiledLanguage>();
  for (const language of languages) stemLanguages.set(language, language);
  for (const [activation, language] of stemLanguages) {
    compiled.set(activation, {
      language,
      activation,
      byFirstKey: phrases.get(activation) ?? new Map(),
      regexes: regexes.get(activation) ?? [],
    });
  }
  return Object.freeze({
    themes: Object.freeze(themes),
    file,
    languages: Object.freeze(languages.filter((l) => l !== EXACT)),
    sharedLanguages: Object.freeze([...new Set([...defaults.sharedLanguages, EXACT])]),
    categoryWeight: defaults.categoryWeight,
    terms: Object.freeze(terms),
    exclusionTerms: Object.freeze(exclusionTerms),
    compiled,
    categories,
    learned:
      withLearned && data.learned !== undefined
        ? loadLearnedModel(
            resolve(dirname(file), data.learned),
            themes.map((t) => t.id),
          )
        : null,
  });
}

/** Activation key of a vocabulary's `sameLanguage` terms. */
export function ownActivation(language: string): string {
  return `${language}:own`;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((key, i) => key === b[i]);
}
