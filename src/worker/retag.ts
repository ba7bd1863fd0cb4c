// `veille retag`: the taxonomy applied again to every stored item, so that a changed vocabulary
// reaches what is already stored; the site is published again with the new themes.
import type { Config } from '../config/load-config.js';
import { htmlToText } from '../clean/text.js';
import type { Clock, Logger } from '../domain/ports.js';
import type { SourceSpec, ThemeMatch } from '../domain/types.js';
import type { Store } from '../store/store.js';
import { createTagger } from '../tag/tagger.js';
import type { Taxonomy } from '../tag/taxonomy.js';
import { expectedLanguages } from '../language/item-language.js';
import { publishFromStore } from './publish-from-store.js';
import { configuredTranslator } from './translate-step.js';

export interface RetagSummary {
  readonly items: number;
  /** Items whose themes, scores or evidence changed. */
  readonly changed: number;
  /** Per theme id: items that gained it and items that lost it. */
  readonly themes: Readonly<Record<string, { readonly added: number; readonly removed: number }>>;
  readonly published: number;
  readonly durationMs: number;
}

/** Items read and written per transaction: bounded memory whatever the store's size. */
const PAGE = 1_000;

export async function retagStoredItems(deps: {
  config: Config;
  store: Store;
  taxonomy: Taxonomy;
  sources: readonly SourceSpec[];
  clock: Clock;
  logger: Logger;
  env: NodeJS.ProcessEnv;
}): Promise<RetagSummary> {
  const { store, taxonomy } = deps;
  const started = performance.now();
  const tagger = createTagger(taxonomy, { languages: expectedLanguages(deps.config.site.language, deps.sources.map((source) => source.lang)) });
  const themes = Object.fromEntries(taxonomy.themes.map((theme) => [theme.id, { added: 0, removed: 0 }]));
  let items = 0;
  let changed = 0;
  for (let after: string | null = null; ; ) {
    const page = store.itemsForTagging(after, PAGE);
    if (page.length === 0) break;
    const changes: { itemId: string; themes: ThemeMatch[] }[] = [];
    for (const row of page) {
      const now = tagger.tag({
        title: row.title,
        summary: row.summary,
        content: htmlToText(row.contentHtml),
        categories: row.categories,
        // The stored language was settled by the language stage when the item was stored.
        language: row.language,
        languageSettled: true,
        sourceUrl: row.sourceUrl,
      });
      if (sameThemes(row.themes, now)) continue;
      changes.push({ itemId: row.id, themes: now });
      const before = new Set(row.themes.map((theme) => theme.id));
      const after = new Set(now.map((theme) => theme.id));
      for (const id of after) if (!before.has(id)) (themes[id] ??= { added: 0, removed: 0 }).added += 1;
      for (const id of before) if (!after.has(id)) (themes[id] ??= { added: 0, removed: 0 }).removed += 1;
    }
    store.replaceThemes(changes);
    items += page.length;
    changed += changes.length;
    after = page[page.length - 1]?.id ?? null;
  }
  const published = await publishFromStore({
    config: deps.config,
    store,
    taxonomy,
    builtAt: deps.clock.now(),
    translator: configuredTranslator(deps.config, store, deps.env, deps.clock, deps.logger),
  });
  return { items, changed, themes, published, durationMs: Math.round(performance.now() - started) };
}

/** Same theme ids, scores and evidence (`stored` sorted by id; the tagger gives taxonomy order). */
function sameThemes(stored: readonly ThemeMatch[], now: readonly ThemeMatch[]): boolean {
  if (stored.length !== now.length) return false;
  const sorted = [...now].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return sorted.every((theme, i) => {
    const old = stored[i];
    return old !== undefined && old.id === theme.id && old.score === theme.score && JSON.stringify(old.evidence) === JSON.stringify(theme.evidence);
  });
}
